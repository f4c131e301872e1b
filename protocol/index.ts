/**
 * The live runtime's contract, one room that both `workers/` and `workflows/`
 * import (they do not import each other's internals): Kafka topics and their
 * typed, versioned events (topics.ts), the simulated-to-wall clock
 * (clock.ts), the case workflow's input and result (case-input.ts), its
 * activities (activities.ts, bot-work.ts) and its signal and query
 * (signals.ts). Pure: no I/O, no clock read, no Temporal SDK at run time.
 *
 * ```ts
 * import { caseWorkflow } from '../workflows/index.js';
 * import { caseInputOf, grantSignal, parseDemandEvent, topicNames } from '../protocol/index.js';
 * const input = caseInputOf(parseDemandEvent(message.value), scenario, runId);
 * const handle = await client.workflow.start(caseWorkflow, { taskQueue, workflowId: input.caseId, args: [input] });
 * await handle.signal(grantSignal, grant);
 * ```
 */
export * from './topics.js';
export * from './clock.js';
export * from './case-input.js';
export * from './activities.js';
export * from './bot-work.js';
export * from './signals.js';
