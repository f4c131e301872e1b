/**
 * A worker thread of the thread pool: it is sent arms (a compiled scenario
 * and a policy name) once, by key, then replication jobs naming an arm, and
 * sends back their figures (and progress). Event and decision logs go to
 * per-replication part files.
 */
import { parentPort } from 'node:worker_threads';
import { runOneReplication, type ReplicationJob, type ThreadSetup } from './replication-job.js';

type Message =
  | { type: 'setup'; key: string; setup: ThreadSetup }
  | { type: 'forget'; key: string }
  | { type: 'job'; key: string; job: ReplicationJob };

const port = parentPort!;
const setups = new Map<string, ThreadSetup>();

port.on('message', async (m: Message) => {
  if (m.type === 'setup') { setups.set(m.key, m.setup); return; }
  if (m.type === 'forget') { setups.delete(m.key); return; }
  const { job } = m;
  try {
    const setup = setups.get(m.key);
    if (!setup) throw new Error(`replication thread: no arm ${m.key} (sent a job before its setup)`);
    const figures = await runOneReplication(setup, job, (fraction) => port.postMessage({ type: 'progress', replication: job.replication, fraction }));
    port.postMessage({ type: 'done', replication: job.replication, figures });
  } catch (err) {
    port.postMessage({ type: 'error', replication: job.replication, message: (err as Error).message, stack: (err as Error).stack, name: (err as Error).name });
  }
});
