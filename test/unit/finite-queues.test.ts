/**
 * Finite queues (queues.<skill>.capacity, onBlocked) against the M/M/c/K
 * closed form computed here: the blocking probability and the mean wait of
 * the admitted tasks. K counts the tasks in service too: K = c + capacity.
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runMany, runOnce } from '../helpers/scenario.js';
import { estimate } from '../../simulator/summarize.js';

/** M/M/c/K: the stationary law of the number in system, blocking = π_K (PASTA), Wq = Lq / (λ(1 − π_K)) (Little). */
function mmck(c: number, K: number, lambda: number, mu: number) {
  const a = lambda / mu;
  const w: number[] = [1];
  for (let n = 1; n <= K; n++) w.push((w[n - 1] * a) / Math.min(n, c));
  const z = w.reduce((x, y) => x + y, 0);
  const pi = w.map((x) => x / z);
  const lq = pi.reduce((s, p, n) => s + Math.max(0, n - c) * p, 0);
  return { block: pi[K], wait: lq / (lambda * (1 - pi[K])) };
}

const desk = (c: number, capacity: number, perHour: number, serviceMin: number, onBlocked = '') =>
  scenarioFrom(`
name: M/M/c/K
seed: 8
horizon: 100d
warmup: 2d
sampleEvery: 1d
pools:
  agents: { kind: human, size: ${c}, skills: [work] }
  outsourced: { kind: human, size: 50, skills: [overflow] }
queues: { work: { capacity: ${capacity} } }
processes:
  job:
    sla: 8h
    start: serve
    steps:
      serve: { skill: work, duration: { dist: exponential, mean: ${serviceMin}m }${onBlocked ? `, onBlocked: ${onBlocked}` : ''} }
      outsource: { skill: overflow, duration: { dist: exponential, mean: 30m } }
demand: { job: { rate: ${perHour}/h } }
`);

describe('finite queues against M/M/c/K', () => {
  for (const [c, capacity, perHour, serviceMin] of [
    [1, 4, 5, 10],
    [2, 3, 15, 10],
    [3, 0, 12, 15],
  ] as const) {
    it(`c=${c}, K=${c + capacity}, λ=${perHour}/h, 1/μ=${serviceMin}m: blocking probability and mean wait of the admitted`, () => {
      const theory = mmck(c, c + capacity, perHour / 3600, 1 / (serviceMin * 60));
      const reps = runMany(desk(c, capacity, perHour, serviceMin), 8);
      const block = estimate(reps.map((r) => r.processes.job.blockingRate!));
      const wait = estimate(reps.map((r) => r.processes.job.waitMeanSeconds));
      expect(Math.abs(block.mean - theory.block)).toBeLessThan(block.ci95 * 1.4 + 1e-9);
      expect(block.ci95 / theory.block).toBeLessThan(0.1);
      if (capacity === 0) expect(wait.mean).toBe(0);
      else expect(Math.abs(wait.mean - theory.wait)).toBeLessThan(wait.ci95 * 1.4);
      // a blocked task with no onBlocked ends its case as lost
      for (const r of reps) expect(r.processes.job.casesLost).toBe(r.processes.job.blocked);
    });
  }

  it('onBlocked sends the blocked case to the overflow step, which serves it', () => {
    const r = runOnce(desk(2, 3, 15, 10, 'outsource'));
    expect(r.processes.job.blocked).toBeGreaterThan(100);
    expect(r.processes.job.casesLost).toBe(0);
    expect(r.steps['job/outsource'].completed).toBeGreaterThan(100);
    // (less those still with the outsourced team at the horizon: 15/h blocked at ~25%, 30 minutes each)
    expect(Math.abs(r.steps['job/outsource'].completed - r.processes.job.blocked!)).toBeLessThan(12);
    // the blocking rate counts the tasks that came to the finite queue only (not the overflow step's)
    const offered = r.steps['job/serve'].completed + r.processes.job.blocked!;
    expect(Math.abs(r.processes.job.blockingRate! - r.processes.job.blocked! / offered)).toBeLessThan(0.01);
  });
});

describe('the queueing fields: clear errors', () => {
  it('names the field, the line and what is expected', () => {
    const bad = (yaml: string) => {
      try {
        scenarioFrom(yaml, 'bad.yaml');
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const base = (extra: string, step = '') => `
name: bad
horizon: 1d
${extra}
pools: { a: { kind: human, size: 1, skills: [work] } }
processes:
  job:
    sla: 1h
    start: s
    steps:
      s: { skill: work, duration: { dist: exponential, mean: 5m }${step} }
demand: { job: { rate: 6/h } }
`;
    expect(bad(base('queues: { work: { capacity: -1 } }'))).toMatch(/bad\.yaml:4.*queues\.work\.capacity: expected a number >= 0/);
    expect(bad(base('', ', onAbandon: s'))).toMatch(/bad\.yaml:11.*onAbandon: a step without 'patience' is never abandoned/);
    expect(bad(base('', ', patience: { dist: exponential, mean: 2m }, onBlocked: nowhere'))).toMatch(
      /bad\.yaml:11.*onBlocked: unknown step 'nowhere' \(expected one of: s\)/,
    );
    expect(bad(base('', ', patience: { dist: constant, value: 0 }'))).toMatch(/patience: expected a patience distribution with a mean above 0/);
  });
});
