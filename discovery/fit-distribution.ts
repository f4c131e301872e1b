/**
 * Chooses a duration distribution for a sample among the scenario's kinds by
 * likelihood: maximum-likelihood parameters for exponential, lognormal and
 * gamma (from the streamed sufficient statistics), uniform and triangular
 * (from the extremes and the reservoir's mode), constant when every value is
 * the same; the log-likelihoods are compared on the reservoir with a penalty
 * per parameter (AIC). When even the best fails a Kolmogorov–Smirnov check,
 * the sample is returned as a bounded empirical distribution (its quantiles).
 */
import type { SampleStats } from './sample-stats.js';
import { quantileOf } from './sample-stats.js';

export type FittedDistribution =
  | { dist: 'constant'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; mean: number; sd: number }
  | { dist: 'gamma'; mean: number; sd: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'triangular'; min: number; mode: number; max: number }
  | { dist: 'empirical'; values: number[] };

export interface Fit {
  distribution: FittedDistribution;
  /** Kolmogorov–Smirnov distance between the chosen distribution and the sample */
  ks: number;
  /** the sample's own mean, for the evidence comment */
  sampleMean: number;
  n: number;
}

/** KS distance above which no parametric kind is taken (and never below the 1% critical value for n). */
export const KS_LIMIT = 0.06;
const EMPIRICAL_POINTS = 41;

interface Candidate {
  distribution: FittedDistribution;
  k: number;
  logPdf: (x: number) => number;
  cdf: (x: number) => number;
}

export function fitDistribution(s: SampleStats): Fit {
  const sample = s.sorted();
  const mean = s.mean;
  const n = s.n;
  if (n === 0) return { distribution: { dist: 'constant', value: 0 }, ks: 0, sampleMean: 0, n };
  if (s.max - s.min <= 1e-9 * Math.max(1, Math.abs(s.max))) return { distribution: { dist: 'constant', value: round(s.min) }, ks: 0, sampleMean: mean, n };

  const candidates: Candidate[] = [];
  if (mean > 0 && s.min >= 0) {
    candidates.push({
      distribution: { dist: 'exponential', mean },
      k: 1,
      logPdf: (x) => (x < 0 ? -Infinity : -Math.log(mean) - x / mean),
      cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x / mean)),
    });
  }
  if (s.nPositive === n && n >= 2) {
    const mu = s.sumLog / n;
    const sigma2 = Math.max(1e-12, s.sumLogSq / n - mu * mu);
    const sigma = Math.sqrt(sigma2);
    const m = Math.exp(mu + sigma2 / 2);
    const sd = m * Math.sqrt(Math.expm1(sigma2));
    candidates.push({
      distribution: { dist: 'lognormal', mean: m, sd },
      k: 2,
      logPdf: (x) => (x <= 0 ? -Infinity : -Math.log(x * sigma * Math.sqrt(2 * Math.PI)) - (Math.log(x) - mu) ** 2 / (2 * sigma2)),
      cdf: (x) => (x <= 0 ? 0 : normalCdf((Math.log(x) - mu) / sigma)),
    });
    // gamma: Minka's approximation of the shape's maximum-likelihood estimate
    const sl = Math.log(mean) - s.sumLog / n;
    if (sl > 1e-12) {
      let shape = (3 - sl + Math.sqrt((sl - 3) ** 2 + 24 * sl)) / (12 * sl);
      for (let it = 0; it < 5; it++) shape -= (Math.log(shape) - digamma(shape) - sl) / (1 / shape - trigamma(shape));
      const scale = mean / shape;
      const lg = logGamma(shape);
      candidates.push({
        distribution: { dist: 'gamma', mean, sd: mean / Math.sqrt(shape) },
        k: 2,
        logPdf: (x) => (x <= 0 ? -Infinity : (shape - 1) * Math.log(x) - x / scale - lg - shape * Math.log(scale)),
        cdf: (x) => (x <= 0 ? 0 : lowerRegularizedGamma(shape, x / scale)),
      });
    }
  }
  const lo = s.min,
    hi = s.max,
    width = hi - lo;
  candidates.push({
    distribution: { dist: 'uniform', min: lo, max: hi },
    k: 2,
    logPdf: (x) => (x < lo || x > hi ? -Infinity : -Math.log(width)),
    cdf: (x) => clamp01((x - lo) / width),
  });
  const mode = clampTo(3 * mean - lo - hi, lo, hi);
  candidates.push({
    distribution: { dist: 'triangular', min: lo, mode, max: hi },
    k: 3,
    logPdf: (x) => {
      if (x < lo || x > hi) return -Infinity;
      const v = x <= mode ? (2 * (x - lo)) / (width * (mode - lo || 1e-12)) : (2 * (hi - x)) / (width * (hi - mode || 1e-12));
      return v > 0 ? Math.log(v) : -Infinity;
    },
    cdf: (x) => (x <= lo ? 0 : x >= hi ? 1 : x <= mode ? (x - lo) ** 2 / (width * (mode - lo || 1e-12)) : 1 - (hi - x) ** 2 / (width * (hi - mode || 1e-12))),
  });

  let best: Candidate | null = null;
  let bestScore = -Infinity;
  for (const c of candidates) {
    let ll = 0;
    for (const x of sample) ll += c.logPdf(x);
    const score = ll - c.k;
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  const ks = best ? ksDistance(sample, best.cdf) : 1;
  const limit = Math.max(KS_LIMIT, 1.63 / Math.sqrt(sample.length));
  if (!best || !Number.isFinite(bestScore) || ks > limit) {
    const values: number[] = [];
    for (let i = 0; i < EMPIRICAL_POINTS; i++) values.push(round(quantileOf(sample, (i + 0.5) / EMPIRICAL_POINTS)));
    return { distribution: { dist: 'empirical', values }, ks, sampleMean: mean, n };
  }
  return { distribution: roundDist(best.distribution), ks, sampleMean: mean, n };
}

export function ksDistance(sorted: number[], cdf: (x: number) => number): number {
  let d = 0;
  const n = sorted.length;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  }
  return d;
}

function roundDist(d: FittedDistribution): FittedDistribution {
  const r: any = { ...d };
  for (const k of Object.keys(r)) if (typeof r[k] === 'number') r[k] = round(r[k]);
  return r;
}

/** 4 significant digits (durations in seconds) */
export function round(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(4));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
function clampTo(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function normalCdf(z: number): number {
  // Abramowitz & Stegun 7.1.26 on erf
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9)
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function digamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

function trigamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return r + 1 / x + f / 2 + (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)));
}

/** P(a, x), by its series for x < a + 1 and its continued fraction otherwise (Numerical Recipes 6.2). */
function lowerRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 0;
  const lg = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a,
      term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-12) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lg);
  }
  let b = x + 1 - a,
    c = 1e300,
    d = 1 / b,
    h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-12) break;
  }
  return 1 - Math.exp(-x + a * Math.log(x) - lg) * h;
}
