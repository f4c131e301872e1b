/**
 * The ziggurat exponential (simulator/exponential.ts) against the exponential
 * distribution itself, on the engine's own keyed streams: the whole CDF
 * (Kolmogorov–Smirnov), its fine structure (chi-square on 1,000 equiprobable
 * bins, which sees a layer drawn too often or a band inside a layer), the
 * tail beyond the base layer, and the moments. Critical values are the
 * textbook ones at 1e-3 (KS: 1.949/√n; chi-square from jStat's inverse CDF),
 * the seeds fixed: deterministic, and a sampler that is wrong by a fraction
 * of a percent anywhere fails.
 */
import { describe, it, expect } from 'vitest';
import jstat from 'jstat';
const { jStat } = jstat;
import { standardExponential } from '../../simulator/exponential.js';
import { KeyedStream, Stream } from '../../simulator/random.js';

const N = 1_000_000;

function draws(seed: number, n = N): { xs: Float64Array; uniforms: number } {
  const stream = new KeyedStream(seed, Stream.durations).open(0, 1, 2);
  let uniforms = 0;
  const counted = {
    next: () => {
      uniforms++;
      return stream.next();
    },
  };
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = standardExponential(counted);
  return { xs, uniforms };
}

describe('standardExponential (ziggurat)', () => {
  const { xs, uniforms } = draws(2026);
  const sorted = Float64Array.from(xs).sort();

  it('follows 1 − e^(−x): Kolmogorov–Smirnov over a million draws', () => {
    let d = 0;
    for (let i = 0; i < N; i++) {
      const f = -Math.expm1(-sorted[i]);
      d = Math.max(d, f - i / N, (i + 1) / N - f);
    }
    expect(d).toBeLessThan(1.949 / Math.sqrt(N));
  });

  it('has no fine structure: chi-square on 1,000 equiprobable bins', () => {
    const bins = 1000;
    const counts = new Float64Array(bins);
    for (const x of xs) counts[Math.min(bins - 1, Math.floor(-Math.expm1(-x) * bins))]++;
    const expected = N / bins;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(jStat.chisquare.inv(1 - 1e-3, bins - 1));
    expect(chi2).toBeGreaterThan(jStat.chisquare.inv(1e-3, bins - 1)); // too even is wrong too
  });

  it('reaches the tail beyond the base layer (x > 7.697) as often as e^(−x) says, and beyond', () => {
    for (const edge of [5, 7.69711747013104972, 9]) {
      const p = Math.exp(-edge);
      let above = 0;
      for (const x of xs) if (x > edge) above++;
      expect(Math.abs(above / N - p), `P(X > ${edge})`).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    }
    expect(sorted[N - 1]).toBeGreaterThan(10); // the tail is not cut off (P(max of 1e6 < 10) ≈ e^(−45))
    expect(sorted[0]).toBeGreaterThan(0);
  });

  it('has mean 1 and variance 1 (four standard errors; the fourth central moment of Exp(1) is 9)', () => {
    let sum = 0,
      sq = 0;
    for (const x of xs) {
      sum += x;
      sq += x * x;
    }
    const mean = sum / N,
      variance = sq / N - mean * mean;
    expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(1 / N));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt((9 - 1) / N));
  });

  it('uses one uniform per draw about 98% of the time, and the same ones for the same stream', () => {
    expect(uniforms / N).toBeGreaterThanOrEqual(1);
    expect(uniforms / N).toBeLessThan(1.05);
    expect(draws(2026, 1000).xs).toEqual(xs.subarray(0, 1000));
    expect(draws(2027, 1000).xs).not.toEqual(xs.subarray(0, 1000));
  });
});
