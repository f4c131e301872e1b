/**
 * Time-weighted integrals of piecewise-constant quantities (backlog, busy
 * units, units on duty): each slot keeps its value, the time of its last change
 * and the integral so far. Updating costs one multiply-add.
 */
export class TimeWeighted {
  readonly value: Float64Array;
  readonly integral: Float64Array;
  private readonly since: Float64Array;

  constructor(readonly size: number) {
    this.value = new Float64Array(size);
    this.integral = new Float64Array(size);
    this.since = new Float64Array(size);
  }

  /** Adds `delta` to slot i at time `now`. */
  add(i: number, delta: number, now: number): void {
    this.integral[i] += this.value[i] * (now - this.since[i]);
    this.since[i] = now;
    this.value[i] += delta;
  }

  set(i: number, value: number, now: number): void {
    this.add(i, value - this.value[i], now);
  }

  /** Brings every integral up to `now`. */
  flush(now: number): void {
    for (let i = 0; i < this.size; i++) this.add(i, 0, now);
  }

  /** Forgets the past (end of warm-up) but keeps the current values. */
  reset(now: number): void {
    this.integral.fill(0);
    this.since.fill(now);
  }
}
