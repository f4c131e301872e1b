/**
 * The local executor: a pool of warm worker threads (one per core by default)
 * that stays up for a whole command, so a sweep or a comparison pays thread
 * start-up, module loading and JIT warm-up once, not once per arm. Each thread
 * is sent an arm's compiled scenario once (and keeps the last few); then only
 * (arm, replication) pairs travel. With one thread, replications run in the
 * main thread instead.
 *
 * ```ts
 * const pool = new ThreadPool({ threads: 2 });
 * try { figures = await pool.run(arms, requests, bar.update); } finally { await pool.close(); }
 * ```
 */
import type { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { ReplicationFigures } from '../../simulator/figures.js';
import type { ArmSpec, Executor, ReplicationRequest } from '../executor.js';
import { runOneReplication, type ReplicationJob, type ThreadSetup } from './replication-job.js';
import { errorOf, type FromThread, type ToThread } from './thread-messages.js';

export interface ThreadPoolOptions {
  /** worker threads @default the number of cores */
  threads?: number;
  /**
   * With one thread, run the replications in the calling thread (no thread
   * start-up). false keeps even one replication in a worker thread, so the
   * calling thread stays free to answer Ctrl-C. @default true
   */
  inlineSingleThread?: boolean;
}

/** A replication job and the arm it belongs to (what `runJobs` takes; `run` builds these). */
export interface PoolJob {
  setup: ThreadSetup;
  job: ReplicationJob;
}

const post = (worker: Worker, m: ToThread) => worker.postMessage(m);

// node:worker_threads is loaded when the first thread starts: a run of one replication on this
// thread never needs it, and loading it costs a few ms of every start of the command (issue 16)
const require = createRequire(import.meta.url);
let WorkerClass: typeof Worker | undefined;
const workerClass = () => (WorkerClass ??= (require('node:worker_threads') as typeof import('node:worker_threads')).Worker);

/** Arms a thread keeps compiled; older ones are forgotten (and sent again if needed). */
const KEPT_SETUPS = 32;

interface Batch {
  results: ReplicationFigures[];
  progress: number[];
  left: number;
  failed: boolean;
  onProgress?: (fraction: number) => void;
  resolve: (figures: ReplicationFigures[]) => void;
  reject: (err: Error) => void;
}

interface Queued {
  batch: Batch;
  index: number;
  key: string;
  setup: ThreadSetup;
  job: ReplicationJob;
}

interface Slot {
  worker: Worker;
  known: string[];
  busy: Queued | null;
}

export class ThreadPool implements Executor {
  readonly threads: number;
  readonly batchLimit = 512;
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;
  private closed = false;

  private readonly inline: boolean;

  constructor(options: ThreadPoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.inline = this.threads === 1 && options.inlineSingleThread !== false;
  }

  run(arms: readonly ArmSpec[], requests: readonly ReplicationRequest[], onProgress?: (fraction: number) => void): Promise<ReplicationFigures[]> {
    const setups = arms.map((a) => ({ scenario: a.scenario, policyName: a.policyName }));
    return this.runJobs(
      requests.map((r) => ({ setup: setups[r.arm], job: { replication: r.replication, progress: !!onProgress } })),
      onProgress,
    );
  }

  /** Runs replication jobs (with their logs, if they name part files); figures in job order. */
  runJobs(jobs: readonly PoolJob[], onProgress?: (fraction: number) => void): Promise<ReplicationFigures[]> {
    if (this.closed) return Promise.reject(new Error('ThreadPool: run after close'));
    if (jobs.length === 0) return Promise.resolve([]);
    if (this.inline) return this.runHere(jobs, onProgress);
    return new Promise((resolve, reject) => {
      const batch: Batch = {
        results: new Array(jobs.length),
        progress: new Array(jobs.length).fill(0),
        left: jobs.length,
        failed: false,
        onProgress,
        resolve,
        reject,
      };
      jobs.forEach((j, index) => this.queue.push({ batch, index, key: this.keyOf(j.setup), setup: j.setup, job: j.job }));
      while (this.slots.length < this.threads && this.slots.length < this.queue.length + this.busyCount()) this.slots.push(this.spawn());
      for (const slot of this.slots) if (!slot.busy) this.feed(slot);
    });
  }

  /** Ends the threads (running replications are abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    // ref'd again while they end: an idle (unref'd) thread would let the process exit with this await unsettled
    await Promise.all(
      slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }

  private async runHere(jobs: readonly PoolJob[], onProgress?: (fraction: number) => void): Promise<ReplicationFigures[]> {
    const out: ReplicationFigures[] = [];
    for (let i = 0; i < jobs.length; i++) {
      out.push(await runOneReplication(jobs[i].setup, jobs[i].job, (f) => onProgress?.((i + f) / jobs.length)));
      onProgress?.((i + 1) / jobs.length);
    }
    return out;
  }

  /** One key per (scenario object, policy): a thread compiles an arm once. */
  private keyOf(setup: ThreadSetup): string {
    let id = this.ids.get(setup.scenario);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(setup.scenario, id);
    }
    return `${id}:${setup.policyName ?? ''}`;
  }

  private busyCount(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  private spawn(): Slot {
    const worker = new (workerClass())(new URL('./replication-thread.js', import.meta.url));
    const slot: Slot = { worker, known: [], busy: null };
    worker.unref();
    worker.on('message', (m: FromThread) => {
      const item = slot.busy;
      if (!item) return;
      const b = item.batch;
      if (m.type === 'progress') {
        b.progress[item.index] = m.fraction;
        this.report(b);
      } else if (m.type === 'done') {
        b.results[item.index] = m.figures;
        b.progress[item.index] = 1;
        this.report(b);
        slot.busy = null;
        if (--b.left === 0 && !b.failed) b.resolve(b.results);
        this.feed(slot);
      } else if (m.type === 'error') {
        slot.busy = null;
        this.fail(b, errorOf(m));
        this.feed(slot);
      }
    });
    worker.on('error', (err) => {
      // the thread died: its replication fails its batch; a fresh thread takes its place
      const item = slot.busy;
      slot.busy = null;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (item) this.fail(item.batch, err);
      if (!this.closed && this.queue.length) {
        const fresh = this.spawn();
        this.slots.push(fresh);
        this.feed(fresh);
      }
    });
    return slot;
  }

  private fail(batch: Batch, err: Error): void {
    if (batch.failed) return;
    batch.failed = true;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].batch === batch) this.queue.splice(i, 1);
    batch.reject(err);
  }

  private report(b: Batch): void {
    if (!b.onProgress) return;
    let sum = 0;
    for (const p of b.progress) sum += p;
    b.onProgress(sum / b.progress.length);
  }

  /** Gives an idle thread the next queued replication, sending its arm first if the thread lacks it. */
  private feed(slot: Slot): void {
    // after close() a late message must not unref a thread whose exit close() is waiting for (exit code 13)
    if (this.closed) return;
    const item = this.queue.shift();
    if (!item) {
      slot.worker.unref();
      return;
    }
    slot.worker.ref();
    slot.busy = item;
    if (!slot.known.includes(item.key)) {
      post(slot.worker, { type: 'setup', key: item.key, setup: item.setup });
      slot.known.push(item.key);
      if (slot.known.length > KEPT_SETUPS) post(slot.worker, { type: 'forget', key: slot.known.shift()! });
    }
    post(slot.worker, { type: 'job', key: item.key, job: item.job });
  }
}
