/**
 * The case workflows of one run, as Temporal sees them: how many are still
 * Running, and terminating those a run leaves behind when it ends without
 * draining (with a reason an operator reads in the Temporal UI), so no run
 * leaves Running workflows without a worker.
 *
 * ```ts
 * const n = await terminateRunning(client, scenario, runId, 'run ended at the horizon', tally.openIds());
 * const left = await countRunning(client, scenario, runId);   // 0, once visibility has caught up
 * ```
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Scenario } from '../model/scenario.js';

/** True for a case workflow id of this run: `<runId>.<process>.<caseNo>` with a process of the scenario. */
export function isCaseOfRun(scenario: Scenario, runId: string, workflowId: string): boolean {
  if (!workflowId.startsWith(`${runId}.`)) return false;
  const rest = workflowId.slice(runId.length + 1);
  const dot = rest.lastIndexOf('.');
  return dot > 0 && /^\d+$/.test(rest.slice(dot + 1)) && scenario.processes.some((p) => p.id === rest.slice(0, dot));
}

/** Ids of the run's case workflows that visibility lists as Running (eventually consistent: a start of the last second may be missing). */
export async function listRunning(client: Client, scenario: Scenario, runId: string): Promise<string[]> {
  const ids: string[] = [];
  const query = `WorkflowId STARTS_WITH "${runId}." AND ExecutionStatus = "Running"`;
  for await (const w of client.workflow.list({ query })) if (isCaseOfRun(scenario, runId, w.workflowId)) ids.push(w.workflowId);
  return ids;
}

export async function countRunning(client: Client, scenario: Scenario, runId: string): Promise<number> {
  return (await listRunning(client, scenario, runId)).length;
}

/**
 * Terminates the run's Running case workflows: those visibility lists, plus `known` (ids the caller
 * knows were started and not completed, which covers visibility's lag). Returns how many it
 * terminated; one already closed is skipped.
 */
export async function terminateRunning(
  client: Client,
  scenario: Scenario,
  runId: string,
  reason: string,
  known: Iterable<string> = [],
  concurrency = 32,
): Promise<number> {
  const ids = [...new Set([...known, ...(await listRunning(client, scenario, runId))])];
  let terminated = 0;
  let next = 0;
  const one = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        await client.workflow.getHandle(id).terminate(reason);
        terminated++;
      } catch (err) {
        // closed meanwhile (completed), or never started (a demand event intake had not reached)
        if (!(err instanceof WorkflowNotFoundError) && (err as Error).name !== 'WorkflowNotFoundError') throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, one));
  return terminated;
}
