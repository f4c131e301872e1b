/**
 * A streaming quantile sketch: a histogram on logarithmic buckets (bucket i
 * holds the values in (γ^(i−1−OFFSET), γ^(i−OFFSET)], γ = 1.005), in constant
 * memory whatever the number of observations. Deterministic and mergeable.
 *
 * Accuracy: a quantile is interpolated inside its bucket, geometrically by
 * rank (the k-th of c values in a bucket is read at (k − ½)/c of the way
 * through it), so it moves continuously with the data: replications whose
 * p95 differ slightly give slightly different answers, and a confidence
 * interval across replications is honest (with a bucket's midpoint, as
 * before, replications landed in the same bucket and the interval came out
 * 1e-13). The error against the exact sample quantile is at most the
 * bucket's relative width, RELATIVE_ERROR = 0.5%, and in practice far less
 * (tested against sorted samples; documented in docs/results.md).
 */
const GAMMA = 1.005;
const LOG_GAMMA = Math.log(GAMMA);
/** Bound of the relative error of a quantile: the relative width of a bucket. */
export const RELATIVE_ERROR = GAMMA - 1;
const BUCKETS = 9700; // γ^−OFFSET ≈ 1e-10 s up to γ^(BUCKETS−OFFSET) ≈ 1e11 s
const OFFSET = 4620;

/** The probabilities at which a result reports each process's cycle-time quantiles (for its distribution plot). */
export const CYCLE_QUANTILES: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

export class QuantileSketch {
  private counts = new Float64Array(BUCKETS);
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
      const c = this.counts[i];
      if (seen + c > rank) {
        // the (rank − seen)-th of the c values in (γ^(i−1), γ^i], read at its place within the bucket
        const f = Math.min(1, Math.max(0, (rank - seen + 0.5) / c));
        return GAMMA ** (i - 1 - OFFSET + f);
      }
      seen += c;
    }
    return GAMMA ** (this.counts.length - 1 - OFFSET);
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
