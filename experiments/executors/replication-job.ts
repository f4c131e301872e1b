/**
 * One replication with its logs, the same whether run in the main thread or a
 * worker thread.
 */
import type { Scenario } from '../../model/scenario.js';
import { simulateReplication } from '../../simulator/simulate.js';
import type { ReplicationFigures } from '../../simulator/figures.js';
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
  // the log writers are loaded only for a run that writes logs (start-up of a plain run, issue 16)
  const events = job.eventLogPart ? await eventLogWriter(setup, job.eventLogPart, job.replication) : null;
  const decisions = job.decisionLogPart ? new (await import('../../cli/decision-log-writer.js')).DecisionLogWriter(job.decisionLogPart, job.replication) : null;
  try {
    return simulateReplication({
      scenario: setup.scenario,
      policy,
      replication: job.replication,
      onTask: events?.write,
      onDecision: decisions?.write,
      onProgress: job.progress ? onProgress : undefined,
    });
  } finally {
    events?.close();
    decisions?.close();
  }
}

async function eventLogWriter(setup: ThreadSetup, part: string, replication: number) {
  const { EventLogWriter, attributeColumns } = await import('../../cli/event-log-writer.js');
  return new EventLogWriter(part, setup.scenario.start, replication, false, undefined, attributeColumns(setup.scenario));
}
