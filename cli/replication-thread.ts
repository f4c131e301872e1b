/**
 * A worker thread that runs replications on request: it receives the compiled
 * scenario once, then replication numbers, and sends back their figures (and
 * progress). Event and decision logs go to per-replication part files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runOneReplication, type ReplicationJob, type ThreadSetup } from './replication-job.js';

const setup = workerData as ThreadSetup;
const port = parentPort!;

port.on('message', async (job: ReplicationJob | null) => {
  if (job === null) { port.close(); return; }
  try {
    const figures = await runOneReplication(setup, job, (fraction) => port.postMessage({ type: 'progress', replication: job.replication, fraction }));
    port.postMessage({ type: 'done', replication: job.replication, figures });
  } catch (err) {
    port.postMessage({ type: 'error', replication: job.replication, message: (err as Error).message, stack: (err as Error).stack, name: (err as Error).name });
  }
});
