/**
 * What an experiment asks of whatever runs its replications: the executor
 * interface of `experiments/`. Pure: the experiments (replications, compare,
 * sweep, optimise) are written against it, and the places that do the work
 * live at the edge — warm worker threads on this machine
 * (`executors/thread-pool.ts`) or Temporal activities on any number of
 * machines (`executors/temporal-executor.ts`).
 *
 * A replication is named by its arm and its number; its random streams are
 * keyed by (scenario seed, replication), so who runs it, where and when cannot
 * change its figures. Executors return figures in request order, which makes
 * every result byte-identical whatever the executor.
 *
 * ```ts
 * const figures = await executor.run([{ scenario }], [{ arm: 0, replication: 0 }, { arm: 0, replication: 1 }]);
 * ```
 */
import type { Scenario } from '../model/scenario.js';
import type { ReplicationFigures } from '../simulator/figures.js';

/** One arm of an experiment: a compiled scenario (variant) and the policy to run it with. */
export interface ArmSpec {
  scenario: Scenario;
  /** a policy to run instead of the scenario's own (a built-in name or `module:./file.js`) */
  policyName?: string;
}

/** One replication to run: an index into the arms given with it, and the replication number (its seed). */
export interface ReplicationRequest {
  arm: number;
  replication: number;
}

export interface Executor {
  /**
   * Runs every request and returns their figures in request order.
   * `onProgress` gets the fraction done of this call, 0..1.
   */
  run(arms: readonly ArmSpec[], requests: readonly ReplicationRequest[], onProgress?: (fraction: number) => void): Promise<ReplicationFigures[]>;
  /** How many requests one `run` call should carry at most (callers split larger experiments). */
  readonly batchLimit: number;
}
