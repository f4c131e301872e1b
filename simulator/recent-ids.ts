/**
 * The last `capacity` distinct ids seen, oldest forgotten first: how a
 * long-running consumer drops redelivered events (Kafka redelivers from the
 * last committed offset, seconds back) without a set that grows with the run.
 *
 * ```ts
 * const seen = new RecentIds(100_000);
 * if (seen.add(ev.caseId)) count(ev);   // false: seen recently, a duplicate
 * ```
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`RecentIds: capacity must be >= 1, got ${capacity}`);
  }

  /** Remembers `id`; false if it was already remembered. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    // a Set iterates in insertion order: the first is the oldest
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
