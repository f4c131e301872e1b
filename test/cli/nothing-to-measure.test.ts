/**
 * Nothing to measure (issue 8, item 5): zero completions print n/a, not
 * "cycle 0s, SLA met 0.0%"; a disruption window with no completion is not
 * "SLA met inside 100%"; a disruption after the horizon, replayed arrivals
 * all in the warm-up and a sweep horizon that leaves out disruptions and
 * surges are warnings; the JSON lists every one under `warnings`.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { autoshift, ROOT } from '../helpers/cli.js';
import { summarize } from '../../simulator/summarize.js';
import { scenarioFrom, runMany } from '../helpers/scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'autoshift-na-'));
const file = join(dir, 'none.yaml');
writeFileSync(
  file,
  `name: nothing completes
horizon: 1h
pools:
  staff: { kind: human, size: 2, skills: [work] }
  bot: { kind: bot, size: 1, skills: [scan] }
processes:
  job:
    sla: 4h
    start: work
    steps:
      work:
        skill: work
        duration: { dist: constant, value: 2h }
demand:
  job: { rate: 4/h }
disruptions:
  - { kind: outage, pool: staff, start: 30m, duration: 30m }
  - { kind: outage, pool: bot, start: 3h, duration: 1h }
`,
);
const replay = join(dir, 'replay.yaml');
writeFileSync(join(dir, 'arrivals.csv'), 'time\n10m\n20m\n');
writeFileSync(
  replay,
  `name: replay in warm-up
horizon: 2d
warmup: 1d
pools:
  staff: { kind: human, size: 2, skills: [work] }
processes:
  job:
    sla: 4h
    start: work
    steps:
      work:
        skill: work
        duration: { dist: constant, value: 10m }
demand:
  job: { replay: arrivals.csv }
`,
);

describe('nothing to measure: n/a and warnings, not zeros', () => {
  it('zero completions and an empty disruption window print n/a; the reasons are warnings and in the JSON', () => {
    const r = autoshift(['run', file]);
    expect(r.code, r.stderr).toBe(0);
    // as many arrived as the seed's Poisson draws say (a few at 4/h in an hour), none completed
    const arrived = /^job\s+(\d+)\s+0\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+n\/a$/m.exec(r.stdout)?.[1];
    expect(Number(arrived), r.stdout).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/^outage staff @1800s\s+\S+\s+n\/a\s+\d+$/m);
    expect(r.stdout).not.toMatch(/100\.0%/);
    expect(r.stdout).toMatch(/n\/a per completed case; SLA met n\/a \(no case completed\)/);
    expect(r.stderr).toMatch(/warning: processes\.job: no case completed \(\d+ arrived after the warm-up\)/);
    expect(r.stderr).toContain(`(${arrived} arrived after the warm-up)`);
    expect(r.stderr).toMatch(/warning: resilience of outage staff @1800s: no case completed inside the disruption window/);
    expect(r.stderr).toMatch(/warning: disruptions\[1\] \(outage bot @3h\) starts at 3h, at or after the horizon \(1h\)/);
    const doc = JSON.parse(autoshift(['run', file, '--json']).stdout);
    // the scenario's (the bot outage after the horizon), the process's, the totals', the staff outage's window
    // (the bot outage, not simulated, has no second warning about its empty window)
    expect(doc.warnings).toHaveLength(4);
    expect(doc.resilience[0].completedInWindow.mean).toBe(0);
    // the disruption after the horizon is not simulated: its row is n/a, not "0s" and a backlog of 0
    expect(r.stdout).toMatch(/^outage bot @3h\s+n\/a\s+n\/a\s+n\/a$/m);
  });

  it('JSON: every figure over an empty set is null with its reason: resilience, cycle-time quantiles, shares', () => {
    const doc = JSON.parse(autoshift(['run', file, '--json', '--replications', '2']).stdout);
    const why = doc.notApplicable as Record<string, string>;
    // no case completed in the outage's window nor before it: no SLA attainment inside it, no baseline attainment
    expect(doc.resilience[0].slaInWindow).toBeNull();
    expect(why['resilience[0].slaInWindow']).toBe('no case completed or ended unserved inside the disruption window');
    expect(doc.resilience[0].baselineSla).toBeNull();
    expect(why['resilience[0].baselineSla']).toMatch(/baseline/);
    expect(doc.resilience[0].timeToRecoverSeconds.mean).toBeGreaterThan(0); // the window was reached: measured
    // the disruption after the horizon: every window figure null, the baseline backlog measured
    for (const k of ['recovered', 'timeToRecoverSeconds', 'lossAreaHours', 'worstBacklog', 'slaInWindow', 'completedInWindow', 'extraCost']) {
      expect(doc.resilience[1][k], k).toBeNull();
      expect(why[`resilience[1].${k}`], k).toMatch(/ends before the disruption starts/);
    }
    expect(doc.resilience[1].baselineBacklog.mean).toBeGreaterThanOrEqual(0);
    // quantiles of no cycle time: null, not a row of zeros
    expect(doc.cycleTimeQuantiles.processes.job).toBeNull();
    expect(why['cycleTimeQuantiles.processes.job']).toMatch(/^no case completed \([\d.]+ arrived after the warm-up\)$/);
    // the bots' share of the completed cases' tasks: there are none
    expect(doc.processes.job.automationShare).toBeNull();
    expect(why['processes.job.automationShare']).toMatch(/^no case completed/);
    // the cases still open are measured: their mean age is a number
    expect(doc.processes.job.openAgeMeanSeconds.mean).toBeGreaterThan(0);
    // and every null figure has its reason
    const nulls: string[] = [];
    const walk = (x: unknown, path: string) => {
      if (x === null) nulls.push(path);
      else if (Array.isArray(x)) x.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (typeof x === 'object') for (const [k, v] of Object.entries(x as object)) walk(v, path ? `${path}.${k}` : k);
    };
    for (const key of ['processes', 'steps', 'pools', 'totals', 'cycleTimeQuantiles']) walk(doc[key], key);
    (doc.resilience as object[]).forEach((r, i) => walk(r, `resilience[${i}]`));
    expect(nulls.length).toBeGreaterThan(10);
    for (const p of nulls) expect(why[p], p).toBeDefined();
  });

  it('JSON: those figures are null, with the reason under notApplicable, and the document follows the schema', () => {
    const doc = JSON.parse(autoshift(['run', file, '--json', '--replications', '2']).stdout);
    for (const k of ['waitMeanSeconds', 'criticalPathWaitMeanSeconds', 'cycleMeanSeconds', 'cycleP95Seconds', 'slaAttainment', 'costPerCase']) {
      expect(doc.processes.job[k], k).toBeNull();
      expect(doc.notApplicable[`processes.job.${k}`]).toMatch(/^no case completed \([\d.]+ arrived after the warm-up\)$/);
    }
    expect(doc.totals.slaAttainment).toBeNull();
    expect(doc.totals.costPerCase).toBeNull();
    expect(doc.notApplicable['totals.costPerCase']).toBe('no case completed');
    expect(doc.steps['job/work'].waitMeanSeconds).toBeNull();
    expect(doc.processes.job.arrived.mean).toBeGreaterThan(0); // counts stay numbers
    const Ajv = (AjvModule as any).default ?? AjvModule;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'docs/results.schema.json'), 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a replication with no completion has no mean: the figure is over the replications that have one, not averaged with 0', () => {
    // a one-day task, a 2-day horizon, arrivals at 0.05/h: some replications complete nothing
    const scenario = scenarioFrom(`name: sparse
horizon: 30h
pools:
  staff: { kind: human, size: 5, skills: [work] }
processes:
  job: { sla: 2d, start: work, steps: { work: { skill: work, duration: { dist: constant, value: 1d } } } }
demand:
  job: { rate: 0.05/h }
`);
    const reps = runMany(scenario, 12);
    const some = reps.filter((r) => r.processes.job.completed > 0);
    expect(some.length).toBeGreaterThan(0);
    expect(some.length).toBeLessThan(reps.length);
    const doc = summarize(scenario, 'static', reps);
    // every completed case took exactly one day: a mean with the empty replications as 0 would be less
    expect(doc.processes.job.cycleMeanSeconds!.mean).toBeCloseTo(86_400, 6);
    expect(doc.processes.job.slaAttainment!.mean).toBe(1);
    // so is every quantile of the cycle time (an empty replication's sketch has no quantiles, not quantiles of 0),
    // within the sketch's 1% relative error
    for (const q of doc.cycleTimeQuantiles!.processes.job!) expect(Math.abs(q.mean / 86_400 - 1)).toBeLessThan(0.01);
    expect(doc.processes.job.automationShare!.mean).toBe(0);
    expect(doc.notApplicable).toBeUndefined();
  });

  it('compare and sweep (and their reports) take a document with null figures: n/a, no crash', () => {
    const html = join(dir, 'compare.html');
    const c = autoshift(['compare', file, '--policies', 'static,bot-first', '--replications', '2', '--report', html]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/n\/a/);
    expect(readFileSync(html, 'utf8')).toMatch(/n\/a/);
    const sweepHtml = join(dir, 'sweep.html');
    const w = autoshift(['sweep', file, '--set', 'pools.staff.size=2,3', '--replications', '2', '--report', sweepHtml]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/n\/a/);
    const runHtml = join(dir, 'run.html');
    const r = autoshift(['run', file, '--replications', '2', '--report', runHtml]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(runHtml, 'utf8')).toMatch(/n\/a/);
  });

  it('replayed arrivals all in the warm-up: a warning', () => {
    const r = autoshift(['run', replay]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: demand\.job: every replayed arrival \(2\) falls in the warm-up \(1d\): no case of job is counted/);
  });

  it('a sweep whose horizon leaves out the disruption and the surge says so', () => {
    const r = autoshift(['sweep', 'scenarios/invoice-office.yaml', '--set', 'pools.clerks.size=3,4', '--set', 'horizon=30d', '--replications', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: disruptions\[0\] \(outage ocr-bot @50d\) starts at 50d, at or after the horizon \(30d\)/);
    expect(r.stderr).toMatch(/warning: demand\.invoice\.surges\[0\] starts at 84d, at or after the horizon \(30d\)/);
  });
});
