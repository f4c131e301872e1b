/**
 * Sampling checks for simulator/distributions.ts.
 *
 * Tolerances. With n = 200k independent draws:
 *  - the sample mean has standard error sqrt(var / n);
 *  - the sample variance has standard error sqrt((mu4 - var²) / n), where mu4 is
 *    the fourth central moment, taken from the textbook kurtosis of each family
 *    (not from our own code), so the bound does not lean on what it tests;
 *  - an empirical CDF value p has standard error sqrt(p (1 - p) / n).
 * Every check allows 4 standard errors: a correct sampler fails one check with
 * probability about 6e-5, and the seeds are fixed, so the suite is
 * deterministic. A parameterisation slip (e.g. lognormal mu without the
 * -sigma²/2, gamma scale and shape swapped) moves the mean or variance by 10%
 * or more, i.e. dozens of standard errors.
 */
import { describe, it, expect } from 'vitest';
import type { Distribution } from '../../simulator/distributions.js';
import { DISTRIBUTION_KINDS } from '../../simulator/distributions.js';
import type { UniformSource } from '../../model/uniform-source.js';
import { distributionMean, distributionVariance, sample, scaleDistribution, validateDistribution } from '../../simulator/distributions.js';

const N = 200_000;
const Z = 4; // standard errors allowed

/** mulberry32 (Tommy Ettinger), mapped to the open interval (0, 1) by taking the midpoint of each 2^-32 cell. */
function mulberry32(seed: number): UniformSource & { draws: number } {
  let a = seed >>> 0;
  return {
    draws: 0,
    next() {
      this.draws++;
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    },
  };
}

function fixed(value: number): UniformSource {
  return { next: () => value };
}

function draw(d: Distribution, seed: number, n = N): { xs: Float64Array; draws: number } {
  const u = mulberry32(seed);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = sample(d, u);
  return { xs, draws: u.draws };
}

function stats(xs: Float64Array): { mean: number; variance: number; min: number } {
  let sum = 0;
  let min = Infinity;
  for (const x of xs) {
    sum += x;
    if (x < min) min = x;
  }
  const mean = sum / xs.length;
  let sq = 0;
  for (const x of xs) sq += (x - mean) * (x - mean);
  return { mean, variance: sq / (xs.length - 1), min };
}

function fractionAtMost(xs: Float64Array, x: number): number {
  let k = 0;
  for (const v of xs) if (v <= x) k++;
  return k / xs.length;
}

/** erf by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7, far below the 1e-3 sampling error it is compared with). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

function expectCdf(xs: Float64Array, x: number, p: number): void {
  expect(Math.abs(fractionAtMost(xs, x) - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / xs.length));
}

interface Case {
  name: string;
  d: Distribution;
  /** kurtosis mu4 / sigma^4 from the textbook formula for the family (unused when the variance is 0) */
  kurtosis: number;
}

const lognormalKurtosis = (cv: number): number => {
  const s2 = Math.log(1 + cv * cv);
  return Math.exp(4 * s2) + 2 * Math.exp(3 * s2) + 3 * Math.exp(2 * s2) - 3;
};

const empiricalD: Distribution = { kind: 'empirical', values: [1, 2, 4, 30], weights: [1, 1, 2, 0.5] };
const empiricalKurtosis = (() => {
  const { values, weights } = empiricalD as { values: number[]; weights: number[] };
  const total = weights.reduce((s, w) => s + w, 0);
  const m = values.reduce((s, v, i) => s + weights[i] * v, 0) / total;
  const m2 = values.reduce((s, v, i) => s + weights[i] * (v - m) ** 2, 0) / total;
  const m4 = values.reduce((s, v, i) => s + weights[i] * (v - m) ** 4, 0) / total;
  return m4 / (m2 * m2);
})();

const cases: Case[] = [
  { name: 'constant', d: { kind: 'constant', value: 7 }, kurtosis: 0 },
  { name: 'exponential', d: { kind: 'exponential', mean: 120 }, kurtosis: 9 },
  { name: 'lognormal cv 0.5', d: { kind: 'lognormal', mean: 300, sd: 150 }, kurtosis: lognormalKurtosis(0.5) },
  { name: 'lognormal cv 1', d: { kind: 'lognormal', mean: 60, sd: 60 }, kurtosis: lognormalKurtosis(1) },
  { name: 'gamma shape 4', d: { kind: 'gamma', mean: 10, sd: 5 }, kurtosis: 3 + 6 / 4 },
  { name: 'gamma shape 1', d: { kind: 'gamma', mean: 10, sd: 10 }, kurtosis: 3 + 6 / 1 },
  { name: 'gamma shape 0.25', d: { kind: 'gamma', mean: 10, sd: 20 }, kurtosis: 3 + 6 / 0.25 },
  { name: 'triangular', d: { kind: 'triangular', min: 1, mode: 2, max: 6 }, kurtosis: 2.4 },
  { name: 'uniform', d: { kind: 'uniform', min: 2, max: 8 }, kurtosis: 1.8 },
  { name: 'empirical weighted', d: empiricalD, kurtosis: empiricalKurtosis },
  { name: 'empirical unweighted', d: { kind: 'empirical', values: [3, 5, 10] }, kurtosis: NaN /* filled below */ },
];
{
  // unweighted [3, 5, 10]: mean 6, central moments from the deviations -3, -1, 4
  const dev = [-3, -1, 4];
  const m2 = dev.reduce((s, x) => s + x * x, 0) / 3;
  const m4 = dev.reduce((s, x) => s + x ** 4, 0) / 3;
  cases[cases.length - 1].kurtosis = m4 / (m2 * m2);
}

describe('sample: moments against distributionMean / distributionVariance', () => {
  it('covers every distribution kind', () => {
    expect(new Set(cases.map((c) => c.d.kind))).toEqual(new Set(DISTRIBUTION_KINDS));
  });

  cases.forEach((c, index) => {
    it(`${c.name}: mean and variance within ${Z} standard errors, never negative`, () => {
      expect(validateDistribution(c.d)).toBeNull();
      const { xs } = draw(c.d, 0x5eed + index);
      const s = stats(xs);
      const mean = distributionMean(c.d);
      const variance = distributionVariance(c.d);
      expect(s.min).toBeGreaterThanOrEqual(0);
      expect(xs.every(Number.isFinite)).toBe(true);
      if (variance === 0) {
        expect(s.mean).toBe(mean);
        expect(s.variance).toBe(0);
        return;
      }
      const seMean = Math.sqrt(variance / N);
      const seVariance = variance * Math.sqrt((c.kurtosis - 1) / N);
      expect(Math.abs(s.mean - mean)).toBeLessThan(Z * seMean);
      expect(Math.abs(s.variance - variance)).toBeLessThan(Z * seVariance);
    });
  });
});

describe('analytic moments against textbook formulas', () => {
  it('constant c: mean c, variance 0', () => {
    const d: Distribution = { kind: 'constant', value: 7 };
    expect(distributionMean(d)).toBe(7);
    expect(distributionVariance(d)).toBe(0);
  });

  it('exponential with rate 0.5: mean 1/λ = 2, variance 1/λ² = 4', () => {
    const d: Distribution = { kind: 'exponential', mean: 2 };
    expect(distributionMean(d)).toBe(2);
    expect(distributionVariance(d)).toBe(4);
  });

  it('lognormal(μ=1, σ=0.5): mean e^(μ+σ²/2), variance (e^σ² − 1) e^(2μ+σ²); ln X ~ N(μ, σ)', () => {
    const mu = 1;
    const sigma = 0.5;
    const mean = Math.exp(mu + (sigma * sigma) / 2);
    const variance = (Math.exp(sigma * sigma) - 1) * Math.exp(2 * mu + sigma * sigma);
    const d: Distribution = { kind: 'lognormal', mean, sd: Math.sqrt(variance) };
    expect(distributionMean(d)).toBeCloseTo(mean, 12);
    expect(distributionVariance(d)).toBeCloseTo(variance, 12);
    // the sampler must use exactly these (μ, σ): the logs are normal with that mean and sd
    const logs = draw(d, 11).xs.map(Math.log);
    const s = stats(logs);
    expect(Math.abs(s.mean - mu)).toBeLessThan((Z * sigma) / Math.sqrt(N));
    // a normal has kurtosis 3, so Var(s²) ≈ 2σ⁴/n
    expect(Math.abs(s.variance - sigma * sigma)).toBeLessThan(Z * sigma * sigma * Math.sqrt(2 / N));
    expectCdf(logs, mu, 0.5);
  });

  it('gamma(k=3, θ=2): mean kθ = 6, variance kθ² = 12', () => {
    const k = 3;
    const theta = 2;
    const d: Distribution = { kind: 'gamma', mean: k * theta, sd: Math.sqrt(k) * theta };
    expect(distributionMean(d)).toBe(6);
    expect(distributionVariance(d)).toBeCloseTo(12, 12);
  });

  it('gamma(k=2, θ=5) follows the Erlang-2 CDF 1 − e^(−x/θ)(1 + x/θ)', () => {
    const theta = 5;
    const xs = draw({ kind: 'gamma', mean: 10, sd: 10 / Math.SQRT2 }, 12).xs;
    for (const x of [1, 5, 10, 20, 40]) expectCdf(xs, x, 1 - Math.exp(-x / theta) * (1 + x / theta));
  });

  it('gamma(k=0.5, θ=20) (the k < 1 boost) follows θ·χ²₁/2: CDF erf(√(x/θ))', () => {
    const theta = 20;
    const xs = draw({ kind: 'gamma', mean: 10, sd: 10 * Math.SQRT2 }, 13).xs;
    for (const x of [0.1, 1, 5, 10, 30, 80]) expectCdf(xs, x, erf(Math.sqrt(x / theta)));
  });

  it('exponential follows 1 − e^(−x/mean)', () => {
    const xs = draw({ kind: 'exponential', mean: 3 }, 14).xs;
    for (const x of [0.3, 3, 9]) expectCdf(xs, x, 1 - Math.exp(-x / 3));
  });

  it('triangular(a=1, c=2, b=6): mean (a+b+c)/3 = 3, variance (a²+b²+c²−ab−ac−bc)/18 = 7/6, F(c) = (c−a)/(b−a)', () => {
    const d: Distribution = { kind: 'triangular', min: 1, mode: 2, max: 6 };
    expect(distributionMean(d)).toBe(3);
    expect(distributionVariance(d)).toBeCloseTo(7 / 6, 12);
    const xs = draw(d, 15).xs;
    expectCdf(xs, 2, 0.2);
    // F(x) = 1 − (b−x)²/((b−a)(b−c)) above the mode
    expectCdf(xs, 4, 1 - 4 / 20);
  });

  it('uniform(2, 8): mean 5, variance (b−a)²/12 = 3', () => {
    const d: Distribution = { kind: 'uniform', min: 2, max: 8 };
    expect(distributionMean(d)).toBe(5);
    expect(distributionVariance(d)).toBe(3);
  });

  it('empirical [1,2,4] weights [1,1,2]: mean 11/4, variance 27/16, frequencies ∝ weights', () => {
    const d: Distribution = { kind: 'empirical', values: [1, 2, 4], weights: [1, 1, 2] };
    expect(distributionMean(d)).toBe(11 / 4);
    expect(distributionVariance(d)).toBe(27 / 16);
    const xs = draw(d, 16).xs;
    for (const [v, p] of [
      [1, 0.25],
      [2, 0.25],
      [4, 0.5],
    ] as const) {
      const f = xs.filter((x) => x === v).length / N;
      expect(Math.abs(f - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / N));
    }
  });
});

describe('sample: draws and edges', () => {
  it('consumes a fixed number of uniforms per sample (constant none)', () => {
    const perSample: [Distribution, number][] = [
      [{ kind: 'constant', value: 7 }, 0],
      [{ kind: 'uniform', min: 0, max: 1 }, 1],
      [{ kind: 'triangular', min: 0, mode: 1, max: 2 }, 1],
      [{ kind: 'empirical', values: [1, 2] }, 1],
      [{ kind: 'empirical', values: [1, 2], weights: [1, 3] }, 1],
      [{ kind: 'lognormal', mean: 1, sd: 1 }, 2],
    ];
    for (const [d, k] of perSample) expect(draw(d, 1, 1000).draws).toBe(1000 * k);
  });

  it('exponential (a ziggurat) uses one uniform per sample almost always, a few more after a rejection or in the tail', () => {
    const { draws } = draw({ kind: 'exponential', mean: 1 }, 1, 10_000);
    expect(draws).toBeGreaterThanOrEqual(10_000);
    expect(draws).toBeLessThan(10_000 * 1.05);
  });

  it('gamma uses at least one normal and one uniform per sample, and few rejections', () => {
    // Marsaglia–Tsang accepts ≥ 95% of attempts for k ≥ 1; each attempt costs 3 uniforms
    const { draws } = draw({ kind: 'gamma', mean: 10, sd: 5 }, 2, 10_000);
    expect(draws).toBeGreaterThanOrEqual(30_000);
    expect(draws).toBeLessThan(30_000 / 0.95);
  });

  it('is stateless: the same stream gives the same values', () => {
    for (const c of cases) expect(draw(c.d, 3, 100).xs).toEqual(draw(c.d, 3, 100).xs);
  });

  it('stays finite and non-negative at the extremes of the open interval', () => {
    const extremes = [2 ** -53, 0.5 / 2 ** 32, 1 - 2 ** -53];
    const ds: Distribution[] = [
      ...cases.map((c) => c.d),
      { kind: 'gamma', mean: 1, sd: 10 }, // shape 0.01: u^(1/k) may underflow to 0, which is fine
      { kind: 'triangular', min: 5, mode: 5, max: 5 },
      { kind: 'triangular', min: 0, mode: 0, max: 5 },
      { kind: 'triangular', min: 0, mode: 5, max: 5 },
      { kind: 'uniform', min: 4, max: 4 },
    ];
    for (const d of ds) {
      for (const e of extremes) {
        // gamma and the exponential's ziggurat reject: a source stuck at one value can reject forever, so mix e into a seeded stream
        const seeded = mulberry32(9);
        let i = 0;
        const sources: UniformSource[] =
          d.kind === 'gamma' || d.kind === 'exponential'
            ? [{ next: () => (i++ === 0 ? e : seeded.next()) }, { next: () => (i++ % 3 === 2 ? e : seeded.next()) }]
            : [fixed(e)];
        for (const source of sources) {
          for (let k = 0; k < 20; k++) {
            const x = sample(d, source);
            expect(Number.isFinite(x), `${JSON.stringify(d)} at u=${e}`).toBe(true);
            expect(x, `${JSON.stringify(d)} at u=${e}`).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }
  });

  it('degenerate triangular and uniform return their single point', () => {
    expect(sample({ kind: 'triangular', min: 5, mode: 5, max: 5 }, fixed(0.3))).toBe(5);
    expect(sample({ kind: 'uniform', min: 4, max: 4 }, fixed(0.3))).toBe(4);
  });

  it('empirical never picks a zero-weight value, even at the top of the interval', () => {
    const d: Distribution = { kind: 'empirical', values: [1, 2, 3, 4], weights: [0, 1, 0, 0] };
    for (const e of [2 ** -53, 0.5, 1 - 2 ** -53]) expect(sample(d, fixed(e))).toBe(2);
    expect(sample({ kind: 'empirical', values: [1, 2, 3], weights: [1, 1, 0] }, fixed(1 - 2 ** -53))).toBe(2);
    expect(sample({ kind: 'empirical', values: [1, 2, 3, 4, 5, 6, 7] }, fixed(1 - 2 ** -53))).toBe(7);
  });
});

describe('scaleDistribution', () => {
  const factors = [0.25, 1.5, 3];

  it('scales the mean by the factor and the variance by its square, without touching the input', () => {
    for (const c of cases) {
      for (const f of factors) {
        const before = JSON.stringify(c.d);
        const scaled = scaleDistribution(c.d, f);
        expect(JSON.stringify(c.d)).toBe(before);
        expect(scaled.kind).toBe(c.d.kind);
        expect(validateDistribution(scaled)).toBeNull();
        expect(distributionMean(scaled)).toBeCloseTo(f * distributionMean(c.d), 9);
        const v = distributionVariance(c.d);
        expect(Math.abs(distributionVariance(scaled) - f * f * v)).toBeLessThanOrEqual(1e-12 * f * f * v);
      }
    }
  });

  it('scales every sample by the factor on the same stream (same shape, same draws)', () => {
    for (const c of cases) {
      const base = draw(c.d, 7, 2000).xs;
      const scaled = draw(scaleDistribution(c.d, 2.5), 7, 2000).xs;
      for (let i = 0; i < base.length; i++) {
        expect(Math.abs(scaled[i] - 2.5 * base[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, base[i]));
      }
    }
  });

  it('rejects factors that are not finite and > 0', () => {
    for (const f of [0, -1, NaN, Infinity]) {
      expect(() => scaleDistribution({ kind: 'exponential', mean: 1 }, f)).toThrow(/factor must be a finite number > 0/);
    }
  });
});

describe('validateDistribution', () => {
  it('accepts every sampled case', () => {
    for (const c of cases) expect(validateDistribution(c.d)).toBeNull();
    expect(validateDistribution({ kind: 'constant', value: 0 })).toBeNull();
    expect(validateDistribution({ kind: 'triangular', min: 3, mode: 3, max: 3 })).toBeNull();
  });

  const bad: [unknown, RegExp][] = [
    [{ kind: 'constant', value: -1 }, /constant value must be a finite number >= 0 \(got -1\)/],
    [{ kind: 'constant', value: NaN }, /constant value must be a finite number/],
    [{ kind: 'exponential', mean: 0 }, /exponential mean must be a finite number > 0/],
    [{ kind: 'exponential', mean: Infinity }, /exponential mean must be a finite number > 0/],
    [{ kind: 'exponential' }, /exponential mean .*got undefined/],
    [{ kind: 'lognormal', mean: 10, sd: 0 }, /lognormal sd must be a finite number > 0/],
    [{ kind: 'lognormal', mean: -10, sd: 1 }, /lognormal mean must be/],
    [{ kind: 'gamma', mean: 10, sd: -2 }, /gamma sd must be a finite number > 0/],
    [{ kind: 'gamma', mean: '10', sd: 2 }, /gamma mean must be a finite number > 0 \(got "10"\)/],
    [{ kind: 'triangular', min: 1, mode: 5, max: 3 }, /triangular needs min <= mode <= max/],
    [{ kind: 'triangular', min: 2, mode: 1, max: 3 }, /triangular needs min <= mode <= max/],
    [{ kind: 'triangular', min: -1, mode: 1, max: 3 }, /triangular min must be a finite number >= 0/],
    [{ kind: 'uniform', min: 5, max: 1 }, /uniform needs min <= max/],
    [{ kind: 'uniform', min: -5, max: 1 }, /uniform min must be/],
    [{ kind: 'empirical', values: [] }, /empirical values must be a non-empty array/],
    [{ kind: 'empirical', values: [1, -2] }, /empirical values\[1\] must be a finite number >= 0/],
    [
      { kind: 'empirical', values: [1, 2], weights: [1] },
      /weights must have the same length as values and be >= 0 with a positive sum \(got 1 weights for 2 values\)/,
    ],
    [{ kind: 'empirical', values: [1, 2], weights: [1, -1] }, /weights must have the same length .*weights\[1\] is -1/],
    [{ kind: 'empirical', values: [1, 2], weights: [0, 0] }, /weights must .* positive sum \(the sum is 0\)/],
    [{ kind: 'empirical', values: [1, 2], weights: [1, NaN] }, /weights\[1\] is NaN/],
    [{ kind: 'weibull', scale: 1 }, /unknown distribution kind "weibull"; expected one of constant, exponential/],
    [null, /must be an object/],
  ];
  for (const [d, message] of bad) {
    it(`rejects ${JSON.stringify(d)}`, () => {
      expect(validateDistribution(d as Distribution)).toMatch(message);
    });
  }
});
