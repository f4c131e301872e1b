/**
 * A worker thread of the thread pool: it is sent arms (a compiled scenario
 * and a policy name) once, by key, then replication jobs naming an arm, and
 * sends back their figures (and progress). Event and decision logs go to
 * per-replication part files.
 */
import { parentPort } from 'node:worker_threads';
import { runOneReplication, type ThreadSetup } from './replication-job.js';
import { errorMessage, type FromThread, type ToThread } from './thread-messages.js';

const port = parentPort!;
const send = (m: FromThread) => port.postMessage(m);
const setups = new Map<string, ThreadSetup>();

port.on('message', async (m: ToThread) => {
  if (m.type === 'setup') {
    setups.set(m.key, m.setup);
    return;
  }
  if (m.type === 'forget') {
    setups.delete(m.key);
    return;
  }
  const { job } = m;
  try {
    const setup = setups.get(m.key);
    if (!setup) throw new Error(`replication thread: no arm ${m.key} (sent a job before its setup)`);
    const figures = await runOneReplication(setup, job, (fraction) => send({ type: 'progress', replication: job.replication, fraction }));
    send({ type: 'done', replication: job.replication, figures });
  } catch (err) {
    send(errorMessage(job.replication, err));
  }
});
