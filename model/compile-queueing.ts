/**
 * The queueing behaviour of a scenario, compiled: how long a case waits for a
 * step before it abandons (`steps.<s>.patience`, `onAbandon`), where a task
 * blocked at a full queue goes (`steps.<s>.onBlocked`, `queues.<skill>.capacity`),
 * and each process's priority class (`priority`, `preemptive`). Called by
 * `compileScenario` (model/compile-scenario.ts) after the steps are built;
 * each problem names its field and what is expected.
 */
import type { Process, Scenario } from './scenario.js';
import type { RawProcess, RawQueueLimits } from './raw-scenario.js';
import type { Distribution } from '../simulator/distributions.js';
import { DISTRIBUTION_KINDS, compileDistribution, distributionMean, validateDistribution } from '../simulator/distributions.js';
import { parseDuration } from './units.js';

type Fail = (path: (string | number)[], message: string) => void;

/** Sets `patience`, `onAbandon` and `onBlocked` of every step and `priority`, `preemptive` of every process from the raw file. */
export function compileQueueing(processes: Process[], rawProcesses: Record<string, RawProcess>, fail: Fail): void {
  for (const proc of processes) {
    const raw = rawProcesses[proc.id];
    proc.priority = raw.priority ?? 0;
    proc.preemptive = raw.preemptive ?? false;
    const stepIds = proc.steps.map((s) => s.id);
    for (const step of proc.steps) {
      const s = raw.steps[step.id];
      const path = (field: string) => ['processes', proc.id, 'steps', step.id, field];
      const target = (field: 'onAbandon' | 'onBlocked'): number => {
        if (s[field] === undefined) return -1;
        const i = stepIds.indexOf(s[field]);
        if (i < 0) fail(path(field), `unknown step '${s[field]}' (expected one of: ${stepIds.join(', ')})`);
        return i;
      };
      step.onAbandon = target('onAbandon');
      step.onBlocked = target('onBlocked');
      if (s.patience !== undefined) {
        const d: Distribution | null = compileDistribution(s.patience, parseDuration);
        if (!d) {
          fail([...path('patience'), 'dist'], `unknown distribution '${s.patience.dist}' (expected one of: ${DISTRIBUTION_KINDS.join(', ')})`);
          continue;
        }
        const problem = validateDistribution(d);
        if (problem) {
          fail(path('patience'), problem);
          continue;
        }
        if (!(distributionMean(d) > 0)) {
          fail(path('patience'), 'expected a patience distribution with a mean above 0');
          continue;
        }
        step.patience = d;
      } else if (s.onAbandon !== undefined) {
        fail(path('onAbandon'), "a step without 'patience' is never abandoned (expected 'patience' with 'onAbandon')");
      }
    }
  }
}

/** Per skill, the tasks that may wait in its queue (`queues.<skill>.capacity`; Infinity when not given). */
export function compileQueueCapacity(skills: string[], rawQueues: Record<string, RawQueueLimits> | undefined): number[] {
  return skills.map((skill) => rawQueues?.[skill]?.capacity ?? Infinity);
}

/** Which of the queueing features a scenario uses (the engine's hot path stays as it was for those it does not). */
export interface QueueingFeatures {
  abandonment: boolean;
  priorities: boolean;
  preemption: boolean;
  finiteQueues: boolean;
}

export function queueingFeatures(s: Scenario): QueueingFeatures {
  return {
    abandonment: s.processes.some((p) => p.steps.some((st) => st.patience !== undefined)),
    priorities: s.processes.some((p) => (p.priority ?? 0) !== 0),
    preemption: s.processes.some((p) => p.preemptive === true),
    finiteQueues: (s.queueCapacity ?? []).some((c) => c !== Infinity),
  };
}
