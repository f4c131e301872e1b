/**
 * `drain: true` and `cases: N` (issue 8, item 4): arrivals stop at the horizon
 * (or after exactly N counted arrivals) and the run goes on until every case
 * is done. Checked against theory, not against the engine's own output:
 *
 * - Little's law as an identity: when the system starts and ends empty, the
 *   area under the work in progress equals the sum of the cycle times, so
 *   L·T = N·W exactly (wipMean × observed = arrived × cycleMean); at a horizon
 *   with cases open it does not hold;
 * - an M/M/1 queue drained after N cases: its mean cycle 1/(μ−λ) within the
 *   confidence interval of 20 replications;
 * - a constant one-day task with ample staff: every cycle is exactly 1 d, and
 *   the run ends exactly one day after the last arrival.
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runMany, runOnce } from '../helpers/scenario.js';
import { estimate, observedTime, summarize } from '../../simulator/summarize.js';
import { formatDuration } from '../../model/units.js';
import { DRAIN_STALL_SECONDS } from '../../simulator/engine.js';
import { ScenarioError } from '../../model/errors.js';
import { demandTimeline } from '../../workers/producer.js';
import { autoshift } from '../helpers/cli.js';

const oneDayJobs = (extra: string) =>
  scenarioFrom(`name: drain
horizon: 20d
${extra}
pools:
  staff: { kind: human, size: 200, skills: [work] }
processes:
  job:
    sla: 2d
    start: work
    steps:
      work:
        skill: work
        duration: { dist: constant, value: 1d }
demand:
  job: { rate: 4/h }
`);

const mm1 = (extra: string) =>
  scenarioFrom(`name: M/M/1
${extra.includes('horizon') ? '' : 'horizon: 10d'}
${extra}
pools:
  clerk: { kind: human, size: 1, skills: [work] }
processes:
  job:
    sla: 1h
    start: work
    steps:
      work:
        skill: work
        duration: { dist: exponential, mean: 10m }
demand:
  job: { rate: 4/h }
`);

describe('drain: true', () => {
  it("leaves no case open, and Little's law holds exactly over the run (it does not at a plain horizon)", () => {
    const drained = runOnce(oneDayJobs('drain: true')).processes.job;
    expect(drained.openAtEnd).toBe(0);
    expect(drained.completed).toBe(drained.arrived);
    const drainedRun = runOnce(oneDayJobs('drain: true'));
    const lhs = drained.wipMean * drainedRun.simulatedSeconds;
    expect(Math.abs(lhs - drained.arrived * drained.cycleMeanSeconds) / lhs).toBeLessThan(1e-9);
    // every task is exactly one day with staff to spare: every cycle is 1 d
    expect(drained.cycleMeanSeconds).toBeCloseTo(86_400, 6);
    // the run ends when the last case does: a day after the last arrival, before the horizon + 1 d
    expect(drainedRun.simulatedSeconds).toBeGreaterThan(20 * 86_400);
    expect(drainedRun.simulatedSeconds).toBeLessThanOrEqual(21 * 86_400);

    const plainRun = runOnce(oneDayJobs(''));
    const plain = plainRun.processes.job;
    expect(plain.openAtEnd).toBeGreaterThan(50);
    const plainLhs = plain.wipMean * plainRun.simulatedSeconds;
    expect(Math.abs(plainLhs - plain.arrived * plain.cycleMeanSeconds) / plainLhs).toBeGreaterThan(0.02);
  });

  it('the same arrivals as without drain: only what happens after the horizon differs', () => {
    expect(runOnce(oneDayJobs('drain: true')).processes.job.arrived).toBe(runOnce(oneDayJobs('')).processes.job.arrived);
  });

  it("replications drained to different ends: the document gives each length and their mean, not replication 1's", () => {
    const scenario = oneDayJobs('drain: true');
    // every task starts on arrival (200 staff) and takes exactly a day: each run ends a day after its last arrival
    const ends: number[] = [];
    const reps = [0, 1, 2].map((r) => {
      let lastArrival = 0;
      const f = runOnce(scenario, r, undefined, (t) => {
        lastArrival = Math.max(lastArrival, t.enqueue);
      });
      ends.push(lastArrival + 86_400);
      return f;
    });
    expect(new Set(ends).size).toBe(3);
    const doc = summarize(scenario, 'static', reps);
    expect(doc.simulatedSecondsByReplication).toEqual(ends);
    const mean = (ends[0] + ends[1] + ends[2]) / 3;
    expect(Math.abs(doc.simulatedSeconds / mean - 1)).toBeLessThan(1e-8); // (figures keep 9 significant digits)
    // and the headers say so (run, compare, sweep and their reports)
    expect(observedTime([doc], formatDuration)).toMatch(/^\S+ to \S+ observed, mean \S+ \(drained/);
    // a horizon run: every replication as long, one figure
    const plain = summarize(oneDayJobs(''), 'static', runMany(oneDayJobs(''), 2));
    expect(plain.simulatedSeconds).toBe(20 * 86_400);
    expect(plain.simulatedSecondsByReplication).toBeUndefined();
    expect(observedTime([plain], formatDuration)).toBe('20d observed');
  });

  it('an M/M/1 drained: mean cycle 1/(μ−λ) = 30 min, and nothing open', () => {
    const reps = runMany(mm1('drain: true'), 20).map((f) => f.processes.job);
    for (const p of reps) expect(p.openAtEnd).toBe(0);
    const cycle = estimate(reps.map((p) => p.cycleMeanSeconds));
    expect(Math.abs(cycle.mean - 1800)).toBeLessThan(Math.max(cycle.ci95 * 1.5, 60));
  });
});

describe('cases: N', () => {
  it('exactly N counted arrivals (after the warm-up), every one completed, whatever the horizon', () => {
    for (const n of [1, 37, 2000]) {
      const f = runOnce(mm1(`warmup: 1h\ncases: ${n}`));
      expect(f.processes.job.arrived).toBe(n);
      expect(f.processes.job.completed).toBe(n);
      expect(f.processes.job.openAtEnd).toBe(0);
    }
    // 2000 arrivals at 4/h take ~21 days, past the 10-day horizon: the horizon no longer ends arrivals
    expect(runOnce(mm1('cases: 2000')).simulatedSeconds).toBeGreaterThan(10 * 86_400);
  });

  it("Little's law holds exactly (no warm-up: the run starts and ends empty)", () => {
    const f = runOnce(mm1('cases: 500'));
    const p = f.processes.job;
    const lhs = p.wipMean * f.simulatedSeconds;
    expect(Math.abs(lhs - 500 * p.cycleMeanSeconds) / lhs).toBeLessThan(1e-9);
  });

  it('N cases of an M/M/1: mean cycle 1/(μ−λ) = 30 min', () => {
    const reps = runMany(mm1('cases: 1000'), 20).map((f) => f.processes.job);
    const cycle = estimate(reps.map((p) => p.cycleMeanSeconds));
    expect(Math.abs(cycle.mean - 1800)).toBeLessThan(Math.max(cycle.ci95 * 1.5, 60));
  });

  it('cases: 0 and a fraction are errors naming the field', () => {
    for (const bad of ['cases: 0', 'cases: 2.5']) {
      expect(() => mm1(bad)).toThrow(ScenarioError);
      try {
        mm1(bad);
      } catch (e) {
        expect((e as ScenarioError).message).toMatch(/cases/);
      }
    }
  });
});

describe('live: the producer publishes the arrivals sim simulates', () => {
  const ids = (scenario: ReturnType<typeof mm1>) => {
    const sim = new Set<string>();
    runOnce(scenario, 0, undefined, (r) => sim.add(r.caseId));
    const live = [...demandTimeline(scenario, 'r', { startWallMs: 0, speed: 1 })].flatMap((e) => (e.demand ? [`${e.demand.process}-${e.demand.caseNo}`] : []));
    return { sim: [...sim].sort(), live: [...live].sort() };
  };
  it('cases: N — the same cases, N of them after the warm-up, past the horizon', () => {
    const scenario = mm1('warmup: 2h\nhorizon: 1d\ncases: 300');
    const { sim, live } = ids(scenario);
    expect(live).toEqual(sim);
    const arrivals = [...demandTimeline(scenario, 'r', { startWallMs: 0, speed: 1 })].flatMap((e) => (e.demand ? [e.demand.at] : []));
    expect(arrivals.filter((t) => t >= 7200)).toHaveLength(300);
    expect(Math.max(...arrivals)).toBeGreaterThan(86_400);
  });
  it('drain: true — the same cases as up to the horizon, and a disruption past it still ends when the scenario says', () => {
    const scenario = scenarioFrom(`name: d
horizon: 1d
drain: true
pools:
  clerk: { kind: human, size: 1, skills: [work] }
processes:
  job: { sla: 1h, start: work, steps: { work: { skill: work, duration: { dist: exponential, mean: 10m } } } }
demand:
  job: { rate: 4/h }
disruptions:
  - { kind: absence, pool: clerk, units: 1, start: 20h, duration: 8h }
`);
    const { sim, live } = ids(scenario);
    expect(live).toEqual(sim);
    const edges = [...demandTimeline(scenario, 'r', { startWallMs: 0, speed: 1 })].flatMap((e) => (e.disruption ? [e.disruption.at] : []));
    expect(edges).toEqual([20 * 3600, 28 * 3600]);
  });
});

describe('a drain that cannot finish', () => {
  it('stops when nothing moves for the stall time, and reports the cases left open', () => {
    // the only clerk is away from day 1 on: what is waiting then can never be done
    const f = runOnce(
      scenarioFrom(`name: stuck
horizon: 3d
drain: true
pools:
  clerk:
    kind: human
    size: 1
    skills: [work]
    absences: [{ start: 1d, duration: 1000d, units: 1 }]
processes:
  job:
    sla: 1h
    start: work
    steps:
      work:
        skill: work
        duration: { dist: exponential, mean: 10m }
demand:
  job: { rate: 4/h }
`),
    );
    expect(f.processes.job.openAtEnd).toBeGreaterThan(0);
    expect(f.simulatedSeconds).toBeLessThanOrEqual(3 * 86_400 + DRAIN_STALL_SECONDS + 86_400);
  });
});

describe('run, compare and sweep read the fields', () => {
  type Doc = { processes: Record<string, { arrived: { mean: number }; openAtEnd: { mean: number } }> };
  const arrived = (d: Doc) => Object.values(d.processes).reduce((a, p) => a + p.arrived.mean, 0);
  const open = (d: Doc) => Object.values(d.processes).reduce((a, p) => a + p.openAtEnd.mean, 0);
  it('--set cases=40: 40 arrivals and none open in each', () => {
    const json = (args: string[]) => {
      const r = autoshift([...args, '--set', 'cases=40', '--replications', '2', '--json'], { timeout: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const docs = [
      json(['run', 'scenarios/invoice-office.yaml']) as Doc,
      ...Object.values(json(['compare', 'scenarios/invoice-office.yaml', '--policies', 'static,bot-first']).policies as Record<string, Doc>),
      ...(json(['sweep', 'scenarios/invoice-office.yaml', '--set', 'pools.clerks.size=3..4']).cells as { result: Doc }[]).map((c) => c.result),
    ];
    expect(docs).toHaveLength(5);
    for (const d of docs) {
      expect(arrived(d)).toBe(40);
      expect(open(d)).toBe(0);
    }
  });
});
