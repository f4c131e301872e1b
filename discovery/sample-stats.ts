/**
 * Streaming statistics of a sample of durations (seconds): moments of the
 * values and of their logarithms (the sufficient statistics of the exponential,
 * lognormal and gamma fits), extremes, and a bounded reservoir (Vitter's
 * algorithm R with a fixed-seed generator, so the same log gives the same
 * reservoir) for quantiles, likelihoods of the other kinds and the empirical
 * fallback. Memory is bounded whatever the number of values.
 */
export const RESERVOIR_SIZE = 4096;

export class SampleStats {
  n = 0;
  sum = 0;
  sumSq = 0;
  /** values > 0 only */
  nPositive = 0;
  sumLog = 0;
  sumLogSq = 0;
  min = Infinity;
  max = -Infinity;
  readonly reservoir: number[] = [];
  private state: number;

  constructor(seed = 0x2545f491) {
    this.state = seed >>> 0;
  }

  add(x: number): void {
    this.n++;
    this.sum += x;
    this.sumSq += x * x;
    if (x > 0) {
      this.nPositive++;
      const l = Math.log(x);
      this.sumLog += l;
      this.sumLogSq += l * l;
    }
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (this.reservoir.length < RESERVOIR_SIZE) this.reservoir.push(x);
    else {
      const j = Math.floor(this.uniform() * this.n);
      if (j < RESERVOIR_SIZE) this.reservoir[j] = x;
    }
  }

  get mean(): number {
    return this.n ? this.sum / this.n : NaN;
  }
  get sd(): number {
    if (this.n < 2) return 0;
    return Math.sqrt(Math.max(0, (this.sumSq - (this.sum * this.sum) / this.n) / (this.n - 1)));
  }

  /** The q-quantile of the reservoir (exact while fewer than RESERVOIR_SIZE values were added). */
  quantile(q: number): number {
    return quantileOf(this.sorted(), q);
  }

  sorted(): number[] {
    return [...this.reservoir].sort((a, b) => a - b);
  }

  /** mulberry32: a small, fixed-seed generator (never the clock) */
  private uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export function quantileOf(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
