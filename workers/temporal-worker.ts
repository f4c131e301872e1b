/**
 * The Temporal worker of the case workflows and their activities. The
 * workflow code is bundled once per process from the compiled
 * `dist/workflows/index.js` (present after `npm ci`, whose `prepare` runs tsc)
 * and reused by every worker of the process.
 *
 * ```ts
 * installTemporalRuntime(logger);
 * const connection = await NativeConnection.connect({ address: '127.0.0.1:7233' });
 * const activities = { ...createActivities({ producer, topics, logger }), ...createBotActivities({ logger }) };
 * const worker = await createCaseWorker({ connection, taskQueue, activities });
 * const running = worker.run();   // until worker.shutdown()
 * ```
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/common';
import type { Logger } from 'pino';
import { kafkaDownWithin } from './kafka-link.js';
import type { CaseActivities } from '../protocol/activities.js';
import type { BotActivities } from '../protocol/bot-work.js';

/** The compiled workflows module next to this compiled file (dist/workers → dist/workflows). */
export function workflowsPath(): string {
  const js = fileURLToPath(new URL('../workflows/index.js', import.meta.url));
  if (existsSync(js)) return js;
  // running from source (vitest): the compiled tree of the same checkout (npm run build)
  return fileURLToPath(new URL('../dist/workflows/index.js', import.meta.url));
}

let installed = false;

/**
 * Core warnings that a Kafka outage causes and the Kafka link already told: a workflow task slow
 * because its events wait to be published, the completion of a local activity whose workflow task
 * timed out meanwhile (the retried task runs it again: events are at least once), and the
 * completion of a workflow task that timed out meanwhile ("Task not found when completing").
 */
const KAFKA_SLOWED = ['[TMPRL1104]', 'Tried to complete untracked local activity', 'Task not found when completing'];

/** Activities whose failures are outcomes or retried outages, not faults: botWork (a drawn bot failure), the event publishers. */
const QUIET_ACTIVITY_FAILURES = new Set(['botWork', 'publishTaskEvent', 'publishCaseEvent']);

/** Routes the SDK's logs to pino (warnings and up) and leaves signal handling to the caller. Once per process. */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const log = logger.child({ component: 'temporal' });
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      // a bot failing a task is an outcome of the model, not a fault: the workflow escalates it and the
      // collector counts it (autoshift_bot_escalations_total); a bot it cannot reach it logs itself
      // an event that could not be published (Kafka down) is retried by Temporal and told once by the Kafka link
      // a workflow task is slow while its event publications wait for Kafka: that outage is told by the link
      // otherwise a workflow task that outlived its timeout is a busy machine's sign (the server retries it):
      // a warning, never an error
      const slowed = KAFKA_SLOWED.some((m) => entry.message.includes(m));
      const quiet =
        (entry.message === 'Activity failed' && QUIET_ACTIVITY_FAILURES.has(String(entry.meta?.activityType))) || (slowed && kafkaDownWithin(60_000));
      const level = quiet ? 'debug' : slowed && entry.level === 'ERROR' ? 'warn' : levels[entry.level];
      log[level]({ ...(entry.meta ?? {}) }, entry.message);
    }),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** The workflow bundle of a compiled workflows module (default: the case workflows), built once per process. */
export function caseWorkflowBundle(path = workflowsPath()): Promise<WorkflowBundleWithSourceMap> {
  if (!bundles.has(path)) bundles.set(path, bundleWorkflowCode({ workflowsPath: path, logger: new DefaultLogger('WARN') }));
  return bundles.get(path)!;
}

export interface CaseWorkerOptions {
  connection: NativeConnection;
  /** @default 'default' */
  namespace?: string;
  taskQueue: string;
  /** the case's event publishing (local activities) and the bots' work */
  activities: CaseActivities & BotActivities;
  /** @default 200 */
  maxConcurrentActivities?: number;
  /** @default 100 */
  maxConcurrentWorkflowTasks?: number;
  /** workflows kept in the worker's cache (sticky execution) @default 2000 */
  maxCachedWorkflows?: number;
  /** another compiled workflows module with the same tuning (bench/live.ts's bare ceiling) @default the case workflows */
  workflowsPath?: string;
}

export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowBundle: await caseWorkflowBundle(options.workflowsPath),
    activities: options.activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 200,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks ?? 100,
    maxCachedWorkflows: options.maxCachedWorkflows ?? 2000,
    // a stop ends within seconds whatever Kafka does: activities get 2 s, then the worker gives up on them
    // (a local activity blocked on a Kafka send is retried by the next worker: events are at least once)
    shutdownGraceTime: '2s',
    shutdownForceTime: '4s',
  });
}
