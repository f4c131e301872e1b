/**
 * The policy interface. A policy is a pure function from a snapshot of the
 * operation to an allocation: how many units of each pool serve each work
 * queue until the next decision epoch (the rest of a pool is "flexible" and
 * serves whichever of its skills' queues needs it), plus the dispatch
 * discipline inside queues. The `sim` engine and the live allocator call the
 * same policies with the same snapshots.
 */
import { PolicyError } from '../model/errors.js';
import type { PoolKind, QueueLimits } from '../model/scenario.js';

export type Dispatch = 'fifo' | 'edf' | 'priority';

export interface QueueView {
  index: number;
  /** the skill this queue is for */
  skill: string;
  /** tasks waiting */
  waiting: number;
  /** seconds the oldest waiting task has waited (0 if none) */
  oldestWait: number;
  /** smallest SLA slack (due date minus now, seconds) among waiting tasks; Infinity if none */
  minSlack: number;
  /** waiting tasks whose case is already past its due date */
  breached: number;
  /** arrivals per second over the last full periodic epoch */
  arrivalRate: number;
  /** arrivals counted in each past periodic epoch, oldest first (up to two weeks of epochs); a copy: writing to it changes nothing of the engine's */
  arrivalsHistory: readonly number[];
  /** arrivals so far in the current epoch */
  arrivalsThisEpoch?: number;
  /** mean service seconds of this queue's tasks for people and for bots (plain mean over the steps needing this skill) */
  meanServiceHuman: number;
  meanServiceBot: number;
  /** cost of an hour of delay of this queue's work (mean over its steps' processes) */
  costOfDelayPerHour?: number;
  /** pools that have this skill */
  pools: number[];
  limits: QueueLimits;
}

export interface PoolView {
  index: number;
  id: string;
  kind: PoolKind;
  size: number;
  /** units on duty and not down right now */
  available: number;
  busy: number;
  /** queue indices this pool can serve */
  skills: number[];
  costPerHour: number;
  failureRate: number;
  switchOver: number;
  /** units assigned to each queue now (by queue index); the rest are flexible */
  assigned: number[];
  /** busy units on each queue now */
  busyOn: number[];
}

export interface Snapshot {
  /** simulated seconds since the scenario start */
  time: number;
  /** decision epoch number, from 0 */
  epoch: number;
  /** seconds between periodic epochs (the scenario's rebalanceEvery; 0 if none) */
  epochLength: number;
  /** why this epoch happens: 'start', 'periodic', or a disruption label with 'begins'/'ends' */
  trigger: string;
  queues: QueueView[];
  pools: PoolView[];
  /** labels of disruptions active now */
  activeDisruptions: string[];
}

export interface Allocation {
  /** assign[pool][queue] = units of that pool dedicated to that queue; the rest are flexible */
  assign: number[][];
  /** one line of why, for the decision log */
  reason: string;
  /**
   * false (default): a dedicated unit serves its queue first and, when that is
   * empty, helps with any of its skills (work-conserving, like primary and
   * secondary skills in workforce management). true: it serves only its queue.
   */
  strict?: boolean;
}

export interface Policy {
  readonly name: string;
  readonly dispatch: Dispatch;
  /**
   * false: the policy's answer depends on nothing that changes between
   * periodic epochs, so the runtimes call it only at the start and at
   * disruption edges (saves work in long runs). Default true.
   */
  readonly periodic?: boolean;
  decide(snapshot: Snapshot): Allocation;
}

/** Builds a policy from its scenario parameters; throws a PolicyError on bad parameters. */
export type PolicyFactory = (params: Record<string, unknown>, context: PolicyContext) => Policy;

/** What a policy may know of the scenario beyond the snapshot. */
export interface PolicyContext {
  queues: string[];
  pools: { id: string; kind: PoolKind; skills: number[] }[];
}

/** Bad policy parameters; names the parameter and what is expected (model/errors.ts). */
export { PolicyError };

/** Everything flexible: every unit serves any of its skills (a work-conserving pool). */
export function flexibleAllocation(pools: number, queues: number): number[][] {
  return Array.from({ length: pools }, () => new Array(queues).fill(0));
}
