/**
 * The signal and query of a case workflow, defined once for the workflow
 * (`setHandler(grantSignal, …)`, `workEndSignal`), the allocator (`handle.signal(grantSignal, g)`)
 * and operators (`handle.query(stateQuery)`), so the compiler checks each
 * hand-off's payload. Built as `defineSignal`/`defineQuery` of
 * `@temporalio/workflow` build them (a plain `{ type, name }` record), which keeps this room free of the SDK at
 * run time: only its types are imported.
 */
import type { QueryDefinition, SignalDefinition } from '@temporalio/common';
import type { GrantSignal, WorkEndEvent } from './topics.js';

/** A unit granted to one of the case's tasks (the allocator signals it after recording the grant on Kafka). */
export const grantSignal = { type: 'signal', name: 'grant' } as SignalDefinition<[GrantSignal], 'grant'>;

/** The work of a preemptible grant ends: released (done) or interrupted by a higher class (recorded on Kafka first). */
export const workEndSignal = { type: 'signal', name: 'work-end' } as SignalDefinition<[WorkEndEvent], 'work-end'>;

/** The case's state, for operators: tasks waiting for a grant, figures so far. */
export interface CaseStateView {
  waiting: string[];
  tasks: number;
  wait: number;
  breached: boolean;
}
export const stateQuery = { type: 'query', name: 'state' } as QueryDefinition<CaseStateView, [], 'state'>;
