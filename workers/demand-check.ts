/**
 * The trust boundary of intake: a demand event starts a case only if it is
 * one of this run's seeded arrivals, published no earlier than its time. The
 * demand of a run is a pure function of the scenario and its seed
 * (simulator/demand.ts, replayed here through the producer's own timeline), so
 * every field of a genuine event can be checked, not only its shape:
 *
 * - `runId` is the run's, and `process` one of the scenario's;
 * - `id` is `<runId>.<process>.<caseNo>` (one case per arrival: a second id
 *   for the same arrival cannot exist, and Temporal rejects a second start of an id);
 * - `seed` and `clock` are the run's (the clock is given, or learned from the
 *   first event that passes every other check);
 * - `caseNo` is an arrival of that process before the horizon, and `at` is
 *   exactly its seeded arrival time;
 * - `at` is not ahead of the run's clock by more than `aheadMs` of wall time
 *   (clock skew between machines plus the producer's batching).
 *
 * Anything else throws InvalidEventError with the reason: intake dead-letters
 * it and the collector does not count it. Pure: the caller passes the wall time.
 *
 * ```ts
 * const check = new DemandCheck({ scenario, runId, clock });
 * check.check(parseDemandEvent(message.value), Date.now());   // throws InvalidEventError
 * ```
 */
import type { Scenario } from '../model/scenario.js';
import { replicationSeed } from '../simulator/random.js';
import { simNow, type Clock } from '../protocol/clock.js';
import { InvalidEventError, type DemandEvent } from '../protocol/topics.js';
import { demandTimeline } from './producer.js';

export interface DemandCheckOptions {
  scenario: Scenario;
  runId: string;
  /** the run's clock; absent: learned from the first event that passes every other check */
  clock?: Clock;
  /** wall ms an event may be ahead of the run's clock @default 5000 */
  aheadMs?: number;
}

export class DemandCheck {
  private clockOfRun: Clock | undefined;
  private readonly seed: number;
  private readonly aheadMs: number;
  /** per process index, the seeded arrival times generated so far, in case number order */
  private readonly arrivals: number[][];
  private readonly timeline: Generator<{ demand?: DemandEvent }>;
  private exhausted = false;

  constructor(private readonly options: DemandCheckOptions) {
    this.clockOfRun = options.clock;
    this.seed = replicationSeed(options.scenario.seed, 0);
    this.aheadMs = options.aheadMs ?? 5000;
    this.arrivals = options.scenario.processes.map(() => []);
    // the producer's own sequence; its clock only stamps the events, which are not kept
    this.timeline = demandTimeline(options.scenario, options.runId, { startWallMs: 0, speed: 1 });
  }

  /** The run's clock once known. */
  get clock(): Clock | undefined {
    return this.clockOfRun;
  }

  /** Throws InvalidEventError (naming the field) unless `ev` is one of the run's arrivals, on time. */
  check(ev: DemandEvent, wallNowMs: number): void {
    const { scenario, runId } = this.options;
    if (ev.runId !== runId) throw new InvalidEventError(`runId: expected '${runId}', got '${ev.runId}'`);
    const proc = scenario.processes.find((p) => p.id === ev.process);
    if (!proc) throw new InvalidEventError(`process: unknown process '${ev.process}' (expected one of: ${scenario.processes.map((p) => p.id).join(', ')})`);
    const id = `${runId}.${proc.id}.${ev.caseNo}`;
    if (ev.id !== id) throw new InvalidEventError(`id: expected '${id}' (<runId>.<process>.<caseNo>), got '${ev.id}'`);
    if (ev.seed !== this.seed) throw new InvalidEventError(`seed: expected the run's seed ${this.seed}, got ${ev.seed}`);
    const arrival = this.arrivalOf(proc.index, ev.caseNo);
    if (arrival === undefined) {
      throw new InvalidEventError(
        `caseNo: process '${proc.id}' has ${this.arrivals[proc.index].length} arrivals up to the horizon (case numbers from 0), got ${ev.caseNo}`,
      );
    }
    if (ev.at !== arrival)
      throw new InvalidEventError(`at: case ${ev.caseNo} of '${proc.id}' arrives at simulated ${arrival} s in this run's demand, got ${ev.at}`);
    const clock = this.clockOfRun ?? ev.clock;
    if (ev.clock.startWallMs !== clock.startWallMs || ev.clock.speed !== clock.speed) {
      throw new InvalidEventError(`clock: expected the run's clock ${JSON.stringify(clock)}, got ${JSON.stringify(ev.clock)}`);
    }
    const lead = ev.at - simNow(clock, wallNowMs);
    if ((lead * 1000) / clock.speed > this.aheadMs) {
      throw new InvalidEventError(
        `at: simulated ${ev.at} s is ${Math.round(lead)} simulated s ahead of the run's clock (at most ${this.aheadMs} wall ms allowed)`,
      );
    }
    this.clockOfRun = clock;
  }

  /** The seeded arrival time of case `caseNo` of a process, or undefined if it has fewer arrivals up to the horizon. */
  private arrivalOf(process: number, caseNo: number): number | undefined {
    const list = this.arrivals[process];
    while (list.length <= caseNo && !this.exhausted) {
      const next = this.timeline.next();
      if (next.done) {
        this.exhausted = true;
        break;
      }
      const d = next.value.demand;
      if (d) this.arrivals[this.options.scenario.processes.findIndex((p) => p.id === d.process)].push(d.at);
    }
    return list[caseNo];
  }
}
