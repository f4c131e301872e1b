/**
 * Intake: a Kafka consumer group that starts one case workflow per demand
 * event, with the event id as workflow id. Kafka delivers at least once and
 * Temporal rejects a second start of the same id (`REJECT_DUPLICATE`, even
 * after the case closed), which counts as success: each case exists exactly
 * once. Offsets are committed only after the starts of a batch succeeded. A
 * message that cannot be parsed, or that is not one of the run's seeded
 * arrivals on time (workers/demand-check.ts: the trust boundary), goes to the
 * dead-letter topic with its reason, and intake goes on.
 *
 * ```ts
 * const intake = await startIntake({ scenario, kafka, client, runId, taskQueue, logger });
 * await intake.stop();
 * ```
 */
import type { Kafka } from 'kafkajs';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Scenario } from '../model/scenario.js';
import type { Metrics } from '../metrics/registry.js';
import { caseWorkflow } from '../workflows/index.js';
import { ReliableProducer, ensureTopics, keepConsuming } from './kafka.js';
import { TIMINGS_KEPT } from './timings.js';
import { deadLetterOf, encodeEvent, parseDemandEvent, topicNames } from '../protocol/topics.js';
import { caseInputOf, type CaseInput } from '../protocol/case-input.js';
import { isInvalidEventError } from '../model/errors.js';
import { wallAt, type Clock } from '../protocol/clock.js';
import { DemandCheck } from './demand-check.js';
import { AdmissionGate, type Admission } from './admission.js';

export interface IntakeOptions {
  scenario: Scenario;
  kafka: Kafka;
  client: Client;
  runId: string;
  taskQueue: string;
  logger: Logger;
  metrics?: Metrics;
  /** workflow starts in flight per batch (default 32) */
  concurrency?: number;
  /** passed to each case (see CaseInput) */
  reportStarted?: boolean;
  maxHistory?: number;
  /** the run's clock; absent: learned from the first valid demand event (workers/demand-check.ts) */
  clock?: Clock;
  /** back-pressure (workers/admission.ts; absent: none): no new case starts while `maxOpen` or more are open */
  admission?: Admission;
}

export interface IntakeService {
  /** workflows started, and deliveries whose workflow existed already */
  readonly started: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  /** wall ms of each successful start, the first TIMINGS_KEPT (for the benchmark) */
  readonly startMs: number[];
  /** wall ms that demand waited for admission (`admission`), summed over the partitions */
  readonly heldMs: number;
  stop(): Promise<void>;
}

export async function startIntake(options: IntakeOptions): Promise<IntakeService> {
  const { scenario, kafka, client, runId, taskQueue, metrics } = options;
  const log = options.logger.child({ component: 'intake' });
  const topics = topicNames(runId);
  await ensureTopics(kafka, runId);
  const dlq = new ReliableProducer(kafka, log);
  await dlq.connect();
  const stats = { started: 0, duplicates: 0, deadLettered: 0 };
  const gate = options.admission ? new AdmissionGate(options.admission) : null;
  let lastHoldLog = 0;
  /** Waits (heartbeating) until a case may start; returns how many may start now (at most `want`). */
  const admit = (want: number, heartbeat: () => Promise<void>, going: () => boolean): Promise<number> | number => {
    if (!gate) return want;
    if (gate.open >= options.admission!.maxOpen && Date.now() - lastHoldLog > 10_000) {
      lastHoldLog = Date.now();
      log.info({ open: gate.open, maxOpen: options.admission!.maxOpen }, 'cases in flight at the cap: new cases wait in Kafka');
    }
    return gate.admit(want, heartbeat, going);
  };
  const startMs: number[] = [];
  const concurrency = options.concurrency ?? 32;
  // the trust boundary: only the run's own seeded arrivals, on time, start a case
  const trusted = new DemandCheck({ scenario, runId, clock: options.clock });

  const handle = async (m: { offset: string; key: Buffer | null; value: Buffer | null }, partition: number) => {
    let input: CaseInput;
    try {
      const ev = parseDemandEvent(m.value);
      trusted.check(ev, Date.now());
      input = caseInputOf(ev, scenario, runId, { reportStarted: options.reportStarted, maxHistory: options.maxHistory });
    } catch (err) {
      if (!isInvalidEventError(err)) throw err;
      const ev = deadLetterOf({ topic: topics.demand, partition, offset: m.offset }, m, (err as Error).message, Date.now());
      await dlq.send(topics.deadLetters, [{ key: ev.key, value: encodeEvent(ev) }]);
      stats.deadLettered++;
      metrics?.deadLetters.inc({ topic: 'demand' });
      log.warn({ offset: m.offset, partition, reason: ev.reason }, 'dead-lettered a demand message');
      return;
    }
    const t0 = Date.now();
    try {
      await client.workflow.start(caseWorkflow, {
        taskQueue,
        workflowId: input.caseId,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      stats.started++;
      gate?.started(input.caseId);
      if (startMs.length < TIMINGS_KEPT) startMs.push(Date.now() - t0);
      metrics?.casesStarted.inc({ process: input.process.id });
      metrics?.workflowStart.observe((Date.now() - t0) / 1000);
      if (trusted.clock) metrics?.handoff.observe({ stage: 'start' }, Math.max(0, Date.now() - wallAt(trusted.clock, input.arrival)) / 1000);
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError || (err as Error).name === 'WorkflowExecutionAlreadyStartedError') {
        stats.duplicates++;
        // started by an earlier delivery (or an intake before a restart): open until the collector sees it close
        gate?.started(input.caseId);
        metrics?.duplicateDeliveries.inc();
        return;
      }
      throw err;
    }
  };

  const consumer = kafka.consumer({ groupId: `autoshift.${runId}.intake`, sessionTimeout: 15_000, heartbeatInterval: 1000, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.demand, fromBeginning: true });
  await keepConsuming(consumer, kafka, log, 'intake consumer', {
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      const msgs = batch.messages;
      for (let i = 0; i < msgs.length && isRunning() && !isStale();) {
        const room = await admit(Math.min(concurrency, msgs.length - i), heartbeat, () => isRunning() && !isStale());
        const chunk = msgs.slice(i, i + room);
        i += chunk.length;
        try {
          if (!isRunning() || isStale()) break;
          // a failed start throws: the batch is delivered again from the last commit, and starts again (duplicates are fine)
          await Promise.all(chunk.map((m) => handle(m, batch.partition)));
        } finally {
          // the cases started are counted one by one now (AdmissionGate.started): the room held for them goes back
          gate?.release(room);
        }
        const last = chunk[chunk.length - 1].offset;
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
        resolveOffset(last);
        await heartbeat();
      }
    },
  });

  return {
    get started() {
      return stats.started;
    },
    get duplicates() {
      return stats.duplicates;
    },
    get deadLettered() {
      return stats.deadLettered;
    },
    get heldMs() {
      return gate?.heldMs ?? 0;
    },
    startMs,
    async stop() {
      // a dead letter waiting to be retried fails now, so the batch ends and the consumer can leave
      dlq.halt();
      await consumer.disconnect().catch(() => undefined);
      await dlq.stop();
      log.info(stats, 'intake stopped');
    },
  };
}
