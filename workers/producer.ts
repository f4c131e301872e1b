/**
 * The demand producer: the scenario's seeded arrivals (the same generator as
 * `sim`, simulator/demand.ts) and its disruption edges, published at scaled
 * wall-clock time (`speed` simulated seconds per wall second). Demand events
 * are keyed by process id (order per process); the producer is idempotent and
 * retries through a broker restart, so no event is lost. Event ids are
 * deterministic (`<runId>.<process>.<caseNo>`): a second producer of the same
 * run publishes the same ids, and intake starts each case once.
 *
 * ```ts
 * const clock = { startWallMs: Date.now() + 500, speed: 3600 };
 * const result = await runProducer({ scenario, kafka, runId, clock, logger }, abort.signal);
 * ```
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Scenario } from '../model/scenario.js';
import type { Metrics } from '../metrics/registry.js';
import { createArrivalStream } from '../simulator/demand.js';
import { replicationSeed } from '../simulator/random.js';
import { ReliableProducer, ensureTopics } from './kafka.js';
import { encodeEvent, topicNames, type DemandEvent, type DisruptionEvent } from '../protocol/topics.js';
import { wallAt, type Clock } from '../protocol/clock.js';

export interface ProducerOptions {
  scenario: Scenario;
  kafka: Kafka;
  runId: string;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** stop publishing arrivals past this simulated time (default: the scenario's horizon; none with `cases`) */
  horizon?: number;
  /** wall ms of the largest batch window: events due within it go in one send (default 5) */
  batchMs?: number;
}

export interface ProducerResult {
  /** demand events per process id */
  published: Record<string, number>;
  disruptions: number;
  /** the last simulated time published */
  until: number;
}

type Timed = { at: number; demand?: DemandEvent; disruption?: DisruptionEvent };

/**
 * Every event of the run in time order (ties: demand streams in scenario order, then disruptions).
 * Arrivals stop at the horizon, or with `cases: N` after the N-th arrival after the warm-up
 * (the engine's rule, simulator/engine.ts). A disruption still on at the horizon ends there, the
 * run being over; in a draining run (`drain`, `cases`) the world goes on as the scenario says.
 */
export function* demandTimeline(
  scenario: Scenario,
  runId: string,
  clock: Clock,
  horizon = scenario.cases !== undefined ? Infinity : scenario.horizon,
): Generator<Timed> {
  const seed = replicationSeed(scenario.seed, 0);
  const streams = scenario.demand.map((d) => createArrivalStream(d, scenario, seed));
  const heads = streams.map((s) => s.next());
  const caseNo = scenario.processes.map(() => 0);
  const worldUntil = scenario.drain ? Infinity : horizon;
  const edges: DisruptionEvent[] = scenario.disruptions
    .filter((d) => d.start <= worldUntil)
    .flatMap((d) => [
      {
        v: 1 as const,
        type: 'disruption.begins' as const,
        id: `${runId}.disruption.${d.index}.begins`,
        runId,
        index: d.index,
        label: d.label,
        at: d.start,
        clock,
      },
      {
        v: 1 as const,
        type: 'disruption.ends' as const,
        id: `${runId}.disruption.${d.index}.ends`,
        runId,
        index: d.index,
        label: d.label,
        at: Math.min(d.end, worldUntil),
        clock,
      },
    ])
    .sort((a, b) => a.at - b.at || a.index - b.index);
  let e = 0;
  let counted = 0;
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) if (heads[i] <= horizon && heads[i] < Infinity && (best < 0 || heads[i] < heads[best])) best = i;
    const nextEdge = e < edges.length ? edges[e].at : Infinity;
    if (best < 0 && nextEdge === Infinity) return;
    if (best >= 0 && heads[best] <= nextEdge) {
      const proc = scenario.processes[streams[best].process];
      const no = caseNo[proc.index]++;
      yield {
        at: heads[best],
        demand: { v: 1, type: 'demand', id: `${runId}.${proc.id}.${no}`, runId, process: proc.id, caseNo: no, at: heads[best], seed, clock },
      };
      if (scenario.cases !== undefined && heads[best] >= scenario.warmup && ++counted >= scenario.cases) heads.fill(Infinity);
      else heads[best] = streams[best].next();
    } else {
      yield { at: nextEdge, disruption: edges[e++] };
    }
  }
}

export async function runProducer(options: ProducerOptions, signal?: AbortSignal): Promise<ProducerResult> {
  const { scenario, kafka, runId, clock, metrics } = options;
  const log = options.logger.child({ component: 'producer' });
  const topics = topicNames(runId);
  await ensureTopics(kafka, runId);
  const producer = new ReliableProducer(kafka, log);
  await producer.connect();
  const result: ProducerResult = { published: Object.fromEntries(scenario.processes.map((p) => [p.id, 0])), disruptions: 0, until: 0 };
  const batchMs = options.batchMs ?? 5;
  const timeline = demandTimeline(scenario, runId, clock, options.horizon);
  let next = timeline.next();
  try {
    while (!next.done && !signal?.aborted) {
      const due = wallAt(clock, next.value.at);
      const wait = due - Date.now();
      if (wait > 0) await sleep(Math.min(wait, 1000), signal);
      if (signal?.aborted) break;
      if (wallAt(clock, next.value.at) > Date.now() + batchMs) continue;
      const demand: DemandEvent[] = [];
      const edges: DisruptionEvent[] = [];
      while (!next.done && wallAt(clock, next.value.at) <= Date.now() + batchMs) {
        if (next.value.demand) demand.push(next.value.demand);
        if (next.value.disruption) edges.push(next.value.disruption);
        result.until = next.value.at;
        next = timeline.next();
      }
      if (demand.length) {
        await producer.send(
          topics.demand,
          demand.map((d) => ({ key: d.process, value: encodeEvent(d) })),
        );
        for (const d of demand) {
          result.published[d.process]++;
          metrics?.demandPublished.inc({ process: d.process });
        }
      }
      if (edges.length) {
        await producer.send(
          topics.disruptions,
          edges.map((d) => ({ key: String(d.index), value: encodeEvent(d) })),
        );
        result.disruptions += edges.length;
        metrics?.disruptionsPublished.inc(edges.length);
      }
    }
  } finally {
    await producer.stop();
  }
  log.info({ published: result.published, disruptions: result.disruptions }, 'producer done');
  return result;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
