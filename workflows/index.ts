/**
 * The workflows of the live runtime, as the Temporal worker bundles them
 * (`workflowsPath` points at the compiled `dist/workflows/index.js`).
 *
 * ```ts
 * const handle = await client.workflow.start(caseWorkflow, { taskQueue, workflowId: demand.id, args: [input] });
 * await handle.signal(grantSignal, grant);
 * ```
 */
export { caseWorkflow, grantSignal, stateQuery } from './case-workflow.js';
export type { CaseInput, CaseResult, CasePool, CaseResume } from './case-workflow.js';
