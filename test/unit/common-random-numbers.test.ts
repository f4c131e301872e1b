/**
 * Common random numbers: two policies see the same cases arrive at the same
 * times, and each task (case, step, visit) takes the same time, whoever does it
 * and whenever it starts.
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runOnce } from '../helpers/scenario.js';
import type { TaskRecord } from '../../simulator/engine.js';

const text = (policy: string) => `
name: crn
seed: 9
horizon: 20d
sampleEvery: 1d
policy: ${policy}
pools:
  people: { kind: human, size: 5, skills: [a, b] }
processes:
  job:
    sla: 8h
    start: first
    steps:
      first: { skill: a, duration: { dist: lognormal, mean: 20m, sd: 10m }, next: { branch: [{ to: second, p: 0.7 }, { to: first, p: 0.1 }, { to: end, p: 0.2 }] } }
      second: { skill: b, duration: { dist: gamma, mean: 30m, sd: 20m } }
demand:
  job: { rate: 8/h, hourOfDay: [${Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 2 : 0.3)).join(', ')}] }
`;

function collect(policy: string) {
  const tasks: TaskRecord[] = [];
  const figures = runOnce(scenarioFrom(text(policy)), 0, undefined, (r) => tasks.push(r));
  return { tasks, figures };
}

describe('common random numbers', () => {
  const flexible = collect('static');
  const dedicated = collect('{ name: static, params: { shares: { people: { a: 0.2, b: 0.6 } } } }');

  it('the two policies really differ', () => {
    expect(dedicated.figures.processes.job.waitMeanSeconds).not.toBeCloseTo(flexible.figures.processes.job.waitMeanSeconds, 0);
  });

  it('arrivals are identical', () => {
    const arrivals = (ts: TaskRecord[]) => {
      const first = new Map<string, number>();
      for (const t of ts) if (!first.has(t.caseId) || first.get(t.caseId)! > t.enqueue) first.set(t.caseId, t.enqueue);
      return first;
    };
    const a = arrivals(flexible.tasks),
      b = arrivals(dedicated.tasks);
    let compared = 0;
    for (const [id, t] of a) {
      if (!b.has(id)) continue;
      const starts = flexible.tasks.filter((x) => x.caseId === id && x.activity === 'first');
      if (starts.length && starts[0].enqueue === t) {
        expect(b.get(id)).toBe(t);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('each task takes the same time under both policies', () => {
    const key = (t: TaskRecord, n: number) => `${t.caseId}/${t.activity}/${n}`;
    const durations = (ts: TaskRecord[]) => {
      const seen = new Map<string, number>();
      const out = new Map<string, number>();
      for (const t of [...ts].sort((x, y) => x.start - y.start)) {
        const base = `${t.caseId}/${t.activity}`;
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.set(key(t, n), t.end - t.start);
      }
      return out;
    };
    const a = durations(flexible.tasks),
      b = durations(dedicated.tasks);
    let compared = 0;
    for (const [k, d] of a) {
      if (!b.has(k)) continue;
      expect(b.get(k)).toBeCloseTo(d, 6);
      compared++;
    }
    expect(compared).toBeGreaterThan(2000);
  });
});
