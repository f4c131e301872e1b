/**
 * Wires the live runtime's services (Temporal worker, intake, allocator,
 * collector, producer) against given servers. `autoshift live` runs them
 * all in one process; each `start*` is also usable alone (several machines).
 * Everything comes in through `LiveRunOptions`: nothing here reads the
 * environment.
 *
 * ```ts
 * const run = await startLiveRun({ scenario, policy, brokers: ['127.0.0.1:9092'], temporalAddress: '127.0.0.1:7233', runId, speed: 3600, logger });
 * await run.horizonReached;
 * const doc = run.collector!.tally.document(policy.name);
 * await run.stop();
 * ```
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Scenario } from '../model/scenario.js';
import type { Policy } from '../allocation/policy.js';
import { createMetrics, serveMetrics, type Metrics } from '../metrics/registry.js';
import { runLabels } from '../metrics/run-labels.js';
import { startResilienceFeed } from './resilience-feed.js';
import { createActivities } from './activities.js';
import { createBotActivities } from './bot-activities.js';
import type { BotActivities } from '../protocol/bot-work.js';
import { DEFAULT_SETTLE_MS, startAllocator, type AllocatorService } from './allocator.js';
import { startAllocatorLease, type AllocatorLease } from './allocator-lease.js';
import { startCollector, type CollectorService } from './collector.js';
import { startIntake, type IntakeService } from './intake.js';
import { ReliableProducer, createKafka, ensureTopics } from './kafka.js';
import type { KafkaCredentials } from './kafka-credentials.js';
import { runProducer, type ProducerResult } from './producer.js';
import { createCaseWorker, installTemporalRuntime } from './temporal-worker.js';
import { topicNames } from '../protocol/topics.js';
import { simNow, wallAt, type Clock } from '../protocol/clock.js';
import { terminateRunning } from './run-workflows.js';

export type ServiceName = 'worker' | 'intake' | 'allocator' | 'collector' | 'producer';

export interface LiveRunOptions {
  scenario: Scenario;
  policy: Policy;
  brokers: string[];
  /** SASL login on an authenticated broker; absent = PLAINTEXT */
  sasl?: KafkaCredentials;
  temporalAddress: string;
  /** @default 'default' */
  namespace?: string;
  runId: string;
  /** simulated seconds per wall second */
  speed: number;
  logger: Logger;
  /** services to run here @default all five */
  services?: ServiceName[];
  /** the run's clock; absent = simulated time 0 is `startDelayMs` after setup; null = the allocator, intake and collector learn it from the first event */
  clock?: Clock | null;
  /** @default 1500 */
  startDelayMs?: number;
  /** port of /metrics; null = none @default null */
  metricsPort?: number | null;
  registry?: Registry;
  /** task queue @default `autoshift-<runId>` */
  taskQueue?: string;
  reportStarted?: boolean;
  maxHistory?: number;
  /** the collector keeps every record for the result document (default); false: counts only, memory flat */
  retainOutcomes?: boolean;
  /** the bots' work, done by the worker (default: simulated bots, workers/bot-activities.ts); where a real robot plugs in */
  bots?: BotActivities;
  /** allocator instance id (grant id prefix) */
  instance?: string;
  /**
   * back-pressure: at most this many cases in flight (started by this intake, not yet completed); further
   * arrivals wait in Kafka. Needs intake and the collector in this process (the collector sees the
   * completions; `autoshift intake --max-open-cases` runs one beside its intake). @default none
   */
  maxOpenCases?: number;
  /**
   * the collector counts the outcome metrics and feeds the resilience gauges; false where another process
   * exports them (the collector of `autoshift intake --max-open-cases` only feeds the cap) @default true
   */
  outcomeMetrics?: boolean;
  /** run the allocator under the lease (one active, others standby; grants fenced by transaction) @default false */
  lease?: boolean;
  /**
   * the allocator holds its decisions for the first request of every seeded arrival (its decision barrier);
   * false where an intake caps the cases in flight, since a held arrival would hold every later decision
   * @default !maxOpenCases
   */
  expectArrivals?: boolean;
}

export interface LiveRun {
  readonly clock: Clock;
  readonly kafka: Kafka;
  readonly client: Client;
  readonly metrics: Metrics;
  readonly taskQueue: string;
  readonly worker?: Worker;
  readonly intake?: IntakeService;
  readonly allocator?: AllocatorService;
  /** with `lease`: the allocator's lease (its `service` while active) */
  readonly lease?: AllocatorLease;
  readonly collector?: CollectorService;
  /** resolves with the producer's counts once it published everything up to the horizon */
  readonly produced?: Promise<ProducerResult>;
  /** resolves when the events of the run's last simulated moments are in: the horizon's wall instant plus the settle time and the measured hand-off */
  readonly horizonReached: Promise<void>;
  /** one line of progress for stderr */
  summaryLine(): string;
  /**
   * Stops every service within seconds, whatever the servers do (a step that takes longer is left
   * behind with a warning). With `terminate`, the run's case workflows still Running are terminated
   * with that reason once intake has stopped (no run leaves Running workflows without a worker).
   */
  stop(options?: StopOptions): Promise<StopResult>;
}

export interface StopOptions {
  /** terminate the run's Running case workflows with this reason */
  terminate?: string;
}

export interface StopResult {
  /** case workflows terminated */
  terminated: number;
}

/** Wall ms each stage of `stop` may take before the run goes on without it. */
const STOP_STAGE_MS = 4000;

export async function startLiveRun(options: LiveRunOptions): Promise<LiveRun> {
  const { scenario, policy, runId, logger } = options;
  const services = new Set(options.services ?? ['worker', 'intake', 'allocator', 'collector', 'producer']);
  const registry = options.registry ?? new Registry();
  // every series says which run it is (source="live", run, scenario, policy): the dashboards' run variable
  const metrics = createMetrics(registry, runLabels('live', scenario, runId, policy.name));
  const taskQueue = options.taskQueue ?? `autoshift-${runId}`;
  const namespace = options.namespace ?? 'default';
  const kafka = createKafka({ brokers: options.brokers, clientId: `autoshift-${runId}`, logger, sasl: options.sasl });
  await ensureTopics(kafka, runId);
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace });
  const stops: Partial<Record<ServiceName | 'metrics', () => Promise<void>>> = {};
  const server = options.metricsPort != null ? await serveMetrics(registry, options.metricsPort) : null;
  if (server) stops.metrics = () => new Promise<void>((r) => server.close(() => r()));

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  if (services.has('worker')) {
    installTemporalRuntime(logger);
    const native = await NativeConnection.connect({ address: options.temporalAddress });
    const producer = new ReliableProducer(kafka, logger.child({ component: 'activities' }));
    await producer.connect();
    worker = await createCaseWorker({
      connection: native,
      namespace,
      taskQueue,
      activities: { ...createActivities({ producer, topics: topicNames(runId), logger, metrics }), ...(options.bots ?? createBotActivities({ logger })) },
    });
    workerRun = worker.run();
    stops.worker = async () => {
      worker!.shutdown();
      // past its force time the worker gives up on activities still blocked (a Kafka send): they are retried by the next worker
      await workerRun!.catch((err: Error) =>
        logger[err.name === 'GracefulShutdownPeriodExpiredError' ? 'warn' : 'error']({ err: err.message }, 'worker stopped with work in flight'),
      );
      producer.halt();
      await producer.stop();
      await native.close();
    };
  }
  const learn = options.clock === null;
  const clock: Clock = options.clock ?? { startWallMs: Date.now() + (options.startDelayMs ?? 1500), speed: options.speed };
  // the allocator, intake and the collector of a service without the producer learn the clock from the first event
  const known = learn ? undefined : clock;
  const outcomeMetrics = options.outcomeMetrics ?? true;
  let closedCase = (_caseId: string): boolean => false;
  const intake = services.has('intake')
    ? await startIntake({
        scenario,
        kafka,
        client,
        runId,
        taskQueue,
        logger,
        metrics,
        reportStarted: options.reportStarted,
        maxHistory: options.maxHistory,
        clock: known,
        // the collector (started next) counts completions; until it runs, nothing has completed
        admission: options.maxOpenCases && services.has('collector') ? { maxOpen: options.maxOpenCases, closed: (id) => closedCase(id) } : undefined,
      })
    : undefined;
  if (intake) stops.intake = () => intake.stop();
  const collector = services.has('collector')
    ? await startCollector({ scenario, kafka, runId, logger, metrics: outcomeMetrics ? metrics : undefined, retain: options.retainOutcomes, clock: known })
    : undefined;
  if (collector) {
    stops.collector = () => collector.stop();
    closedCase = (id) => collector.tally.closed(id);
  }

  const allocatorOptions = {
    scenario,
    policy,
    kafka,
    client,
    runId,
    logger,
    metrics,
    clock: known,
    instance: options.instance,
    // a capped intake holds arrivals back: the decisions cannot wait for them
    expectArrivals: options.expectArrivals ?? !options.maxOpenCases,
  };
  const lease = services.has('allocator') && options.lease ? await startAllocatorLease(allocatorOptions) : undefined;
  if (lease) stops.allocator = () => lease.stop();
  const allocator = services.has('allocator') && !options.lease ? await startAllocator(allocatorOptions) : undefined;
  if (allocator) {
    if (!learn) await allocator.ready;
    stops.allocator = () => allocator.stop();
  }
  const abort = new AbortController();
  const produced = services.has('producer') ? runProducer({ scenario, kafka, runId, clock, logger, metrics }, abort.signal) : undefined;
  let horizonTimer: NodeJS.Timeout | undefined;
  const horizonReached = new Promise<void>((resolve) => {
    // the run ends once the events of its last simulated moments are in: the allocator decides the horizon's
    // moment its settle time after it (once its events are in), and what that decision and the last tasks publish arrives within the
    // hand-off measured in this run (endWaitMs); the wait is measured again until it has passed
    const check = () => {
      const wait = wallAt(clock, scenario.horizon) + endWaitMs() - Date.now();
      // an allocator held back by a fault (its decision barrier) decides the horizon later: the run waits for it
      const active = allocator ?? lease?.service;
      if (wait <= 0 && (!active || active.decided >= scenario.horizon)) resolve();
      else if (wait <= 0) horizonTimer = setTimeout(check, 250);
      else horizonTimer = setTimeout(check, Math.min(wait, 1000));
    };
    check();
  });
  /**
   * Wall ms past the horizon's wall instant that the run waits: the allocator's settle time plus the largest
   * hand-off of the last minute (an event's arrival behind its simulated moment, workers/lag-window.ts), or
   * the default settle time before one was measured. A process without the allocator measures no hand-off:
   * it waits the default settle time twice.
   */
  function endWaitMs(): number {
    if (!allocator) return 2 * DEFAULT_SETTLE_MS;
    const lag = allocator.lagSummary();
    return allocator.settleMs + (lag.count ? Math.max(0, lag.maxMs) : DEFAULT_SETTLE_MS);
  }
  const wallStart = Date.now();
  // a service that learns the clock (the allocator service) updates its gauges once the collector has learned it
  const stopFeed =
    collector && outcomeMetrics
      ? startResilienceFeed({ scenario, tally: collector.tally, metrics, clock: () => (learn ? collector.clock() : clock) })
      : () => undefined;

  return {
    clock,
    kafka,
    client,
    metrics,
    taskQueue,
    worker,
    intake,
    allocator,
    lease,
    collector,
    produced,
    horizonReached,
    summaryLine() {
      const t = simNow(clock, Date.now());
      const parts = [`t=${fmtHours(Math.max(0, t))}/${fmtHours(scenario.horizon)}`];
      if (collector) {
        const c = collector.tally.counts();
        parts.push(`arrived ${c.arrived}`, `completed ${c.completed}`, `tasks ${c.tasks}`);
      }
      if (intake) parts.push(`started ${intake.started}`);
      if (allocator) {
        const c = allocator.dispatcher.counts();
        parts.push(
          `waiting ${c.waiting.reduce((a, b) => a + b, 0)}`,
          scenario.pools.map((p, i) => `${p.id} ${c.busy[i]}/${c.available[i]}`).join(' '),
          `grants ${allocator.granted}`,
        );
        const lag = allocator.lagSummary();
        if (lag.count) parts.push(`lag p99 ${fmtMs(lag.p99Ms)}${allocator.settleMs ? `/${fmtMs(allocator.settleMs)}` : ''}`);
        // the decision barrier waits for an event of an earlier moment (a fault, a loaded machine): say how far behind
        const behind = simNow(clock, Date.now() - allocator.settleMs) - allocator.decided;
        if (behind > clock.speed && allocator.decided < scenario.horizon) parts.push(`decisions held at t=${fmtHours(allocator.decided)}`);
      }
      parts.push(`wall ${((Date.now() - wallStart) / 1000).toFixed(0)}s`);
      return parts.join('  ');
    },
    async stop(stopOptions: StopOptions = {}) {
      abort.abort();
      clearTimeout(horizonTimer);
      stopFeed();
      const bounded = (what: string, work: Promise<unknown>) =>
        within(STOP_STAGE_MS, work, () => logger.warn({ what, ms: STOP_STAGE_MS }, `${what} did not stop in time; going on without it`));
      // the producer and intake first: no new cases
      await Promise.all([
        produced
          ? bounded(
              'producer',
              produced.catch((err) => logger.error({ err }, 'producer failed')),
            )
          : undefined,
        stops.intake ? bounded('intake', stops.intake()) : undefined,
      ]);
      // then the allocator and the worker (no grant, no workflow task goes to a case about to be terminated)
      await Promise.all((['allocator', 'worker'] as const).map((name) => stops[name] && bounded(name, stops[name]!())));
      let terminated = 0;
      if (stopOptions.terminate) {
        const open = collector ? [...collector.tally.demand.keys()].filter((id) => !collector.tally.cases.has(id)) : [];
        terminated = await terminateRunning(client, scenario, runId, stopOptions.terminate, open).catch((err: Error) => {
          logger.error({ err: err.message }, 'could not terminate the running case workflows');
          return 0;
        });
        if (terminated) logger.info({ terminated, reason: stopOptions.terminate }, 'terminated the case workflows still running');
      }
      await Promise.all((['collector', 'metrics'] as const).map((name) => stops[name] && bounded(name, stops[name]!())));
      await bounded('temporal connection', connection.close());
      return { terminated };
    },
  };
}

/** Waits for `work`, but at most `ms`: then calls `late` and resolves anyway (the work goes on unwatched). */
function within(ms: number, work: Promise<unknown>, late: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      late();
      resolve();
    }, ms);
    void work
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.max(0, Math.round(ms))}ms`;
}

function fmtHours(s: number): string {
  return s >= 172_800 ? `${(s / 86_400).toFixed(1)}d` : `${(s / 3600).toFixed(1)}h`;
}
