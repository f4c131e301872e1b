/**
 * The bare ceiling of bench/live.ts: a workflow of a case's shape with none of
 * autoshift's work around it. Per task it makes the same Temporal calls as
 * `caseWorkflow` (workflows/case-workflow.ts): a local activity where the case
 * publishes its request, a `grant` signal it waits for, the bot's work as the
 * `botWork` activity or a person's work as a durable timer, a local activity
 * where the case publishes the task's end; a durable SLA timer per case and a
 * local activity at its end. The local activities publish nothing: `request`
 * signals the grant straight back (no Kafka, no allocator), which is the
 * shortest path a grant can take through the same server.
 *
 * Deterministic: imports only `@temporalio/workflow` and protocol types.
 */
import { condition, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import { grantSignal } from '../protocol/signals.js';
import type { BotActivities } from '../protocol/bot-work.js';

export interface BareActivities {
  /** the case asks for a unit: the bench signals the grant back to `workflowId` */
  request(workflowId: string, taskId: string): Promise<void>;
  /** a task (`taskId`) or the case ended (timed and counted by the bench) */
  finished(workflowId: string, taskId: string | null): Promise<void>;
}

export interface BareCaseInput {
  caseId: string;
  /** the case's tasks in order: a bot's or a person's, and how many wall ms of work */
  tasks: { bot: boolean; ms: number }[];
  /** wall ms to the SLA due date */
  slaMs: number;
}

const acts = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '10s' });

export async function bareCaseWorkflow(input: BareCaseInput): Promise<number> {
  const granted = new Set<string>();
  setHandler(grantSignal, (g) => {
    granted.add(g.taskId);
  });
  // the SLA watch, as a case keeps one: a durable timer to the due date
  void sleep(input.slaMs);
  for (let i = 0; i < input.tasks.length; i++) {
    const task = input.tasks[i];
    const taskId = `${input.caseId}/${i}/0`;
    await acts.request(input.caseId, taskId);
    await condition(() => granted.has(taskId));
    if (task.bot) {
      const bots = proxyActivities<BotActivities>({ startToCloseTimeout: task.ms + 60_000, heartbeatTimeout: '5s', retry: { maximumAttempts: 3 } });
      await bots.botWork({ taskId, pool: 'bots', unit: 'bots#0', ms: task.ms, fail: false });
    } else if (task.ms >= 1) {
      await sleep(task.ms);
    }
    await acts.finished(input.caseId, taskId);
  }
  await acts.finished(input.caseId, null);
  return input.tasks.length;
}
