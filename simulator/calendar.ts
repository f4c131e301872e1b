/**
 * The event calendar: a binary heap ordered by (time, seq). `seq` is an
 * integer that only increases, so events at the same instant leave in the
 * order they were scheduled, on every run (never by comparing string ids).
 * Slots live in typed arrays; the heap holds slot numbers.
 */
export class EventCalendar<P> {
  private time: Float64Array;
  private seqOf: Float64Array;
  private kindOf: Int32Array;
  private argOf: Int32Array;
  /** created on the first non-null payload: the engine needs none, and skipping them is measurably faster */
  private payload: (P | null)[] | null = null;
  private heap: Int32Array;
  private free: Int32Array;
  private freeTop = 0;
  private n = 0;
  private seq = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seqOf = new Float64Array(capacity);
    this.kindOf = new Int32Array(capacity);
    this.argOf = new Int32Array(capacity);
    this.heap = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  get size(): number { return this.n; }

  /** Time of the next event, Infinity if none. */
  peekTime(): number { return this.n > 0 ? this.time[this.heap[0]] : Infinity; }

  schedule(time: number, kind: number, arg: number, payload: P | null = null): void {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop];
    this.time[slot] = time;
    this.seqOf[slot] = this.seq++;
    this.kindOf[slot] = kind;
    this.argOf[slot] = arg;
    if (payload !== null || this.payload) (this.payload ??= new Array(this.time.length).fill(null))[slot] = payload;
    // sift up
    const heap = this.heap;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const ps = heap[parent];
      if (this.time[ps] < time || (this.time[ps] === time && this.seqOf[ps] < this.seqOf[slot])) break;
      heap[i] = ps;
      i = parent;
    }
    heap[i] = slot;
  }

  /** Removes the next event; its fields are then readable through `lastTime`, `lastKind`, `lastArg`, `lastPayload`. */
  lastTime = 0;
  lastKind = 0;
  lastArg = 0;
  lastPayload: P | null = null;

  pop(): boolean {
    if (this.n === 0) return false;
    const heap = this.heap;
    const top = heap[0];
    this.lastTime = this.time[top];
    this.lastKind = this.kindOf[top];
    this.lastArg = this.argOf[top];
    if (this.payload) { this.lastPayload = this.payload[top]; this.payload[top] = null; }
    this.free[this.freeTop++] = top;
    const last = heap[--this.n];
    if (this.n > 0) {
      // sift down
      const t = this.time[last];
      const s = this.seqOf[last];
      let i = 0;
      const half = this.n >> 1;
      while (i < half) {
        let c = 2 * i + 1;
        let cs = heap[c];
        const r = c + 1;
        if (r < this.n) {
          const rs = heap[r];
          if (this.time[rs] < this.time[cs] || (this.time[rs] === this.time[cs] && this.seqOf[rs] < this.seqOf[cs])) { c = r; cs = rs; }
        }
        if (t < this.time[cs] || (t === this.time[cs] && s < this.seqOf[cs])) break;
        heap[i] = cs;
        i = c;
      }
      heap[i] = last;
    }
    return true;
  }

  private grow(): void {
    const old = this.time.length;
    const cap = old * 2;
    const grow64 = (a: Float64Array) => { const b = new Float64Array(cap); b.set(a); return b; };
    const grow32 = (a: Int32Array) => { const b = new Int32Array(cap); b.set(a); return b; };
    this.time = grow64(this.time);
    this.seqOf = grow64(this.seqOf);
    this.kindOf = grow32(this.kindOf);
    this.argOf = grow32(this.argOf);
    this.heap = grow32(this.heap);
    const free = new Int32Array(cap);
    free.set(this.free.subarray(0, this.freeTop));
    for (let i = old; i < cap; i++) free[this.freeTop++] = cap - 1 - (i - old);
    this.free = free;
    if (this.payload) for (let i = old; i < cap; i++) this.payload.push(null);
  }
}
