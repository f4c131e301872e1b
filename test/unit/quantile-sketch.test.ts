/**
 * The cycle-time quantile sketch (issue 8, item 2): within its documented
 * relative error of the exact sample quantile (sorting, type 7 as numpy's
 * default), and continuous in the data, so that a p95's confidence interval
 * across replications is honest rather than 1e-13.
 */
import { describe, it, expect } from 'vitest';
import { QuantileSketch, RELATIVE_ERROR } from '../../simulator/quantile-sketch.js';
import { KeyedStream } from '../../simulator/random.js';
import { scenarioFrom, runMany } from '../helpers/scenario.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { estimate } from '../../simulator/summarize.js';

/** Exact sample quantile, linear interpolation between order statistics (numpy's default, type 7). */
function exact(sorted: number[], q: number): number {
  const h = q * (sorted.length - 1);
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

describe('QuantileSketch', () => {
  it(`is within RELATIVE_ERROR (${RELATIVE_ERROR}) of the exact quantile of exponential, lognormal-like and bimodal samples`, () => {
    expect(RELATIVE_ERROR).toBeGreaterThan(0.0049);
    expect(RELATIVE_ERROR).toBeLessThanOrEqual(0.005); // docs/results.md: buckets of relative width 0.5%
    const rng = new KeyedStream(7, 99).open(1);
    const samples: Record<string, number[]> = { exponential: [], squared: [], bimodal: [] };
    for (let i = 0; i < 20_000; i++) {
      const u = rng.next();
      samples.exponential.push(-600 * Math.log(u));
      samples.squared.push(3600 * (-Math.log(rng.next())) ** 2 + 1);
      samples.bimodal.push(u < 0.7 ? 60 + 30 * rng.next() : 86_400 + 3600 * rng.next());
    }
    for (const [name, xs] of Object.entries(samples)) {
      const sketch = new QuantileSketch();
      xs.forEach((x) => sketch.add(x));
      const sorted = [...xs].sort((a, b) => a - b);
      for (const q of [0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]) {
        const truth = exact(sorted, q);
        expect(Math.abs(sketch.quantile(q) - truth) / truth, `${name} q=${q}`).toBeLessThan(RELATIVE_ERROR);
      }
    }
  });

  it("an M/M/c's p95 cycle time over 10 replications has an honest confidence interval", () => {
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'mmc.yaml'), 'utf8');
    const s = scenarioFrom(text.replace(/horizon: .*/, 'horizon: 60d'), 'mmc.yaml');
    const p95 = runMany(s, 10).map((f) => Object.values(f.processes)[0].cycleP95Seconds);
    const e = estimate(p95);
    // the replications' p95s differ by more than the sketch's resolution, and so must the interval
    const spread = Math.max(...p95) - Math.min(...p95);
    expect(spread / e.mean).toBeGreaterThan(10 * RELATIVE_ERROR);
    expect(e.ci95 / e.mean).toBeGreaterThan(RELATIVE_ERROR);
    expect(new Set(p95).size).toBe(10);
  });
});
