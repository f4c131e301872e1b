/**
 * A work queue of tasks waiting for one skill. Tasks leave in order of
 * (key, seq): the key is set by the dispatch discipline (enqueue time for
 * FIFO, due date for EDF, minus the cμ index for priority), and seq, an integer
 * that only increases, breaks ties the same way on every run.
 */
export interface Queued {
  key: number;
  seq: number;
}

export interface TaskQueue<T extends Queued> {
  readonly size: number;
  push(task: T): void;
  /** the next task to leave, or undefined */
  peek(): T | undefined;
  pop(): T | undefined;
  /** every waiting task, in no particular order (for snapshots) */
  forEach(fn: (task: T) => void): void;
}

/**
 * FIFO as a ring buffer: O(1) push and pop, since keys arrive in order. The
 * capacity is a power of two, so a position wraps with a mask (an integer
 * division, `%`, costs tens of cycles on the engine's hot path).
 */
export class FifoQueue<T extends Queued> implements TaskQueue<T> {
  private items: (T | undefined)[] = new Array(16).fill(undefined);
  private mask = 15;
  private head = 0;
  private n = 0;
  get size(): number {
    return this.n;
  }
  push(task: T): void {
    if (this.n === this.items.length) this.grow();
    this.items[(this.head + this.n) & this.mask] = task;
    this.n++;
  }
  peek(): T | undefined {
    return this.n ? this.items[this.head] : undefined;
  }
  pop(): T | undefined {
    if (!this.n) return undefined;
    const t = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.n--;
    return t;
  }
  forEach(fn: (task: T) => void): void {
    for (let i = 0; i < this.n; i++) fn(this.items[(this.head + i) & this.mask]!);
  }
  private grow(): void {
    const bigger: (T | undefined)[] = new Array(this.items.length * 2).fill(undefined);
    for (let i = 0; i < this.n; i++) bigger[i] = this.items[(this.head + i) & this.mask];
    this.items = bigger;
    this.mask = bigger.length - 1;
    this.head = 0;
  }
}

/** Any other discipline: a binary heap on (key, seq). */
export class KeyedQueue<T extends Queued> implements TaskQueue<T> {
  private heap: T[] = [];
  get size(): number {
    return this.heap.length;
  }
  push(task: T): void {
    const h = this.heap;
    let i = h.length;
    h.push(task);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p], task)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = task;
  }
  peek(): T | undefined {
    return this.heap[0];
  }
  pop(): T | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && before(h[c + 1], h[c])) c++;
        if (before(last, h[c])) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
  forEach(fn: (task: T) => void): void {
    this.heap.forEach(fn);
  }
}

function before(a: Queued, b: Queued): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}
