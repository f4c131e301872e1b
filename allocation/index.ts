/**
 * The public types of autoshift for authors of policy modules, shipped with
 * their declaration files (`import type { ... } from 'autoshift'`), so an
 * editor completes and checks a policy against the interface the runtimes call.
 *
 * ```ts
 * import type { PolicyFactory } from 'autoshift';
 *
 * const longestQueue: PolicyFactory = (_params, context) => ({
 *   name: 'longest-queue',
 *   dispatch: 'fifo',
 *   decide: (snapshot) => ({ assign: context.pools.map(() => context.queues.map(() => 0)), reason: 'all flexible' }),
 * });
 * export default longestQueue;
 * ```
 */
export type { Allocation, Dispatch, Policy, PolicyContext, PolicyFactory, PoolView, QueueView, Snapshot } from './policy.js';
export { PolicyError, flexibleAllocation } from './policy.js';
export type { PoolKind, QueueLimits } from '../model/scenario.js';
