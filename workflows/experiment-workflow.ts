/**
 * The experiment workflow (`--on temporal`): runs every batch of replications
 * of an experiment as an activity on whichever experiment workers poll its
 * task queue, at most `maxInFlight` at once, and returns the number of
 * replications done. The figures stay in the activities' results, in the
 * workflow's history, where the client reads them (a workflow result is one
 * payload of at most 2 MB; a history holds many). It only orchestrates: it
 * never looks inside a scenario or a figure, so it replays anywhere.
 *
 * It survives what a long experiment meets: a lost worker (its activity stops
 * heartbeating and is retried elsewhere), a restarted server (state is in the
 * server's store), a crashed client (the client re-attaches by workflow id).
 * A batch that cannot run at all (a bad scenario, a broken policy module)
 * fails with EXPERIMENT_INPUT_FAILURE, which is not retried. It can be
 * listed, watched (`progress` query) and cancelled with Temporal's own tools:
 * `temporal workflow list --query 'WorkflowType="experimentWorkflow"'`,
 * `temporal workflow query --name progress`, `temporal workflow cancel`.
 */
import { ActivityFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import { EXPERIMENT_INPUT_FAILURE, progressQuery, type ExperimentActivities, type ExperimentInput, type ExperimentProgress } from '../protocol/experiment.js';

const { runReplicationBatch } = proxyActivities<ExperimentActivities>({
  startToCloseTimeout: '2h',
  // a worker killed mid-batch stops heartbeating: its batch is retried on another worker after this long
  heartbeatTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: [EXPERIMENT_INPUT_FAILURE] },
});

export async function experimentWorkflow(input: ExperimentInput): Promise<ExperimentProgress> {
  const total = input.batches.reduce((n, b) => n + b.replications.length, 0);
  const progress: ExperimentProgress = { done: 0, total };
  setHandler(progressQuery, () => progress);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < input.batches.length) {
      const i = next++;
      const b = input.batches[i];
      try {
        await runReplicationBatch({ batch: i, arm: input.arms[b.arm], replications: b.replications });
      } catch (err) {
        if (err instanceof ActivityFailure) throw err.cause ?? err;
        throw err;
      }
      progress.done += b.replications.length;
    }
  };
  const lanes = Math.max(1, Math.min(input.maxInFlight ?? 500, input.batches.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return progress;
}
