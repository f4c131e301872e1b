/**
 * A streaming quantile sketch: a histogram on logarithmic buckets (bucket i
 * holds the values in (γ^(i−1−OFFSET), γ^(i−OFFSET)], γ = 2^(1/139) ≈ 1.0049989,
 * 139 buckets to an octave), in constant memory whatever the number of
 * observations. Deterministic and mergeable.
 *
 * Accuracy: a quantile is interpolated inside its bucket, geometrically by
 * rank (the k-th of c values in a bucket is read at (k − ½)/c of the way
 * through it), so it moves continuously with the data: replications whose
 * p95 differ slightly give slightly different answers, and a confidence
 * interval across replications is honest (with a bucket's midpoint, as
 * before, replications landed in the same bucket and the interval came out
 * 1e-13). The error against the exact sample quantile is at most the
 * bucket's relative width, RELATIVE_ERROR < 0.5%, and in practice far less
 * (tested against sorted samples; documented in docs/results.md).
 *
 * Finding a value's bucket takes no logarithm: because an octave holds a
 * whole number of buckets, the bucket is 139 × the float's binary exponent
 * plus the bucket of its mantissa m ∈ [1, 2) within the octave, which the
 * mantissa's top 10 bits give from a table of 1,024 slices, each narrower
 * than a bucket (so at most one bucket boundary falls in a slice, and one
 * comparison settles which side m is on). Before, the bucket was
 * ceil(ln x / ln 1.005), a logarithm per completed case.
 */
const PER_OCTAVE = 139;
const GAMMA = 2 ** (1 / PER_OCTAVE);
/** Bound of the relative error of a quantile: the relative width of a bucket (0.49989%). */
export const RELATIVE_ERROR = GAMMA - 1;
const BUCKETS = 9700; // γ^−OFFSET ≈ 1e-10 s up to γ^(BUCKETS−OFFSET) ≈ 1e11 s
const OFFSET = 4620;

const SLICE_BITS = 10;
const SLICES = 1 << SLICE_BITS;
/** Per slice [1 + s/1024, 1 + (s+1)/1024) of the mantissa: how many boundaries 2^(j/139) (j = 0…138) lie below it. */
const BELOW = new Int32Array(SLICES);
/** Per slice: the boundary inside it (at most one), or Infinity. */
const BOUNDARY = new Float64Array(SLICES).fill(Infinity);
{
  let j = 0;
  for (let s = 0; s < SLICES; s++) {
    const start = 1 + s / SLICES,
      end = 1 + (s + 1) / SLICES;
    while (j < PER_OCTAVE && 2 ** (j / PER_OCTAVE) < start) j++;
    BELOW[s] = j;
    if (j < PER_OCTAVE && 2 ** (j / PER_OCTAVE) < end) BOUNDARY[s] = 2 ** (j / PER_OCTAVE);
  }
}
/** A double seen as its two 32-bit halves (the high one holds the sign, the exponent and the mantissa's top 20 bits). */
const bitsOf = new Float64Array(1);
const words = new Uint32Array(bitsOf.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: the high word is the second

/** The bucket of x > 1e-9 (a positive normal double): ceil(139 log2 x) + OFFSET, clamped to the buckets. */
function bucketOf(x: number): number {
  bitsOf[0] = x;
  const high = words[HIGH];
  const exponent = (high >>> 20) - 1023;
  const slice = (high >>> (20 - SLICE_BITS)) & (SLICES - 1);
  words[HIGH] = (high & 0xfffff) | 0x3ff00000; // the mantissa as a number in [1, 2)
  const inOctave = BELOW[slice] + (bitsOf[0] > BOUNDARY[slice] ? 1 : 0);
  const i = exponent * PER_OCTAVE + inOctave + OFFSET;
  return i < 0 ? 0 : i >= BUCKETS ? BUCKETS - 1 : i;
}

/** The probabilities at which a result reports each process's cycle-time quantiles (for its distribution plot). */
export const CYCLE_QUANTILES: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

export class QuantileSketch {
  private counts = new Float64Array(BUCKETS);
  private zeros = 0;
  /** the lowest and highest bucket holding a value (lowest > highest while none does): a quantile scans only these */
  private lowest = BUCKETS;
  private highest = -1;
  count = 0;

  add(x: number): void {
    this.count++;
    if (x <= 1e-9) {
      this.zeros++;
      return;
    }
    const i = bucketOf(x);
    this.counts[i]++;
    if (i < this.lowest) this.lowest = i;
    if (i > this.highest) this.highest = i;
  }

  /** The q-quantile (0..1); 0 when empty. */
  quantile(q: number): number {
    return this.quantiles([q])[0];
  }

  /** The quantiles at each probability of `qs`, in one pass over the buckets. */
  quantiles(qs: readonly number[]): number[] {
    const out = new Array<number>(qs.length).fill(0);
    if (this.count === 0) return out;
    const order = qs.map((_, k) => k).sort((a, b) => qs[a] - qs[b]);
    let next = 0;
    let seen = this.zeros;
    // the quantiles that fall among the zeros are 0
    while (next < order.length && qs[order[next]] * (this.count - 1) < seen) next++;
    for (let i = this.lowest; i <= this.highest && next < order.length; i++) {
      const c = this.counts[i];
      // each quantile whose rank falls in this bucket: the (rank − seen)-th of its c values in (γ^(i−1), γ^i], read at its place within the bucket
      while (next < order.length && seen + c > qs[order[next]] * (this.count - 1)) {
        const rank = qs[order[next]] * (this.count - 1);
        const f = Math.min(1, Math.max(0, (rank - seen + 0.5) / c));
        out[order[next++]] = GAMMA ** (i - 1 - OFFSET + f);
      }
      seen += c;
    }
    while (next < order.length) out[order[next++]] = GAMMA ** (BUCKETS - 1 - OFFSET);
    return out;
  }

  merge(other: QuantileSketch): void {
    for (let i = other.lowest; i <= other.highest; i++) this.counts[i] += other.counts[i];
    this.zeros += other.zeros;
    this.count += other.count;
    if (other.lowest < this.lowest) this.lowest = other.lowest;
    if (other.highest > this.highest) this.highest = other.highest;
  }
}
