/**
 * The live runtime's lag, as the allocator sees it: for each event, the wall
 * time from its simulated moment (`wallAt(clock, at)`) to its arrival at the
 * allocator. Kept for a sliding window of wall time, so the progress line and
 * the metrics show the lag of now, not of the whole run.
 *
 * ```ts
 * const lag = new LagWindow();
 * lag.add(240, Date.now());           // an event arrived 240 ms after its simulated moment
 * lag.summary(Date.now());            // { p50Ms, p99Ms, maxMs, count } over the last minute
 * ```
 */
export interface LagSummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  count: number;
}

export class LagWindow {
  private wall: number[] = [];
  private lagMs: number[] = [];

  constructor(private readonly windowMs = 60_000) {}

  add(lagMs: number, wallMs: number): void {
    this.wall.push(wallMs);
    this.lagMs.push(lagMs);
    if (this.wall.length > 4096 && this.wall[0] < wallMs - this.windowMs) this.trim(wallMs);
  }

  /** Quantiles of the window ending at `nowMs` (NaN when empty). */
  summary(nowMs: number): LagSummary {
    this.trim(nowMs);
    const xs = [...this.lagMs].sort((a, b) => a - b);
    const q = (p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN);
    return { p50Ms: q(0.5), p99Ms: q(0.99), maxMs: xs.length ? xs[xs.length - 1] : NaN, count: xs.length };
  }

  /** The largest lag of the last `recentMs` (0 when none). */
  max(nowMs: number, recentMs = 1000): number {
    let m = 0;
    for (let i = this.wall.length - 1; i >= 0 && this.wall[i] >= nowMs - recentMs; i--) m = Math.max(m, this.lagMs[i]);
    return m;
  }

  private trim(nowMs: number): void {
    let n = 0;
    while (n < this.wall.length && this.wall[n] < nowMs - this.windowMs) n++;
    if (n) {
      this.wall = this.wall.slice(n);
      this.lagMs = this.lagMs.slice(n);
    }
  }
}
