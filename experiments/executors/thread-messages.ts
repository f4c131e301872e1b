/**
 * The messages between the thread pool (thread-pool.ts) and its replication
 * threads (replication-thread.ts): typed once here, so both ends agree and
 * the compiler checks every post.
 */
import type { ReplicationFigures } from '../../simulator/figures.js';
import type { ReplicationJob, ThreadSetup } from './replication-job.js';

/** Pool → thread: an arm to keep by key, an arm to forget, a replication of an arm to run. */
export type ToThread = { type: 'setup'; key: string; setup: ThreadSetup } | { type: 'forget'; key: string } | { type: 'job'; key: string; job: ReplicationJob };

/** Thread → pool: progress of a replication, its figures, or the error it ended with (class lost: name, message, stack). */
export type FromThread =
  | { type: 'progress'; replication: number; fraction: number }
  | { type: 'done'; replication: number; figures: ReplicationFigures }
  | { type: 'error'; replication: number; name: string; message: string; stack?: string };

/** The message of an error thrown in a thread. */
export function errorMessage(replication: number, err: unknown): FromThread {
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: 'error', replication, name: e.name, message: e.message, stack: e.stack };
}

/** The error of an error message, by name (errors.ts's guards recognise it: a ScenarioError stays a user error). */
export function errorOf(m: Extract<FromThread, { type: 'error' }>): Error {
  const err = new Error(m.message);
  err.name = m.name;
  err.stack = m.stack;
  return err;
}
