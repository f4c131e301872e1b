/**
 * Runs R replications of a scenario on the thread pool of experiments/ (one
 * thread per core, at most R, unless a warm pool is passed in), and returns
 * their figures in replication order, so the result does not depend on which
 * thread finished first. Logs are written per replication and joined in order.
 */
import { availableParallelism } from 'node:os';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ReplicationFigures } from '../simulator/figures.js';
import type { ThreadSetup } from '../experiments/executors/replication-job.js';
import { ThreadPool } from '../experiments/executors/thread-pool.js';
import type { Executor } from '../experiments/executor.js';

export interface ReplicationsOptions extends ThreadSetup {
  replications: number;
  eventLog?: string;
  decisionLog?: string;
  /** worker threads to use (default: cores, at most the replications); ignored when `pool` is given */
  threads?: number;
  /** a warm pool to run on (left open); by default a pool is made for this call and closed after */
  pool?: ThreadPool;
  /** another executor to run on (left open), e.g. Temporal's; no logs then */
  executor?: Executor;
  onProgress?: (fraction: number) => void;
}

export async function runReplications(options: ReplicationsOptions): Promise<ReplicationFigures[]> {
  const R = options.replications;
  if (options.executor) {
    if (options.eventLog || options.decisionLog) throw new Error('runReplications: event and decision logs are written by local threads only');
    return options.executor.run(
      [setupOf(options)],
      Array.from({ length: R }, (_, r) => ({ arm: 0, replication: r })),
      options.onProgress,
    );
  }
  const parts = (base: string | undefined, r: number) => (base ? `${base}.part${r}` : undefined);
  const setup = setupOf(options);
  const jobs = Array.from({ length: R }, (_, r) => ({
    setup,
    job: { replication: r, eventLogPart: parts(options.eventLog, r), decisionLogPart: parts(options.decisionLog, r), progress: !!options.onProgress },
  }));
  const pool = options.pool ?? new ThreadPool({ threads: Math.min(options.threads ?? availableParallelism(), R) });
  let results: ReplicationFigures[];
  try {
    results = await pool.runJobs(jobs, options.onProgress);
  } finally {
    if (!options.pool) await pool.close();
  }
  if (options.eventLog) {
    const { attributeColumns, eventLogFrame } = await import('./event-log-writer.js'); // only for a run that writes one
    joinParts(options.eventLog, R, eventLogFrame(options.eventLog, options.scenario.name, attributeColumns(options.scenario)));
  }
  joinParts(options.decisionLog, R, { header: '', footer: '' });
  return results;
}

function setupOf(options: ThreadSetup): ThreadSetup {
  return { scenario: options.scenario, policyName: options.policyName };
}

function joinParts(base: string | undefined, R: number, frame: { header: string; footer: string }): void {
  if (!base) return;
  writeFileSync(base, frame.header);
  for (let r = 0; r < R; r++) {
    const part = `${base}.part${r}`;
    appendFileSync(base, readFileSync(part));
    rmSync(part);
  }
  if (frame.footer) appendFileSync(base, frame.footer);
}
