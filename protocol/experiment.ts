/**
 * The contract of distributed experiments on Temporal (`--on temporal`): the
 * experiment workflow's input, its activity, its progress query, and the wire
 * form of scenarios and figures. Pure; shared by the workflow
 * (workflows/experiment-workflow.ts), the activities
 * (workers/experiment-activities.ts) and the client
 * (experiments/executors/temporal-executor.ts).
 *
 * Payloads travel as strings in the wire form below rather than through
 * Temporal's JSON converter: a compiled scenario holds `Infinity` (a queue
 * with no maximum, an outage of the whole pool), which plain JSON turns into
 * null. Numbers otherwise round-trip exactly through JSON (shortest
 * round-trip form), so figures computed on another machine are the same
 * doubles, and results are byte-identical to a local run.
 *
 * ```ts
 * const input = experimentInput(arms.map(toWire), requests);
 * const handle = await client.workflow.start(experimentWorkflow, { taskQueue, workflowId, args: [input] });
 * const figures = fromWire<ReplicationFigures[][]>(...);
 * ```
 */
import type { QueryDefinition } from '@temporalio/common';

/** The task queue experiment workers poll unless told otherwise. */
export const EXPERIMENT_TASK_QUEUE = 'autoshift-experiments';

/** ApplicationFailure type of a batch that cannot run (a bad scenario or policy): not retried. */
export const EXPERIMENT_INPUT_FAILURE = 'ExperimentInputError';

/** Replications of one arm, run by one activity. */
export interface Batch {
  arm: number;
  replications: number[];
}

export interface ExperimentInput {
  /** each arm ({ scenario, policyName }) in wire form */
  arms: string[];
  batches: Batch[];
  /** activities scheduled at once, at most @default 500 */
  maxInFlight?: number;
}

/** What one activity gets: the batch's place in the experiment, its arm in wire form and the replications to run. */
export interface BatchInput {
  batch: number;
  arm: string;
  replications: number[];
}

/**
 * What one activity returns: its batch number and the figures (in the order
 * asked) in wire form, gzipped and base64-encoded. The workflow does not
 * collect them (its own result would exceed Temporal's 2 MB payload limit
 * on a large sweep): the client reads them from the workflow's history.
 */
export interface BatchResult {
  batch: number;
  figures: string;
}

export interface ExperimentActivities {
  runReplicationBatch(input: BatchInput): Promise<BatchResult>;
}

export interface ExperimentProgress {
  /** replications done / in all */
  done: number;
  total: number;
}

export const progressQuery = { type: 'query', name: 'progress' } as QueryDefinition<ExperimentProgress, [], 'progress'>;

/**
 * Splits requests (arm, replication) into batches of one arm each, in request
 * order: about `parallelism` batches or more, at most `maxBatch` replications
 * each, so a long experiment spreads over workers and a short one does not
 * pay one activity per replication.
 */
export function planBatches(requests: readonly { arm: number; replication: number }[], parallelism = 64, maxBatch = 16): Batch[] {
  const size = Math.max(1, Math.min(maxBatch, Math.floor(requests.length / parallelism)));
  const out: Batch[] = [];
  for (const r of requests) {
    const last = out[out.length - 1];
    if (last && last.arm === r.arm && last.replications.length < size) last.replications.push(r.replication);
    else out.push({ arm: r.arm, replications: [r.replication] });
  }
  return out;
}

/** JSON with the numbers JSON cannot carry (±Infinity, NaN, −0) kept as `{ "$num": "Infinity" }`. */
export function toWire(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { $num: Object.is(v, -0) ? '-0' : String(v) } : v,
  );
}

export function fromWire<T>(text: string): T {
  return JSON.parse(text, (_k, v) =>
    v !== null && typeof v === 'object' && typeof v.$num === 'string' && Object.keys(v).length === 1 ? Number(v.$num) : v,
  ) as T;
}
