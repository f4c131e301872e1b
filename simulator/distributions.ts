/**
 * The duration distributions: one table, `DISTRIBUTIONS`, with one entry per
 * kind holding everything about it: its fields in a scenario (which the JSON
 * Schema and the compiler read), its validation, sampling, mean, variance and
 * scaling (Ciw's `dists/distributions.py` keeps a distribution's sample, mean
 * and variance together in the same way). Adding a kind is one entry here
 * plus its test and docs/scenario.md: the `Distribution` type is derived from
 * the table's parameter types, and the compiler points at a missing method.
 *
 * `sample` is on the simulator's hot path: it allocates nothing and keeps no
 * state between calls, so the draws a case consumes depend only on its own
 * keyed stream (STYLE.md rule 7). Draws per sample: constant 0; uniform,
 * triangular, empirical 1; exponential 1 about 99% of the time (a ziggurat,
 * simulator/exponential.ts), more after a rejection; lognormal 2; gamma a variable number
 * (rejection sampling), 2 or more per attempt.
 *
 * `sample` trusts its input: run `validateDistribution` once when a scenario
 * is compiled, not per draw. A valid distribution never yields a negative or
 * non-finite duration.
 *
 * ```ts
 * const d: Distribution = { kind: 'gamma', mean: 300, sd: 120 };
 * const problem = validateDistribution(d); // null
 * const seconds = sample(d, durationsStream);
 * const botSpeed = scaleDistribution(d, 0.25); // a bot four times faster
 * ```
 */
import type { UniformSource } from '../model/uniform-source.js';
import { standardExponential } from './exponential.js';

/** How a field is written in a scenario: a duration (20m, or seconds), a list of them, or a list of weights. */
export type FieldType = 'duration' | 'durations' | 'weights';

/** Every parameter is in seconds (or is dimensionless, like a weight). */
export interface DistributionParameters {
  constant: { value: number };
  exponential: { mean: number };
  /** lognormal given by the mean and standard deviation of the duration itself (not of its log) */
  lognormal: { mean: number; sd: number };
  /** gamma given by its mean and standard deviation (shape = (mean/sd)^2) */
  gamma: { mean: number; sd: number };
  triangular: { min: number; mode: number; max: number };
  uniform: { min: number; max: number };
  /** one of `values`, with probability proportional to `weights` (all equal when absent) */
  empirical: { values: number[]; weights?: number[] };
}

export type DistributionKind = keyof DistributionParameters;
export type DistributionOf<K extends DistributionKind> = { kind: K } & DistributionParameters[K];
/** A compiled duration distribution. */
export type Distribution = { [K in DistributionKind]: DistributionOf<K> }[DistributionKind];

/** Everything about one kind of distribution. */
interface KindSpec<K extends DistributionKind> {
  /** its fields in a scenario (after `dist`), in order, and how each is written */
  fields: { [F in keyof DistributionParameters[K]]-?: FieldType };
  /** fields that may be absent */
  optional?: readonly (keyof DistributionParameters[K])[];
  /** what is wrong with it, as one sentence, or null (fields are known to exist; their values are not checked yet) */
  validate(d: DistributionOf<K>): string | null;
  sample(d: DistributionOf<K>, u: UniformSource): number;
  mean(d: DistributionOf<K>): number;
  variance(d: DistributionOf<K>): number;
  /** every time parameter times `factor` (shapes unchanged) */
  scale(d: DistributionOf<K>, factor: number): DistributionOf<K>;
}

const TWO_PI = 2 * Math.PI;

/** One standard normal from two fresh uniforms (Box–Muller, cosine half only; nothing cached). */
function standardNormal(u: UniformSource): number {
  const r = Math.sqrt(-2 * Math.log(u.next()));
  return r * Math.cos(TWO_PI * u.next());
}

/**
 * Gamma(shape, 1) by Marsaglia & Tsang (2000), "A simple method for generating
 * gamma variables", ACM TOMS 26(3). For shape < 1 it uses their boost:
 * Gamma(k) = Gamma(k + 1) * U^(1/k).
 */
function standardGamma(shape: number, u: UniformSource): number {
  if (shape < 1) {
    const g = standardGamma(shape + 1, u);
    return g * Math.pow(u.next(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(u);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const w = u.next();
    const x2 = x * x;
    if (w < 1 - 0.0331 * x2 * x2) return d * v; // squeeze: skips the logarithms ~98% of the time
    if (Math.log(w) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Empirical pick: O(1) when unweighted, otherwise two linear scans (sum, then cumulative). */
function sampleEmpirical(values: number[], weights: number[] | undefined, p: number): number {
  const n = values.length;
  if (weights === undefined) {
    const i = Math.floor(p * n);
    return values[i < n ? i : n - 1]; // defensive: with round-to-nearest p * n < n for every p < 1
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  const target = p * total;
  let acc = 0;
  // strict `<` means a zero-weight value can never be chosen
  for (let i = 0; i < n; i++) {
    acc += weights[i];
    if (target < acc) return values[i];
  }
  // defensive: target = p * total < total, and acc ends at exactly total (same additions in the
  // same order), so the loop returns; should that ever fail, take the last value that has weight
  for (let i = n - 1; i > 0; i--) if (weights[i] > 0) return values[i];
  return values[0];
}

function empiricalMoments(values: number[], weights: number[] | undefined): { mean: number; variance: number } {
  const n = values.length;
  let total = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i];
    total += w;
    sum += w * values[i];
  }
  const mean = sum / total;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i];
    const dev = values[i] - mean;
    sq += w * dev * dev;
  }
  return { mean, variance: sq / total };
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function got(x: unknown): string {
  return typeof x === 'number' ? String(x) : (JSON.stringify(x) ?? String(x));
}

/** `null` when `x` is a finite number >= 0 (or > 0 when `strict`), else a message naming `field`. */
function checkDuration(kind: string, field: string, x: unknown, strict: boolean): string | null {
  if (isNum(x) && (strict ? x > 0 : x >= 0)) return null;
  return `${kind} ${field} must be a finite number ${strict ? '> 0' : '>= 0'} (got ${got(x)})`;
}

/** The table: one entry per kind. */
export const DISTRIBUTIONS: { readonly [K in DistributionKind]: KindSpec<K> } = {
  constant: {
    fields: { value: 'duration' },
    validate: (d) => checkDuration(d.kind, 'value', d.value, false),
    sample: (d) => d.value,
    mean: (d) => d.value,
    variance: () => 0,
    scale: (d, f) => ({ kind: 'constant', value: d.value * f }),
  },
  exponential: {
    fields: { mean: 'duration' },
    validate: (d) => checkDuration(d.kind, 'mean', d.mean, true),
    sample: (d, u) => d.mean * standardExponential(u),
    mean: (d) => d.mean,
    variance: (d) => d.mean * d.mean,
    scale: (d, f) => ({ kind: 'exponential', mean: d.mean * f }),
  },
  lognormal: {
    fields: { mean: 'duration', sd: 'duration' },
    validate: (d) => checkDuration(d.kind, 'mean', d.mean, true) ?? checkDuration(d.kind, 'sd', d.sd, true),
    sample: (d, u) => {
      // sigma² = ln(1 + cv²), mu = ln(mean) - sigma²/2, so exp(mu + sigma z) = mean * exp(sigma z - sigma²/2)
      const cv = d.sd / d.mean;
      const sigma2 = Math.log1p(cv * cv);
      return d.mean * Math.exp(Math.sqrt(sigma2) * standardNormal(u) - 0.5 * sigma2);
    },
    mean: (d) => d.mean,
    variance: (d) => d.sd * d.sd,
    scale: (d, f) => ({ kind: 'lognormal', mean: d.mean * f, sd: d.sd * f }),
  },
  gamma: {
    fields: { mean: 'duration', sd: 'duration' },
    validate: (d) => checkDuration(d.kind, 'mean', d.mean, true) ?? checkDuration(d.kind, 'sd', d.sd, true),
    sample: (d, u) => {
      const ratio = d.mean / d.sd;
      const scale = d.sd / ratio; // sd² / mean
      return scale * standardGamma(ratio * ratio, u);
    },
    mean: (d) => d.mean,
    variance: (d) => d.sd * d.sd,
    scale: (d, f) => ({ kind: 'gamma', mean: d.mean * f, sd: d.sd * f }),
  },
  triangular: {
    fields: { min: 'duration', mode: 'duration', max: 'duration' },
    validate: (d) => {
      const problem = checkDuration(d.kind, 'min', d.min, false) ?? checkDuration(d.kind, 'mode', d.mode, false) ?? checkDuration(d.kind, 'max', d.max, false);
      if (problem !== null) return problem;
      if (!(d.min <= d.mode && d.mode <= d.max)) {
        return `triangular needs min <= mode <= max (got min ${d.min}, mode ${d.mode}, max ${d.max})`;
      }
      return null;
    },
    sample: (d, u) => {
      const { min, mode, max } = d;
      const p = u.next();
      const width = max - min;
      // p < F(mode) = (mode - min) / width, written without the division so min == max is safe
      if (p * width < mode - min) return min + Math.sqrt(p * width * (mode - min));
      return max - Math.sqrt((1 - p) * width * (max - mode));
    },
    mean: (d) => (d.min + d.mode + d.max) / 3,
    variance: (d) => {
      const { min: a, mode: c, max: b } = d;
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    },
    scale: (d, f) => ({ kind: 'triangular', min: d.min * f, mode: d.mode * f, max: d.max * f }),
  },
  uniform: {
    fields: { min: 'duration', max: 'duration' },
    validate: (d) => {
      const problem = checkDuration(d.kind, 'min', d.min, false) ?? checkDuration(d.kind, 'max', d.max, false);
      if (problem !== null) return problem;
      if (!(d.min <= d.max)) return `uniform needs min <= max (got min ${d.min}, max ${d.max})`;
      return null;
    },
    sample: (d, u) => d.min + (d.max - d.min) * u.next(),
    mean: (d) => (d.min + d.max) / 2,
    variance: (d) => {
      const w = d.max - d.min;
      return (w * w) / 12;
    },
    scale: (d, f) => ({ kind: 'uniform', min: d.min * f, max: d.max * f }),
  },
  empirical: {
    fields: { values: 'durations', weights: 'weights' },
    optional: ['weights'],
    validate: (d) => {
      const { values, weights } = d;
      if (!Array.isArray(values) || values.length === 0) return 'empirical values must be a non-empty array of numbers';
      for (let i = 0; i < values.length; i++) {
        const problem = checkDuration(d.kind, `values[${i}]`, values[i], false);
        if (problem !== null) return problem;
      }
      if (weights === undefined) return null;
      const weightsRule = 'empirical weights must have the same length as values and be >= 0 with a positive sum';
      if (!Array.isArray(weights) || weights.length !== values.length) {
        return `${weightsRule} (got ${Array.isArray(weights) ? `${weights.length} weights for ${values.length} values` : got(weights)})`;
      }
      let total = 0;
      for (let i = 0; i < weights.length; i++) {
        const w: unknown = weights[i];
        if (!isNum(w) || w < 0) return `${weightsRule} (weights[${i}] is ${got(w)})`;
        total += w;
      }
      if (!(total > 0 && Number.isFinite(total))) return `${weightsRule} (the sum is ${total})`;
      return null;
    },
    sample: (d, u) => sampleEmpirical(d.values, d.weights, u.next()),
    mean: (d) => empiricalMoments(d.values, d.weights).mean,
    variance: (d) => empiricalMoments(d.values, d.weights).variance,
    scale: (d, f) => {
      const values = d.values.map((v) => v * f);
      return d.weights === undefined ? { kind: 'empirical', values } : { kind: 'empirical', values, weights: d.weights.slice() };
    },
  },
};

/** Every kind, in the table's order. */
export const DISTRIBUTION_KINDS = Object.keys(DISTRIBUTIONS) as readonly DistributionKind[];

/** The entry of `d`'s kind (typed loosely: the caller passes `d` itself). */
function specOf(d: Distribution): KindSpec<DistributionKind> {
  return DISTRIBUTIONS[d.kind] as unknown as KindSpec<DistributionKind>;
}

/** Draws one duration from `d`. Assumes `validateDistribution(d) === null`. */
export function sample(d: Distribution, u: UniformSource): number {
  return (specOf(d).sample as (d: Distribution, u: UniformSource) => number)(d, u);
}

/** Analytic mean of `d`, in seconds. */
export function distributionMean(d: Distribution): number {
  return (specOf(d).mean as (d: Distribution) => number)(d);
}

/** Analytic variance of `d`, in seconds². */
export function distributionVariance(d: Distribution): number {
  return (specOf(d).variance as (d: Distribution) => number)(d);
}

/**
 * A new distribution whose every time parameter is multiplied by `factor`
 * (a slowdown of 1.5, a bot at 0.25 of human time). Shapes are unchanged, so
 * the mean scales by `factor` and the variance by `factor²`.
 * @throws RangeError when `factor` is not a finite number > 0
 */
export function scaleDistribution(d: Distribution, factor: number): Distribution {
  if (!(Number.isFinite(factor) && factor > 0)) {
    throw new RangeError(`scale factor must be a finite number > 0 (got ${factor})`);
  }
  return (specOf(d).scale as (d: Distribution, f: number) => Distribution)(d, factor);
}

/**
 * What is wrong with `d`, as one human-readable sentence, or `null` when it
 * can be sampled. Every time parameter must be finite and non-negative (and
 * means and standard deviations strictly positive), so a valid distribution
 * never yields a negative duration. The caller adds where `d` came from.
 */
export function validateDistribution(d: Distribution): string | null {
  if (typeof d !== 'object' || d === null) return `a distribution must be an object (got ${got(d)})`;
  const kind: unknown = (d as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(DISTRIBUTIONS, kind)) {
    return `unknown distribution kind ${got(kind)}; expected one of ${DISTRIBUTION_KINDS.join(', ')}`;
  }
  return (specOf(d).validate as (d: Distribution) => string | null)(d);
}

/**
 * The distribution a scenario writes as `{ dist: kind, ...fields }`, with its
 * durations parsed by `seconds`; null for a kind the table does not have (the
 * schema rejects it first).
 */
export function compileDistribution(raw: { dist: string } & Record<string, unknown>, seconds: (v: string | number) => number): Distribution | null {
  if (!Object.hasOwn(DISTRIBUTIONS, raw.dist)) return null;
  const spec = DISTRIBUTIONS[raw.dist as DistributionKind];
  const out: Record<string, unknown> = { kind: raw.dist };
  for (const [field, type] of Object.entries(spec.fields) as [string, FieldType][]) {
    const v = raw[field];
    if (v === undefined) continue;
    out[field] = type === 'duration' ? seconds(v as string | number) : type === 'durations' ? (v as (string | number)[]).map((x) => seconds(x)) : v;
  }
  return out as Distribution;
}
