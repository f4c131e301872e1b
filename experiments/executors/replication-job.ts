/**
 * One replication with its logs, the same whether run in the main thread or a
 * worker thread.
 */
import type { Scenario } from '../../model/scenario.js';
import { simulateReplication } from '../../simulator/simulate.js';
import type { ReplicationFigures } from '../../simulator/figures.js';
import { EventLogWriter, attributeColumns } from '../../cli/event-log-writer.js';
import { DecisionLogWriter } from '../../cli/decision-log-writer.js';
import { resolvePolicy } from '../../cli/policy-loader.js';

export interface ThreadSetup {
  scenario: Scenario;
  /** policy to run instead of the scenario's own */
  policyName?: string;
}

export interface ReplicationJob {
  replication: number;
  /** write this replication's event log here (no header) */
  eventLogPart?: string;
  decisionLogPart?: string;
  progress?: boolean;
}

export async function runOneReplication(setup: ThreadSetup, job: ReplicationJob, onProgress?: (f: number) => void): Promise<ReplicationFigures> {
  const policy = await resolvePolicy(setup.scenario, setup.policyName);
  const events = job.eventLogPart ? new EventLogWriter(job.eventLogPart, setup.scenario.start, job.replication, false, undefined, attributeColumns(setup.scenario)) : null;
  const decisions = job.decisionLogPart ? new DecisionLogWriter(job.decisionLogPart, job.replication) : null;
  try {
    return simulateReplication({
      scenario: setup.scenario, policy, replication: job.replication,
      onTask: events?.write, onDecision: decisions?.write,
      onProgress: job.progress ? onProgress : undefined,
    });
  } finally {
    events?.close();
    decisions?.close();
  }
}
