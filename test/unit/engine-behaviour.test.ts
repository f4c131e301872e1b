/** The engine does what the scenario says: warm-up, shifts, outages, absences, escalation, parallel joins, profiles, replay. */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runOnce } from '../helpers/scenario.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { parseScenarioText } from '../../model/scenario-source.js';
import { simulateReplication } from '../../simulator/simulate.js';
import { createPolicy } from '../../allocation/registry.js';
import type { TaskRecord } from '../../simulator/engine.js';
import { DAY, HOUR } from '../../model/units.js';

function tasksOf(text: string) {
  const tasks: TaskRecord[] = [];
  const figures = runOnce(scenarioFrom(text), 0, undefined, (r) => tasks.push(r));
  return { tasks, figures };
}

const office = (extra = '') => `
name: office
seed: 4
horizon: 28d
warmup: 7d
sampleEvery: 1h
pools:
  people:
    kind: human
    size: 3
    skills: [check, fix]
    costPerHour: 30
    shifts: [{ days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }]
  bot: { kind: bot, size: 1, skills: [check], costPerHour: 2, failureRate: 0.2 }
processes:
  claim:
    sla: 2d
    start: auto
    steps:
      auto: { skill: check, botDuration: { dist: constant, value: 1m }, humanDuration: { dist: exponential, mean: 10m }, onBotFailure: fix, next: { parallel: [a, b], join: done } }
      fix: { skill: fix, duration: { dist: exponential, mean: 15m }, next: { parallel: [a, b], join: done } }
      a: { skill: fix, duration: { dist: uniform, min: 5m, max: 10m }, next: done }
      b: { skill: check, humanDuration: { dist: constant, value: 20m }, botDuration: { dist: constant, value: 2m } }
      done: { skill: fix, duration: { dist: constant, value: 1m } }
demand:
  claim: { rate: 2/h }
${extra}`;

describe('engine behaviour', () => {
  it('excludes the warm-up: only cases born after it are counted', () => {
    const { figures } = tasksOf(office());
    const expected = 2 * 24 * 21; // rate × observed hours
    expect(Math.abs(figures.processes.claim.arrived - expected) / expected).toBeLessThan(0.1);
    expect(figures.simulatedSeconds).toBe(21 * DAY);
  });

  it('people only start work on shift; bots work around the clock', () => {
    const { tasks } = tasksOf(office());
    const human = tasks.filter((t) => t.pool === 'people');
    expect(human.length).toBeGreaterThan(500);
    for (const t of human) {
      const day = Math.floor(t.start / DAY) % 7;
      const hour = (t.start % DAY) / HOUR;
      expect(day).toBeLessThan(5);
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(17);
    }
    expect(tasks.some((t) => t.pool === 'bot' && (t.start % DAY) / HOUR < 6)).toBe(true);
  });

  it('escalates failed bot work to the human step', () => {
    const { tasks } = tasksOf(office());
    const failed = tasks.filter((t) => t.outcome === 'bot-failed' && t.activity === 'auto');
    const autos = tasks.filter((t) => t.activity === 'auto' && t.pool === 'bot');
    expect(failed.length / autos.length).toBeGreaterThan(0.15);
    expect(failed.length / autos.length).toBeLessThan(0.25);
    const fixed = new Set(tasks.filter((t) => t.activity === 'fix').map((t) => t.caseId));
    for (const f of failed.slice(0, 200)) if (f.end < 27 * DAY) expect(fixed.has(f.caseId)).toBe(true);
  });

  it('starts a join step only after every parallel branch is done, once per case', () => {
    const { tasks } = tasksOf(office());
    const byCase = new Map<string, TaskRecord[]>();
    for (const t of tasks) (byCase.get(t.caseId) ?? byCase.set(t.caseId, []).get(t.caseId)!).push(t);
    let checked = 0;
    for (const ts of byCase.values()) {
      const done = ts.filter((t) => t.activity === 'done');
      if (done.length === 0) continue;
      expect(done).toHaveLength(1);
      // b may be retried after a bot failure: the join waits for its last attempt
      const lastEnd = Math.max(...ts.filter((t) => t.activity === 'a' || t.activity === 'b').map((t) => t.end));
      expect(done[0].enqueue).toBe(lastEnd);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('passes a gateway step at once, with no unit: a split at the start, a choice into a split, a join at the end', () => {
    const text = `
name: gateways
seed: 3
horizon: 20d
pools:
  people: { kind: human, size: 4, skills: [a, b, c], costPerHour: 30 }
processes:
  order:
    sla: 1d
    start: split
    steps:
      split: { gateway: true, next: { parallel: [a, choose], join: c } }
      a: { skill: a, duration: { dist: exponential, mean: 20m }, next: c }
      choose: { gateway: true, next: { branch: [{ to: b, p: 0.3 }, { to: both, p: 0.7 }] } }
      both: { gateway: true, next: { parallel: [d, b], join: ends } }
      b: { skill: b, duration: { dist: constant, value: 10m } }
      d: { skill: a, duration: { dist: exponential, mean: 20m } }
      ends: { gateway: true }
      c: { skill: c, duration: { dist: constant, value: 5m } }
demand:
  order: { rate: 4/h }
`;
    const { tasks, figures } = tasksOf(text);
    const byCase = new Map<string, TaskRecord[]>();
    for (const t of tasks) (byCase.get(t.caseId) ?? byCase.set(t.caseId, []).get(t.caseId)!).push(t);
    let complete = 0,
      nested = 0;
    for (const ts of byCase.values()) {
      const c = ts.filter((t) => t.activity === 'c');
      if (!c.length) continue;
      complete++;
      expect(c).toHaveLength(1);
      // gateway steps make no tasks and take no time: both first tasks are asked for at the case's arrival
      expect(ts.every((t) => ['a', 'b', 'c', 'd'].includes(t.activity))).toBe(true);
      const first = ts.filter((t) => t.enqueue === Math.min(...ts.map((x) => x.enqueue)));
      expect(first.map((t) => t.activity).sort()).toEqual(ts.some((t) => t.activity === 'd') ? ['a', 'b', 'd'] : ['a', 'b']);
      // c waits for every branch, the nested split's ones too
      expect(c[0].enqueue).toBe(Math.max(...ts.filter((t) => t.activity !== 'c').map((t) => t.end)));
      if (ts.some((t) => t.activity === 'd')) nested++;
    }
    expect(complete).toBeGreaterThan(1000);
    expect(nested / complete).toBeGreaterThan(0.65);
    expect(nested / complete).toBeLessThan(0.75);
    expect(figures.processes.order.completed).toBe(complete);
  });

  it('a bot outage stops bot work for its duration', () => {
    const { tasks } = tasksOf(office('disruptions:\n  - { kind: outage, pool: bot, start: 10d, duration: 12h }\n'));
    const during = tasks.filter((t) => t.pool === 'bot' && t.start >= 10 * DAY && t.start < 10 * DAY + 12 * HOUR);
    expect(during).toHaveLength(0);
    expect(tasks.filter((t) => t.pool === 'bot' && t.start >= 10 * DAY + 12 * HOUR && t.start < 11 * DAY).length).toBeGreaterThan(0);
  });

  it('an absence takes people away: never more than size − absent busy at once', () => {
    const { tasks } = tasksOf(office('disruptions:\n  - { kind: absence, pool: people, units: 2, start: 14d, duration: 5d }\n'));
    const window = tasks.filter((t) => t.pool === 'people' && t.start >= 14 * DAY + HOUR && t.start < 19 * DAY);
    const resources = new Set(window.map((t) => t.resource));
    expect(resources.size).toBe(1);
  });

  it('follows the hour-of-day profile', () => {
    const profile = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 12 ? 3 : h < 6 ? 0 : 1));
    const s = scenarioFrom(`
name: profile
seed: 2
horizon: 60d
pools: { p: { kind: human, size: 50, skills: [x] } }
processes: { j: { sla: 1h, start: s, steps: { s: { skill: x, duration: { dist: constant, value: 1s } } } } }
demand: { j: { rate: 10/h, hourOfDay: [${profile.join(', ')}] } }
`);
    const counts = new Array(24).fill(0);
    simulateReplication({ scenario: s, policy: createPolicy(s), replication: 0, onTask: (t) => counts[Math.floor((t.enqueue % DAY) / HOUR)]++ });
    for (let h = 0; h < 24; h++) {
      const expected = 10 * profile[h] * 60;
      if (expected === 0) expect(counts[h]).toBe(0);
      else expect(Math.abs(counts[h] - expected)).toBeLessThan(4 * Math.sqrt(expected));
    }
  });

  it('replays arrivals from a CSV exactly', () => {
    const text = `
name: replay
horizon: 1d
pools: { p: { kind: human, size: 1, skills: [x] } }
processes: { j: { sla: 1h, start: s, steps: { s: { skill: x, duration: { dist: constant, value: 1m } } } } }
demand: { j: { replay: arrivals.csv } }
`;
    const scenario = compileScenario(parseScenarioText(text, 'r.yaml'), {
      readCompanion: () => 'arrival\n60\n2m\n2026-01-05T01:00:00Z\n',
    });
    const starts: number[] = [];
    simulateReplication({ scenario, policy: createPolicy(scenario), replication: 0, onTask: (t) => starts.push(t.enqueue) });
    expect(starts).toEqual([60, 120, 3600]);
  });
});
