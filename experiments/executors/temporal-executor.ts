/**
 * The distributed executor (`--on temporal[:ADDRESS]`): each call runs as one
 * experiment workflow (workflows/experiment-workflow.ts) whose activities —
 * batches of replications — are executed by any number of `autoshift
 * experiment-worker` processes on any machines polling the same task queue.
 * Figures come back in request order, so results are byte-identical to a
 * local run.
 *
 * The workflow id is a hash of the experiment (arms and batches): running the
 * same command again after the client died attaches to the experiment still
 * running instead of starting it twice. Waiting for the result rides out a
 * server restart (it retries while the server is unreachable).
 *
 * ```ts
 * const executor = await TemporalExecutor.connect({ address: '127.0.0.1:7233', taskQueue: EXPERIMENT_TASK_QUEUE });
 * try { figures = await executor.run(arms, requests, bar.update); } finally { await executor.close(); }
 * ```
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ReplicationFigures } from '../../simulator/figures.js';
import type { ArmSpec, Executor, ReplicationRequest } from '../executor.js';
import { EXPERIMENT_INPUT_FAILURE, fromWire, planBatches, progressQuery, toWire, type BatchResult, type ExperimentInput } from '../../protocol/experiment.js';
import { experimentWorkflow } from '../../workflows/experiment-workflow.js';

export interface TemporalExecutorOptions {
  address: string;
  /** @default 'default' */
  namespace?: string;
  taskQueue: string;
  /** how long to keep trying while the server cannot be reached @default 10 minutes */
  reconnectForMs?: number;
  /** told the workflow id of each experiment started (or attached to) */
  onWorkflow?: (workflowId: string) => void;
}

export class TemporalExecutor implements Executor {
  /** replications per workflow: every result lands in its history, so a huge sweep is split */
  readonly batchLimit = 1000;

  private constructor(
    private readonly connection: Connection,
    private readonly client: Client,
    private readonly options: TemporalExecutorOptions,
  ) {}

  static async connect(options: TemporalExecutorOptions): Promise<TemporalExecutor> {
    let connection: Connection;
    try {
      // a history page carries many batches' figures: above gRPC's default 4 MB limit on a long sweep
      connection = await Connection.connect({ address: options.address, channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 } });
    } catch (err) {
      const e = new Error(
        `--on temporal:${options.address}: cannot reach a Temporal server there (${(err as Error).message}); start one (bash infra/up.sh temporal) or give its address`,
      );
      e.name = 'UsageError';
      throw e;
    }
    return new TemporalExecutor(connection, new Client({ connection, namespace: options.namespace ?? 'default' }), options);
  }

  async run(arms: readonly ArmSpec[], requests: readonly ReplicationRequest[], onProgress?: (fraction: number) => void): Promise<ReplicationFigures[]> {
    if (requests.length === 0) return [];
    const input: ExperimentInput = {
      arms: arms.map((a) => toWire({ scenario: a.scenario, policyName: a.policyName })),
      batches: planBatches(requests),
    };
    const workflowId = `autoshift-experiment-${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 32)}`;
    const handle = await this.retrying(() =>
      this.client.workflow.start(experimentWorkflow, {
        taskQueue: this.options.taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    );
    this.options.onWorkflow?.(workflowId);
    let polling = true;
    let wake = () => {};
    const poll = async () => {
      while (polling) {
        try {
          // a deadline, so no query is left retrying inside the client once the experiment is over
          const p = await this.connection.withDeadline(Date.now() + 3000, () => handle.query(progressQuery));
          if (polling) onProgress?.(p.total ? p.done / p.total : 0);
        } catch {
          /* no worker has picked the workflow up yet, or the server is restarting */
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, 1000);
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
      }
    };
    const polled = onProgress ? poll() : Promise.resolve();
    let parts: (string | undefined)[];
    try {
      await this.result(handle);
      parts = await this.retrying(() => this.batchResults(handle, input.batches.length));
    } finally {
      polling = false;
      wake();
      await polled;
    }
    // batches back into request order
    const byKey = new Map<string, ReplicationFigures>();
    input.batches.forEach((b, i) => {
      if (parts[i] === undefined) throw new Error(`experiment ${workflowId}: no result of batch ${i} in its history`);
      const figures = fromWire<ReplicationFigures[]>(gunzipSync(Buffer.from(parts[i]!, 'base64')).toString('utf8'));
      b.replications.forEach((r, k) => byKey.set(`${b.arm}:${r}`, figures[k]));
    });
    onProgress?.(1);
    return requests.map((r) => byKey.get(`${r.arm}:${r.replication}`)!);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /** Each batch's figures, from the completed activities in the workflow's history (one per batch, whichever attempt). */
  private async batchResults(handle: WorkflowHandle<typeof experimentWorkflow>, batches: number): Promise<(string | undefined)[]> {
    const out: (string | undefined)[] = new Array(batches);
    const history = await handle.fetchHistory();
    for (const event of history.events ?? []) {
      const payload = event.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
      if (!payload) continue;
      const r = defaultPayloadConverter.fromPayload<BatchResult>(payload as Parameters<typeof defaultPayloadConverter.fromPayload>[0]);
      out[r.batch] ??= r.figures;
    }
    return out;
  }

  private async result(handle: WorkflowHandle<typeof experimentWorkflow>): Promise<unknown> {
    try {
      return await this.retrying(() => handle.result());
    } catch (err) {
      if (err instanceof WorkflowFailedError) {
        const cause = err.cause as { type?: string; message?: string } | undefined;
        const e = new Error(
          cause?.type === EXPERIMENT_INPUT_FAILURE
            ? (cause.message ?? 'the experiment cannot run')
            : `experiment ${handle.workflowId} failed: ${cause?.message ?? err.message}`,
        );
        if (cause?.type === EXPERIMENT_INPUT_FAILURE) e.name = 'UsageError';
        throw e;
      }
      throw err;
    }
  }

  /** Retries a call while the server is unreachable (a restart), for up to `reconnectForMs`. */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.options.reconnectForMs ?? 600_000);
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if (!unreachable(err) || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}

/** gRPC UNAVAILABLE (14) or a dropped connection: the server is restarting. */
function unreachable(err: unknown): boolean {
  const e = err as { code?: number; message?: string; cause?: unknown };
  if (e?.code === 14 || e?.code === 4) return true;
  if (/UNAVAILABLE|ECONNREFUSED|ECONNRESET|Connection dropped|DEADLINE_EXCEEDED|No connection established/i.test(e?.message ?? '')) return true;
  return e?.cause !== undefined && e.cause !== err ? unreachable(e.cause) : false;
}
