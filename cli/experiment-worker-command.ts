/**
 * `autoshift experiment-worker`: runs replications for experiments started
 * with `--on temporal` (run --replications, compare, sweep, optimise), on
 * this machine's cores, until SIGINT/SIGTERM.
 */
import { parseArgs, intFlag } from './args.js';
import { UsageError } from '../model/errors.js';
import { rootLogger, untilSignal } from './live-env.js';
import { EXPERIMENT_TASK_QUEUE } from '../protocol/experiment.js';

export const experimentWorkerHelp = `Usage: autoshift experiment-worker [options]

Polls a Temporal task queue for experiments started with --on temporal
(autoshift run --replications, compare, sweep, optimise) and runs their
replications on this machine's worker threads. Start one per machine, as
many machines as you like; they share the work. Stops on SIGINT/SIGTERM
(a batch it was running is retried by another worker).

Options:
  --address HOST:PORT   the Temporal server (default: $TEMPORAL_ADDRESS or 127.0.0.1:7233)
  --task-queue NAME     the queue to poll (default: $AUTOSHIFT_EXPERIMENT_QUEUE or ${EXPERIMENT_TASK_QUEUE})
  --namespace NAME      Temporal namespace (default: default)
  --threads N           replications at once (default: number of cores)

The scenarios travel with the experiment; a policy module (module:./file.js)
must exist at the same path on every worker's machine. See docs/scale.md.
`;

export async function experimentWorkerCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    address: { value: true },
    'task-queue': { value: true },
    namespace: { value: true },
    threads: { value: true },
    help: {},
  });
  if (flags.help) {
    process.stdout.write(experimentWorkerHelp);
    return 0;
  }
  if (positionals.length) throw new UsageError(`expected no arguments, got ${positionals.join(' ')} (autoshift experiment-worker [--address HOST:PORT])`);
  const address = String(flags.address ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233');
  const taskQueue = String(flags['task-queue'] ?? process.env.AUTOSHIFT_EXPERIMENT_QUEUE ?? EXPERIMENT_TASK_QUEUE);
  const threads = flags.threads !== undefined ? intFlag(flags, 'threads', 1, 1) : undefined;
  const logger = rootLogger('info');
  const { startExperimentWorker } = await import('../workers/experiment-worker.js');
  let worker;
  try {
    worker = await startExperimentWorker({ address, taskQueue, namespace: flags.namespace as string | undefined, threads, logger });
  } catch (err) {
    throw new UsageError(`cannot start on ${address} (${(err as Error).message}); is a Temporal server running there? (bash infra/up.sh temporal)`);
  }
  logger.info({ address, taskQueue, threads }, 'experiment worker polling');
  const stopped = await Promise.race([untilSignal(), worker.running.then(() => null)]);
  if (stopped) await worker.stop();
  return 0;
}
