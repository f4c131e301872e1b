/**
 * `--on local` (the default: worker threads on this machine) or
 * `--on temporal[:ADDRESS]` (experiment workers anywhere, through a Temporal
 * server; address default $TEMPORAL_ADDRESS or 127.0.0.1:7233, task queue
 * $AUTOSHIFT_EXPERIMENT_QUEUE or autoshift-experiments). The Temporal client
 * is loaded only when asked for.
 */
import { UsageError } from '../model/errors.js';
import type { Executor } from '../experiments/executor.js';
import { ThreadPool } from '../experiments/executors/thread-pool.js';
import { EXPERIMENT_TASK_QUEUE } from '../protocol/experiment.js';

export type ClosableExecutor = Executor & { close(): Promise<void> };

export const onHelp = `  --on WHERE          local (default: worker threads here) or temporal[:ADDRESS]: replications run as
                      activities on \`autoshift experiment-worker\` processes (docs/scale.md)`;

export function parseOn(value: unknown): { kind: 'local' } | { kind: 'temporal'; address: string } {
  if (value === undefined || value === 'local') return { kind: 'local' };
  const m = typeof value === 'string' ? /^temporal(?::(.+))?$/.exec(value) : null;
  if (!m) throw new UsageError(`--on: expected local or temporal[:ADDRESS] (like temporal:127.0.0.1:7233), got ${JSON.stringify(value)}`);
  return { kind: 'temporal', address: m[1] ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' };
}

export async function executorFor(on: unknown, threads?: number): Promise<ClosableExecutor> {
  const where = parseOn(on);
  if (where.kind === 'local') return new ThreadPool({ threads });
  const { TemporalExecutor } = await import('../experiments/executors/temporal-executor.js');
  return TemporalExecutor.connect({
    address: where.address,
    taskQueue: process.env.AUTOSHIFT_EXPERIMENT_QUEUE ?? EXPERIMENT_TASK_QUEUE,
    onWorkflow: (id) => {
      if (process.env.AUTOSHIFT_VERBOSE) process.stderr.write(`experiment workflow ${id}\n`);
    },
  });
}
