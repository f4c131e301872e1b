/**
 * A streaming quantile sketch: a histogram on logarithmic buckets of relative
 * width 2% (values within 1% of the truth), in constant memory whatever the
 * number of observations. Deterministic and mergeable.
 */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
const OFFSET = 1200; // bucket index of values near 1e-10 s

/** The probabilities at which a result reports each process's cycle-time quantiles (for its distribution plot). */
export const CYCLE_QUANTILES: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

export class QuantileSketch {
  private counts = new Float64Array(2400);
  private zeros = 0;
  count = 0;

  add(x: number): void {
    this.count++;
    if (x <= 1e-9) { this.zeros++; return; }
    let i = Math.ceil(Math.log(x) / LOG_GAMMA) + OFFSET;
    if (i < 0) i = 0;
    else if (i >= this.counts.length) i = this.counts.length - 1;
    this.counts[i]++;
  }

  /** The q-quantile (0..1); 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = q * (this.count - 1);
    let seen = this.zeros;
    if (rank < seen) return 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen > rank) return (2 * GAMMA ** (i - OFFSET)) / (GAMMA + 1);
    }
    return 2 * GAMMA ** (this.counts.length - 1 - OFFSET) / (GAMMA + 1);
  }

  /** The quantiles at each probability of `qs`. */
  quantiles(qs: readonly number[]): number[] {
    return qs.map((q) => this.quantile(q));
  }

  merge(other: QuantileSketch): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.zeros += other.zeros;
    this.count += other.count;
  }
}
