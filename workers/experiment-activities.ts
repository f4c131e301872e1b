/**
 * The activity of the experiment workflow: runs a batch of replications of
 * one arm on this worker's warm thread pool, heartbeating its progress (so a
 * lost worker is noticed and a cancelled experiment stops), and returns the
 * figures in wire form. A scenario or policy that cannot run is a
 * non-retryable EXPERIMENT_INPUT_FAILURE: running it elsewhere would fail
 * the same way.
 *
 * ```ts
 * const activities = createExperimentActivities({ pool: new ThreadPool({ threads: 2 }), logger });
 * ```
 */
import { gzipSync } from 'node:zlib';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { ArmSpec } from '../experiments/executor.js';
import type { ThreadPool } from '../experiments/executors/thread-pool.js';
import { EXPERIMENT_INPUT_FAILURE, fromWire, toWire, type BatchInput, type BatchResult, type ExperimentActivities } from '../protocol/experiment.js';

const USER_ERRORS = new Set(['ScenarioError', 'UsageError', 'PolicyError']);

export interface ExperimentActivityDeps {
  pool: ThreadPool;
  logger: Logger;
}

export function createExperimentActivities(deps: ExperimentActivityDeps): ExperimentActivities {
  const log = deps.logger.child({ component: 'experiment-activities' });
  return {
    async runReplicationBatch(input: BatchInput): Promise<BatchResult> {
      const ctx = Context.current();
      const arm = fromWire<ArmSpec>(input.arm);
      const started = Date.now();
      ctx.heartbeat({ done: 0 });
      try {
        const figures = await Promise.race([
          deps.pool.run(
            [arm],
            input.replications.map((replication) => ({ arm: 0, replication })),
            (fraction) => ctx.heartbeat({ fraction }),
          ),
          ctx.cancelled,
        ]);
        log.debug({ scenario: arm.scenario.name, replications: input.replications, ms: Date.now() - started }, 'batch done');
        return { batch: input.batch, figures: gzipSync(toWire(figures)).toString('base64') };
      } catch (err) {
        const e = err as Error;
        if (USER_ERRORS.has(e.name)) throw ApplicationFailure.create({ type: EXPERIMENT_INPUT_FAILURE, message: e.message, nonRetryable: true });
        throw err;
      }
    },
  };
}
