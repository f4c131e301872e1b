/**
 * Keyed random streams. A draw is a pure function of (seed, stream, key…,
 * counter): every case, step and visit has its own stream, so changing the
 * policy, the order of events or adding a new consumer of randomness never
 * changes which cases arrive or how long their tasks take (common random
 * numbers), and a Temporal workflow can make the very same draws in replay.
 *
 * The generator is SplitMix32 (a Weyl sequence through the MurmurHash3
 * finaliser), started from a MurmurHash3 hash of the key: counter-based, so
 * opening a stream costs a few multiplications and nothing is allocated per draw.
 * It stands where DESIGN.md names seedrandom: seedrandom's generators are
 * sequential, and a keyed, counter-based generator is what common random
 * numbers per case need (see docs/architecture.md).
 */
import type { UniformSource } from '../model/uniform-source.js';

/** Named streams: one per kind of randomness. */
export const Stream = {
  arrivals: 1,
  durations: 2,
  branches: 3,
  failures: 4,
  replications: 5,
  batches: 6,
  attributes: 7,
  patience: 8,
} as const;

const GOLDEN = 0x9e3779b9;

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The starting state of the stream named by (seed, stream, a, b, c). */
export function streamKey(seed: number, stream: number, a = 0, b = 0, c = 0): number {
  let h = mix(seed | 0, stream);
  h = mix(h, a | 0);
  h = mix(h, b | 0);
  h = mix(h, c | 0);
  return finalise(h ^ 20);
}

/** Seed of replication r of a run seeded with `seed` (replication 0 keeps the seed itself). */
export function replicationSeed(seed: number, replication: number): number {
  return replication === 0 ? seed >>> 0 : streamKey(seed, Stream.replications, replication);
}

/**
 * A reusable cursor over one keyed stream. `open` re-keys it in place, so the
 * engine keeps one cursor per kind of draw and allocates nothing per task.
 */
export class KeyedStream implements UniformSource {
  private state = 0;
  /** the key's hash after (seed, stream), and after (seed, stream, a) for the last `a` opened: `open` mixes in only what changed */
  private readonly h0: number;
  private lastA = 0;
  private hA: number;
  constructor(
    readonly seed: number,
    readonly stream: number,
  ) {
    this.h0 = mix(seed | 0, stream);
    this.hA = mix(this.h0, 0);
  }

  open(a = 0, b = 0, c = 0): this {
    // streamKey(seed, stream, a, b, c), with its first two mixes kept from the last call
    if ((a | 0) !== this.lastA) {
      this.lastA = a | 0;
      this.hA = mix(this.h0, this.lastA);
    }
    // kept as a signed 32-bit integer (a small integer to V8, not a boxed double): `next` reads it modulo 2^32 either way
    this.state = finalise(mix(mix(this.hA, b | 0), c | 0) ^ 20) | 0;
    return this;
  }

  /** A uniform in the open interval (0, 1), with 32 bits of resolution. */
  next(): number {
    this.state = (this.state + GOLDEN) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return ((z >>> 0) + 0.5) / 4294967296;
  }
}

/** The key of a task's draws: (step, visit) packed in one 32-bit word. */
export function taskKey(step: number, visit: number): number {
  return (step << 16) | (visit & 0xffff);
}
