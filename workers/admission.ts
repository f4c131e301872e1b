/**
 * Back-pressure at intake: a cap on the cases in flight. Past the server's
 * throughput, starting every arrival at once only makes every case slower
 * (Temporal's queues grow, signals and workflow tasks wait, some time out and
 * are retried) and fewer complete per second; held at the cap, the arrivals
 * wait in Kafka instead (their start lag grows, and is reported as the
 * `start` hand-off) while the cases in flight finish at the server's pace.
 *
 * Open cases are the ones this intake started (or found started: a
 * redelivery) that the collector has not yet seen close, counted by id: a
 * restarted intake, whose collector reads every completion of the run again,
 * does not count the completions of cases it never started as room.
 *
 * ```ts
 * const gate = new AdmissionGate({ maxOpen: 32, closed: (id) => tally.closed(id) });
 * const n = await gate.admit(32, heartbeat, () => isRunning());   // how many may start now
 * gate.started(caseId);                                            // after each start
 * gate.release(n);                                                 // once the n starts are done
 * ```
 */

export interface Admission {
  maxOpen: number;
  /** whether the case has completed (or ended otherwise), as the collector sees it */
  closed: (caseId: string) => boolean;
}

export class AdmissionGate {
  /** wall ms spent waiting for room, over every caller */
  heldMs = 0;
  /** cases started here and not yet seen closed (pruned on each look) */
  private readonly started_ = new Set<string>();

  constructor(
    private readonly admission: Admission,
    private readonly pollMs = 50,
  ) {}

  /** Counts a case as open until the collector sees it close. */
  started(caseId: string): void {
    if (!this.admission.closed(caseId)) this.started_.add(caseId);
  }

  /** room handed out by `admit` and not yet given back by `release`: starts in flight on every partition */
  private reserved = 0;

  /** Cases open, counting the room handed out for starts still in flight (a start in flight may count twice: the cap errs on the safe side). */
  get open(): number {
    for (const id of this.started_) if (this.admission.closed(id)) this.started_.delete(id);
    return this.started_.size + this.reserved;
  }

  /**
   * Waits until fewer than `maxOpen` cases are open (calling `whileWaiting`, e.g. a consumer heartbeat,
   * at each poll) or `going()` turns false; returns how many of `want` may start now (at least 1), and
   * holds that room until `release` (several partitions admit at once: each sees the others' room taken).
   */
  async admit(want: number, whileWaiting: () => Promise<void> = async () => undefined, going: () => boolean = () => true): Promise<number> {
    const t0 = Date.now();
    while (this.open >= this.admission.maxOpen && going()) {
      await new Promise((r) => setTimeout(r, this.pollMs));
      await whileWaiting();
    }
    this.heldMs += Date.now() - t0;
    const n = Math.max(1, Math.min(want, this.admission.maxOpen - this.open));
    this.reserved += n;
    return n;
  }

  /** Gives back the room `admit` handed out, once those starts are done (the cases started are counted by `started`). */
  release(n: number): void {
    this.reserved -= n;
  }
}
