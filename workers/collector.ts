/**
 * The live result: reads the run's demand, task and case events from Kafka
 * (duplicates dropped by id) into a LiveTally (simulator/live-tally.ts), which
 * turns them into the same result document as `autoshift run --json`, with
 * `runtime: "live"`; and counts the outcome metrics.
 */
import type { Kafka, Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Scenario } from '../model/scenario.js';
import type { Metrics } from '../metrics/registry.js';
import { keepConsuming } from './kafka.js';
import { LiveTally } from '../simulator/live-tally.js';
import { EventType, parseDemandEvent, parseEvent, topicNames, type AnyEvent } from '../protocol/topics.js';
import type { Clock } from '../protocol/clock.js';
import { DemandCheck } from './demand-check.js';

export interface CollectorOptions {
  scenario: Scenario;
  kafka: Kafka;
  runId: string;
  logger: Logger;
  metrics?: Metrics;
  /** unique consumer group suffix (default: time-based) */
  instance?: string;
  /** the run's clock; absent: learned from the first valid demand event (workers/demand-check.ts) */
  clock?: Clock;
}

export interface CollectorService {
  readonly tally: LiveTally;
  /** the run's clock: the one given, or learned from the first trusted demand event (undefined until then) */
  clock(): Clock | undefined;
  stop(): Promise<void>;
}

export interface CollectorRetention {
  /** keep every record for the result document (default); false: counts, recent ids and the time series built item by item */
  retain?: boolean;
}

/** Follows the run's demand, tasks and cases topics into a LiveTally (and the outcome metrics). */
export async function startCollector(options: CollectorOptions & CollectorRetention): Promise<CollectorService> {
  const { scenario, kafka, runId, metrics } = options;
  const log = options.logger.child({ component: 'collector' });
  const topics = topicNames(runId);
  const tally = new LiveTally(scenario, { retain: options.retain });
  // an arrival counts only if intake would start it: the same trust check (a dead letter is not an arrival)
  const trusted = new DemandCheck({ scenario, runId, clock: options.clock });
  const consumer: Consumer = kafka.consumer({
    groupId: `autoshift.${runId}.collector.${options.instance ?? Date.now().toString(36)}`,
    maxWaitTimeInMs: 50,
    sessionTimeout: 15_000,
    heartbeatInterval: 1000,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.demand, topics.tasks, topics.cases], fromBeginning: true });
  await keepConsuming(consumer, kafka, log, 'collector consumer', {
    autoCommit: true,
    eachMessage: async ({ message }) => {
      let ev: AnyEvent;
      try {
        ev = parseEvent(message.value);
        if (ev.type === EventType.demand) trusted.check(parseDemandEvent(message.value), Date.now());
      } catch {
        return;
      } // intake dead-letters what does not pass
      const fresh = tally.add(ev);
      if (metrics && fresh) {
        if (ev.type === EventType.caseCompleted && ev.outcome) metrics.unserved.inc({ process: ev.process, outcome: `case-${ev.outcome}` });
        else if (ev.type === EventType.caseCompleted) {
          metrics.casesCompleted.inc({ process: ev.process });
          metrics.cycle.observe({ process: ev.process }, ev.end - ev.arrival);
          if (ev.slaMet) metrics.casesWithinSla.inc({ process: ev.process });
        } else if (ev.type === EventType.slaBreached) metrics.slaBreaches.inc({ process: ev.process });
        else if (ev.type === EventType.taskAbandoned || ev.type === EventType.taskBlocked) {
          metrics.unserved.inc({ process: ev.process, outcome: ev.type === EventType.taskAbandoned ? 'abandoned' : 'blocked' });
        } else if (ev.type === EventType.taskDone || ev.type === EventType.taskFailed) {
          metrics.tasksDone.inc({ pool: ev.pool, outcome: ev.type === EventType.taskDone ? 'done' : 'failed' });
          if (ev.type === EventType.taskFailed) metrics.escalations.inc({ pool: ev.pool, reason: ev.failure ?? 'bot-failure' });
        }
      }
    },
  });
  return {
    tally,
    clock: () => trusted.clock,
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      log.info({ events: tally.events, ...tally.counts() }, 'collector stopped');
    },
  };
}
