/**
 * Runs R replications of a scenario, in parallel on worker threads (one per
 * core, at most R), and returns their figures in replication order, so the
 * result does not depend on which thread finished first. Logs are written
 * per replication and joined in order.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ReplicationFigures } from '../simulator/run-stats.js';
import { runOneReplication, type ThreadSetup } from './replication-job.js';
import { EVENT_LOG_HEADER } from './event-log-writer.js';

export interface ReplicationsOptions extends ThreadSetup {
  replications: number;
  eventLog?: string;
  decisionLog?: string;
  /** worker threads to use (default: cores, at most the replications) */
  threads?: number;
  onProgress?: (fraction: number) => void;
}

export async function runReplications(options: ReplicationsOptions): Promise<ReplicationFigures[]> {
  const R = options.replications;
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), R));
  const parts = (base: string | undefined, r: number) => (base ? `${base}.part${r}` : undefined);
  const progress = new Array(R).fill(0);
  const report = () => options.onProgress?.(progress.reduce((a, b) => a + b, 0) / R);
  const jobs = Array.from({ length: R }, (_, r) => ({
    replication: r, eventLogPart: parts(options.eventLog, r), decisionLogPart: parts(options.decisionLog, r), progress: !!options.onProgress,
  }));
  const results: ReplicationFigures[] = new Array(R);
  const setup: ThreadSetup = { scenario: options.scenario, policyName: options.policyName };

  if (threads === 1) {
    for (const job of jobs) {
      results[job.replication] = await runOneReplication(setup, job, (f) => { progress[job.replication] = f; report(); });
    }
  } else {
    let nextJob = 0;
    await new Promise<void>((resolveAll, reject) => {
      let running = 0;
      let failed = false;
      for (let i = 0; i < threads; i++) {
        const worker = new Worker(new URL('./replication-thread.js', import.meta.url), { workerData: setup });
        running++;
        const feed = () => worker.postMessage(!failed && nextJob < R ? jobs[nextJob++] : null);
        worker.on('message', (m: any) => {
          if (m.type === 'progress') { progress[m.replication] = m.fraction; report(); }
          else if (m.type === 'done') { results[m.replication] = m.figures; progress[m.replication] = 1; report(); feed(); }
          else if (m.type === 'error') {
            failed = true;
            const err = new Error(m.message);
            err.name = m.name;
            err.stack = m.stack;
            void worker.terminate();
            reject(err);
          }
        });
        worker.on('error', (err) => { failed = true; reject(err); });
        worker.on('exit', () => { if (--running === 0 && !failed) resolveAll(); });
        feed();
      }
    });
  }
  joinParts(options.eventLog, R, EVENT_LOG_HEADER);
  joinParts(options.decisionLog, R, '');
  return results;
}

function joinParts(base: string | undefined, R: number, header: string): void {
  if (!base) return;
  writeFileSync(base, header);
  for (let r = 0; r < R; r++) {
    const part = `${base}.part${r}`;
    appendFileSync(base, readFileSync(part));
    rmSync(part);
  }
}
