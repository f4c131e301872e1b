/**
 * The experiment worker (`autoshift experiment-worker`): polls a task queue
 * for the experiment workflow and its activities, and runs replications on a
 * warm pool of worker threads (one per core by default). Start as many as
 * there are machines (or cores to spare); they share the queue.
 *
 * ```ts
 * const w = await startExperimentWorker({ address: '127.0.0.1:7233', taskQueue: EXPERIMENT_TASK_QUEUE, threads: 2, logger });
 * await w.running;   // until w.stop()
 * ```
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { Logger } from 'pino';
import { ThreadPool } from '../experiments/executors/thread-pool.js';
import { createExperimentActivities } from './experiment-activities.js';
import { installTemporalRuntime } from './temporal-worker.js';

export interface ExperimentWorkerOptions {
  address: string;
  /** @default 'default' */
  namespace?: string;
  taskQueue: string;
  /** replications at once on this worker @default the number of cores */
  threads?: number;
  logger: Logger;
}

export interface RunningExperimentWorker {
  running: Promise<void>;
  stop(): Promise<void>;
}

/** The compiled experiment workflow next to this compiled file (dist/workers → dist/workflows). */
function experimentWorkflowPath(): string {
  const js = fileURLToPath(new URL('../workflows/experiment-workflow.js', import.meta.url));
  if (existsSync(js)) return js;
  return fileURLToPath(new URL('../dist/workflows/experiment-workflow.js', import.meta.url));
}

export async function startExperimentWorker(options: ExperimentWorkerOptions): Promise<RunningExperimentWorker> {
  installTemporalRuntime(options.logger);
  const pool = new ThreadPool({ threads: options.threads });
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: experimentWorkflowPath(), logger: new DefaultLogger('WARN') }),
    activities: createExperimentActivities({ pool, logger: options.logger }),
    // one batch per thread: a batch runs its replications on the pool, so more would only queue there
    maxConcurrentActivityTaskExecutions: pool.threads,
    shutdownGraceTime: '5s',
  });
  const running = worker.run().finally(async () => {
    await pool.close();
    await connection.close();
  });
  return {
    running,
    stop: async () => {
      worker.shutdown();
      await running;
    },
  };
}
