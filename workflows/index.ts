/**
 * The workflows of the live runtime, as the Temporal worker bundles them
 * (`workflowsPath` points at the compiled `dist/workflows/index.js`). Their
 * input, signals and activities are the contract in `protocol/`.
 *
 * ```ts
 * import { grantSignal } from '../protocol/signals.js';
 * const handle = await client.workflow.start(caseWorkflow, { taskQueue, workflowId: demand.id, args: [input] });
 * await handle.signal(grantSignal, grant);
 * ```
 */
export { caseWorkflow } from './case-workflow.js';
