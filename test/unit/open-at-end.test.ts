/**
 * Cases open at the horizon (issue 8, item 4, first part): counted and aged,
 * in sim and live alike (one formula, simulator/figures.ts), checked against
 * theory. With a constant one-day task and ample staff, every case that
 * arrived in the last day is open at the horizon: their number is Poisson
 * with mean λ·1d, and their ages are uniform on [0, 1d] (mean 12 h).
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runMany } from '../helpers/scenario.js';
import { notApplicable } from '../../simulator/nothing-to-measure.js';
import { estimate } from '../../simulator/summarize.js';

const scenario = scenarioFrom(`name: open at the end
horizon: 20d
warmup: 2d
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

describe('openAtEnd and openAgeMeanSeconds', () => {
  it('match λ·1d cases of mean age 12 h', () => {
    const reps = runMany(scenario, 10).map((f) => f.processes.job);
    const open = estimate(reps.map((p) => p.openAtEnd));
    const age = estimate(reps.map((p) => p.openAgeMeanSeconds));
    // Poisson(96): the mean of 10 within 4 standard errors (sqrt(96/10) ≈ 3.1)
    expect(Math.abs(open.mean - 96)).toBeLessThan(4 * Math.sqrt(96 / 10));
    // ages uniform on [0, 86400]: sd 24,940 s per case, ~96 cases per replication, 10 replications
    expect(Math.abs(age.mean - 43_200)).toBeLessThan((4 * (86_400 / Math.sqrt(12))) / Math.sqrt(960));
    for (const p of reps) expect(p.arrived).toBe(p.completed + p.openAtEnd);
  });

  it('more than 3% of arrivals open at the horizon: a warning that the cycle figures are biased', () => {
    const f = runMany(scenario, 1)[0];
    const e = (x: number) => ({ mean: x, ci95: 0 });
    const p = f.processes.job;
    const warnings = notApplicable({
      processes: { job: { arrived: e(p.arrived), completed: e(p.completed), openAtEnd: e(p.openAtEnd), openAgeMeanSeconds: e(p.openAgeMeanSeconds) } },
      totals: { completed: e(f.totals.completed) },
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^processes\.job: \d+ cases \(\d+\.\d% of arrivals\) are still open at the horizon, 1\d(\.\d)?h old on average: cycle-time figures leave them out and are biased down/,
      ),
    ]);
  });
});
