/**
 * The engine's numbers against queueing theory that nobody here wrote:
 * Erlang C for M/M/c, Little's law, and a tandem line (Jackson's theorem).
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runMany } from '../helpers/scenario.js';
import { estimate } from '../../simulator/summarize.js';
import { erlangC, meanWait, offeredLoad } from '../../allocation/erlang-c.js';

const mmc = (c: number, ratePerHour: number, serviceMinutes: number, days = 120) =>
  scenarioFrom(`
name: M/M/${c}
seed: 3
horizon: ${days}d
warmup: 5d
sampleEvery: 1d
pools: { agents: { kind: human, size: ${c}, skills: [work] } }
processes:
  job: { sla: 1h, start: serve, steps: { serve: { skill: work, duration: { dist: exponential, mean: ${serviceMinutes}m } } } }
demand: { job: { rate: ${ratePerHour}/h } }
`);

describe('M/M/c against Erlang C', () => {
  for (const [c, rate, service] of [
    [1, 4, 12],
    [4, 10, 20],
    [10, 50, 10],
  ] as const) {
    it(`M/M/${c} at load ${((rate * service) / 60 / c).toFixed(2)}: mean wait and P(wait) match theory`, () => {
      const reps = runMany(mmc(c, rate, service), 10);
      const wq = estimate(reps.map((r) => r.processes.job.waitMeanSeconds));
      const lambda = rate / 3600;
      const theory = meanWait(c, lambda, service * 60);
      // theory inside the 99% interval (ci95 × 1.35 ≈ 99% for 9 d.f.), which is itself a few percent wide
      expect(Math.abs(wq.mean - theory)).toBeLessThan(wq.ci95 * 1.35 + 1e-9);
      expect(wq.ci95 / theory).toBeLessThan(0.1);
      // utilisation = offered load / c
      const util = estimate(reps.map((r) => r.pools.agents.utilization));
      expect(Math.abs(util.mean - offeredLoad(lambda, service * 60) / c)).toBeLessThan(0.01);
      // the service time the engine drew has the distribution's mean
      const svc = estimate(reps.map((r) => r.steps['job/serve'].serviceMeanSeconds));
      expect(Math.abs(svc.mean - service * 60)).toBeLessThan(svc.ci95 * 1.35 + 1e-9);
      void erlangC;
    });
  }
});

describe("Little's law", () => {
  it('mean number of cases in the system = throughput × mean cycle time', () => {
    const reps = runMany(mmc(3, 8, 18, 200), 4);
    for (const r of reps) {
      const p = r.processes.job;
      const L = p.wipMean;
      const lambdaW = (p.throughputPerHour / 3600) * p.cycleMeanSeconds;
      expect(Math.abs(L - lambdaW) / L).toBeLessThan(0.02);
    }
  });
});

describe('tandem line (Jackson network)', () => {
  it('two M/M/1 stations in series: mean sojourn 1/(μ1−λ) + 1/(μ2−λ)', () => {
    const s = scenarioFrom(`
name: tandem
seed: 5
horizon: 200d
warmup: 5d
sampleEvery: 1d
pools:
  a: { kind: human, size: 1, skills: [first] }
  b: { kind: human, size: 1, skills: [second] }
processes:
  job:
    sla: 2h
    start: one
    steps:
      one: { skill: first, duration: { dist: exponential, mean: 6m }, next: two }
      two: { skill: second, duration: { dist: exponential, mean: 8m } }
demand: { job: { rate: 5/h } }
`);
    const reps = runMany(s, 10);
    const cycle = estimate(reps.map((r) => r.processes.job.cycleMeanSeconds));
    const lambda = 5 / 3600,
      mu1 = 1 / 360,
      mu2 = 1 / 480;
    const theory = 1 / (mu1 - lambda) + 1 / (mu2 - lambda);
    expect(Math.abs(cycle.mean - theory)).toBeLessThan(cycle.ci95 * 1.35);
    expect(cycle.ci95 / theory).toBeLessThan(0.1);
  });
});
