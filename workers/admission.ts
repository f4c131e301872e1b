/**
 * Back-pressure at intake: a cap on the cases in flight. Past the server's
 * throughput, starting every arrival at once only makes every case slower
 * (Temporal's queues grow, signals and workflow tasks wait, some time out and
 * are retried) and fewer complete per second; held at the cap, the arrivals
 * wait in Kafka instead (their start lag grows, and is reported as the
 * `start` hand-off) while the cases in flight finish at the server's pace.
 *
 * ```ts
 * const gate = new AdmissionGate({ maxOpen: 32, completed: () => tally.cases.size }, () => stats.started);
 * const n = await gate.admit(32, heartbeat, () => isRunning());   // how many may start now
 * ```
 */

export interface Admission {
  maxOpen: number;
  /** cases of this run completed so far (open = started − completed) */
  completed: () => number;
}

export class AdmissionGate {
  /** wall ms spent waiting for room, over every caller */
  heldMs = 0;

  constructor(
    private readonly admission: Admission,
    private readonly started: () => number,
    private readonly pollMs = 50,
  ) {}

  get open(): number {
    return this.started() - this.admission.completed();
  }

  /**
   * Waits until fewer than `maxOpen` cases are open (calling `whileWaiting`, e.g. a consumer heartbeat,
   * at each poll) or `going()` turns false; returns how many of `want` may start now (at least 1).
   */
  async admit(want: number, whileWaiting: () => Promise<void> = async () => undefined, going: () => boolean = () => true): Promise<number> {
    const t0 = Date.now();
    while (this.open >= this.admission.maxOpen && going()) {
      await new Promise((r) => setTimeout(r, this.pollMs));
      await whileWaiting();
    }
    this.heldMs += Date.now() - t0;
    return Math.max(1, Math.min(want, this.admission.maxOpen - this.open));
  }
}
