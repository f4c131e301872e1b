/**
 * A surge disruption scales the arrival rate of a constant-rate Poisson demand inside its window,
 * a drop (factor < 1) as well as a rise: counted against the expected Poisson counts λ·f·T.
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom } from '../helpers/scenario.js';
import { createArrivalStream } from '../../simulator/demand.js';
import { DAY } from '../../model/units.js';

const scenario = (factor: number) =>
  scenarioFrom(`
name: surge on flat demand
seed: 3
horizon: 30d
sampleEvery: 1d
pools: { agent: { kind: human, size: 1, skills: [work] } }
processes:
  job: { sla: 1h, start: serve, steps: { serve: { skill: work, duration: { dist: exponential, mean: 1m } } } }
demand: { job: { rate: 10/h } }
disruptions:
  - { kind: surge, process: job, factor: ${factor}, start: 10d, duration: 10d }
`);

function counts(factor: number): { before: number; inside: number } {
  const s = scenario(factor);
  const a = createArrivalStream(s.demand[0], s, 1);
  let before = 0,
    inside = 0;
  for (let t = a.next(); t < 20 * DAY; t = a.next()) {
    if (t < 10 * DAY) before++;
    else inside++;
  }
  return { before, inside };
}

describe('surge disruptions on a constant-rate demand', () => {
  for (const factor of [0, 0.25, 2]) {
    it(`factor ${factor}: the window sees λ·${factor}·T arrivals, the days before λ·T`, () => {
      const { before, inside } = counts(factor);
      const expectBefore = 10 * 24 * 10; // 2,400
      const expectInside = expectBefore * factor;
      // Poisson counts: within 4 standard deviations
      expect(Math.abs(before - expectBefore)).toBeLessThan(4 * Math.sqrt(expectBefore));
      if (factor === 0) expect(inside).toBe(0);
      else expect(Math.abs(inside - expectInside)).toBeLessThan(4 * Math.sqrt(expectInside));
    });
  }
});
