/**
 * Renewal and batch arrivals against queueing theory nobody here wrote:
 * GI/M/1 (D/M/1 and E_k/M/1) through the root σ = A*(μ(1−σ)) of the
 * inter-arrival Laplace–Stieltjes transform, W_q = σ / (μ(1−σ)); and the
 * M^X/M/1 batch-Poisson queue, L = ρ(E[X] + E[X²]) / (2 E[X] (1−ρ)).
 * The roots are solved numerically here, from the transforms alone.
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runMany } from '../helpers/scenario.js';
import { estimate } from '../../simulator/summarize.js';
import { createArrivalStream } from '../../simulator/demand.js';
import { HOUR } from '../../model/units.js';

const queue = (demand: string, serviceMinutes: number, days = 120) =>
  scenarioFrom(`
name: GI/M/1
seed: 29
horizon: ${days}d
warmup: 5d
sampleEvery: 1d
pools: { agent: { kind: human, size: 1, skills: [work] } }
processes:
  job: { sla: 1h, start: serve, steps: { serve: { skill: work, duration: { dist: exponential, mean: ${serviceMinutes}m } } } }
demand: { job: ${demand} }
`);

/** The root in (0, 1) of σ = A*(μ(1−σ)), by bisection on σ − A*(μ(1−σ)) (negative below the root, positive above). */
function gim1Root(lst: (s: number) => number, mu: number): number {
  let lo = 1e-12,
    hi = 1 - 1e-12;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid - lst(mu * (1 - mid)) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function meanWaitOf(demand: string, serviceMinutes: number) {
  const reps = runMany(queue(demand, serviceMinutes), 10);
  return estimate(reps.map((r) => r.processes.job.waitMeanSeconds));
}

describe('GI/M/1: renewal arrivals against the root formula', () => {
  const gap = 600; // 10 minutes between arrivals on average
  const serviceMinutes = 7; // ρ = 0.7
  const mu = 1 / (serviceMinutes * 60);

  it('D/M/1: constant gaps', () => {
    const sigma = gim1Root((s) => Math.exp(-s * gap), mu);
    const theory = sigma / (mu * (1 - sigma));
    const wq = meanWaitOf('{ interarrival: { dist: constant, value: 10m } }', serviceMinutes);
    expect(Math.abs(wq.mean - theory)).toBeLessThan(wq.ci95 * 1.35 + 1e-9);
    expect(wq.ci95 / theory).toBeLessThan(0.1);
    // and it is not the M/M/1 figure (ρ/(μ−λ) = 980 s): the arrivals really are regular
    expect(theory).toBeLessThan(0.6 * (0.7 / (mu - 1 / gap)));
  });

  for (const k of [2, 3]) {
    it(`E_${k}/M/1: Erlang-${k} gaps (gamma with shape ${k})`, () => {
      const sigma = gim1Root((s) => (k / gap / (k / gap + s)) ** k, mu);
      const theory = sigma / (mu * (1 - sigma));
      const wq = meanWaitOf(`{ interarrival: { dist: gamma, mean: 10m, sd: ${gap / Math.sqrt(k)} } }`, serviceMinutes);
      expect(Math.abs(wq.mean - theory)).toBeLessThan(wq.ci95 * 1.35 + 1e-9);
      expect(wq.ci95 / theory).toBeLessThan(0.1);
    });
  }
});

describe('M^X/M/1: batch Poisson arrivals', () => {
  it('batches of 1, 2 or 3 cases (equally likely): mean wait matches the M^X/M/1 formula', () => {
    const batchesPerHour = 3,
      serviceMinutes = 7;
    const ex = 2,
      ex2 = (1 + 4 + 9) / 3;
    const lambda = (batchesPerHour / 3600) * ex; // cases per second
    const mu = 1 / (serviceMinutes * 60);
    const rho = lambda / mu;
    const L = (rho * (ex + ex2)) / (2 * ex * (1 - rho));
    const theory = L / lambda - 1 / mu;
    const wq = meanWaitOf(`{ rate: ${batchesPerHour}/h, batch: { dist: empirical, values: [1, 2, 3] } }`, serviceMinutes);
    expect(Math.abs(wq.mean - theory)).toBeLessThan(wq.ci95 * 1.35 + 1e-9);
    expect(wq.ci95 / theory).toBeLessThan(0.1);
  });
});

describe('renewal arrivals under a profile', () => {
  it('gaps pass in operational time: hours at 0 bring nothing, hours at 2 bring twice the rate', () => {
    const hourOfDay = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 20 ? 2 : 0));
    const s = queue(`{ interarrival: { dist: constant, value: 10m }, hourOfDay: [${hourOfDay.join(', ')}] }`, 5, 10);
    const stream = createArrivalStream(s.demand[0], s, 1);
    const times: number[] = [];
    for (let t = stream.next(); t < 3 * 24 * HOUR; t = stream.next()) times.push(t);
    // 12 open hours a day at 12 arrivals an hour
    expect(times.length).toBe(3 * 12 * 12);
    for (const t of times) {
      const h = Math.floor((t % (24 * HOUR)) / HOUR);
      expect(h >= 8 && h <= 20).toBe(true);
    }
    // within an open hour the gaps are 10m / 2 = 5 minutes
    expect(times[1] - times[0]).toBeCloseTo(300, 6);
  });

  it('is seeded: the same seed gives the same arrivals, another seed others', () => {
    const s = queue('{ interarrival: { dist: gamma, mean: 10m, sd: 5m }, batch: { dist: empirical, values: [1, 4] } }', 5, 10);
    const draw = (seed: number) => {
      const a = createArrivalStream(s.demand[0], s, seed);
      return Array.from({ length: 50 }, () => a.next());
    };
    expect(draw(4)).toEqual(draw(4));
    expect(draw(4)).not.toEqual(draw(5));
  });
});
