/**
 * The event calendar: a binary heap ordered by (time, seq). `seq` is an
 * integer that only increases, so events at the same instant leave in the
 * order they were scheduled, on every run (never by comparing string ids).
 *
 * The heap's entries live in parallel typed arrays indexed by heap position
 * (time, seq, kind, arg), moved together as they sift: no slot numbers to
 * follow and no free list. Every comparison reads the two arrays it compares
 * directly; on the engine's small heaps that is most of an event's cost.
 */
export class EventCalendar {
  private time: Float64Array;
  private seqOf: Float64Array;
  private kindOf: Int32Array;
  private argOf: Int32Array;
  private n = 0;
  private seq = 0;

  constructor(capacity = 1024) {
    const cap = Math.max(2, capacity);
    this.time = new Float64Array(cap);
    this.seqOf = new Float64Array(cap);
    this.kindOf = new Int32Array(cap);
    this.argOf = new Int32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the next event, Infinity if none. */
  peekTime(): number {
    return this.n > 0 ? this.time[0] : Infinity;
  }

  schedule(time: number, kind: number, arg: number): void {
    if (this.n === this.time.length) this.grow();
    const times = this.time,
      seqs = this.seqOf,
      kinds = this.kindOf,
      args = this.argOf;
    const seq = this.seq++;
    // sift up: an event scheduled now has the largest seq, so a tie in time never moves it up
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      seqs[i] = seqs[parent];
      kinds[i] = kinds[parent];
      args[i] = args[parent];
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    kinds[i] = kind;
    args[i] = arg;
  }

  /** Removes the next event; its fields are then readable through `lastTime`, `lastKind`, `lastArg`. */
  lastTime = 0;
  lastKind = 0;
  lastArg = 0;

  pop(): boolean {
    if (this.n === 0) return false;
    const times = this.time,
      seqs = this.seqOf,
      kinds = this.kindOf,
      args = this.argOf;
    this.lastTime = times[0];
    this.lastKind = kinds[0];
    this.lastArg = args[0];
    const n = --this.n;
    if (n > 0) {
      // sift the last entry down from the root
      const t = times[n],
        s = seqs[n],
        k = kinds[n],
        a = args[n];
      let i = 0;
      const half = n >> 1;
      while (i < half) {
        let c = 2 * i + 1;
        const r = c + 1;
        if (r < n && (times[r] < times[c] || (times[r] === times[c] && seqs[r] < seqs[c]))) c = r;
        const tc = times[c];
        if (t < tc || (t === tc && s < seqs[c])) break;
        times[i] = tc;
        seqs[i] = seqs[c];
        kinds[i] = kinds[c];
        args[i] = args[c];
        i = c;
      }
      times[i] = t;
      seqs[i] = s;
      kinds[i] = k;
      args[i] = a;
    }
    return true;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.time = grow64(this.time);
    this.seqOf = grow64(this.seqOf);
    this.kindOf = grow32(this.kindOf);
    this.argOf = grow32(this.argOf);
  }
}
