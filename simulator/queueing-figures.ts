/**
 * The figures of abandonment, finite queues and priority classes, from
 * measures both runtimes keep (the engine's RunStats through `QueueingTally`,
 * the live runtime's LiveTally from its events). `figuresOf`
 * (simulator/figures.ts) adds them to a process's figures only when the
 * scenario uses the feature, so the results of a scenario that does not are
 * what they were. docs/results.md explains each figure.
 */
import type { Scenario } from '../model/scenario.js';
import type { QueueingFeatures } from '../model/compile-queueing.js';

/** Per process, of its counted cases' tasks and cases. */
export interface QueueingMeasures {
  /** tasks that left their queue out of patience, and their waits (summed) */
  abandoned: number;
  abandonedWaitSum: number;
  /** tasks of steps with a patience that were served (done), and their waits */
  served: number;
  servedWaitSum: number;
  /** tasks that found their queue full, and tasks that came to a queue with a capacity (blocked or not) */
  blocked: number;
  offered: number;
  /** cases that ended abandoned (no onAbandon route), and lost (blocked, no onBlocked route) */
  casesAbandoned: number;
  casesLost: number;
}

export const noQueueingMeasures = (): QueueingMeasures => ({
  abandoned: 0,
  abandonedWaitSum: 0,
  served: 0,
  servedWaitSum: 0,
  blocked: 0,
  offered: 0,
  casesAbandoned: 0,
  casesLost: 0,
});

/** A process's extra figures for the features the scenario uses (none: an empty object). */
export function queueingProcessFigures(m: QueueingMeasures, f: QueueingFeatures): Record<string, number> {
  const out: Record<string, number> = {};
  if (f.abandonment) {
    const left = m.abandoned + m.served;
    out.abandoned = m.abandoned;
    out.abandonmentRate = left ? m.abandoned / left : 0;
    out.servedWaitMeanSeconds = m.served ? m.servedWaitSum / m.served : 0;
    out.abandonedWaitMeanSeconds = m.abandoned ? m.abandonedWaitSum / m.abandoned : 0;
    out.casesAbandoned = m.casesAbandoned;
  }
  if (f.finiteQueues) {
    out.blocked = m.blocked;
    out.blockingRate = m.offered ? m.blocked / m.offered : 0;
    out.casesLost = m.casesLost;
  }
  return out;
}

/** The figures of `queueingProcessFigures` that are over an empty set, with the reason (the figure is then a placeholder 0). */
export function queueingEmpty(m: QueueingMeasures, f: QueueingFeatures): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.abandonment) {
    if (m.abandoned + m.served === 0) out.abandonmentRate = 'no task of a step with a patience was served or abandoned';
    if (m.served === 0) out.servedWaitMeanSeconds = 'no task of a step with a patience was served';
    if (m.abandoned === 0) out.abandonedWaitMeanSeconds = 'no task abandoned';
  }
  if (f.finiteQueues && m.offered === 0) out.blockingRate = 'no task came to a queue with a capacity';
  return out;
}

/** What a priority class's figures are made of: its processes' counts and sums. */
export interface ClassInput {
  arrived: number;
  completed: number;
  waitSum: number;
  cycleSum: number;
  slaMet: number;
  queueing: QueueingMeasures;
}

/** Per priority class (keyed by its number): cases, waits and cycle times of its processes together. */
export function priorityClassFigures(
  s: Scenario,
  per: ClassInput[],
  f: QueueingFeatures,
  notApplicable: Record<string, string> = {},
): Record<string, Record<string, number>> {
  const classes = [...new Set(s.processes.map((p) => p.priority ?? 0))].sort((a, b) => b - a);
  const out: Record<string, Record<string, number>> = {};
  for (const c of classes) {
    const sum: ClassInput = { arrived: 0, completed: 0, waitSum: 0, cycleSum: 0, slaMet: 0, queueing: noQueueingMeasures() };
    s.processes.forEach((p, i) => {
      if ((p.priority ?? 0) !== c) return;
      const x = per[i];
      sum.arrived += x.arrived;
      sum.completed += x.completed;
      sum.waitSum += x.waitSum;
      sum.cycleSum += x.cycleSum;
      sum.slaMet += x.slaMet;
      for (const k of Object.keys(sum.queueing) as (keyof QueueingMeasures)[]) sum.queueing[k] += x.queueing[k];
    });
    const n = sum.completed;
    out[String(c)] = {
      arrived: sum.arrived,
      completed: n,
      waitMeanSeconds: n ? sum.waitSum / n : 0,
      cycleMeanSeconds: n ? sum.cycleSum / n : 0,
      slaAttainment: n ? sum.slaMet / n : 0,
      ...queueingProcessFigures(sum.queueing, f),
    };
    // means over an empty set: placeholders, recorded by path (simulator/figures.ts ReplicationFigures.notApplicable)
    const empty: Record<string, string> = n
      ? {}
      : { waitMeanSeconds: 'no case completed', cycleMeanSeconds: 'no case completed', slaAttainment: 'no case completed' };
    for (const [k, why] of Object.entries({ ...empty, ...queueingEmpty(sum.queueing, f) })) notApplicable[`priorityClasses.${c}.${k}`] = why;
  }
  return out;
}

/** The engine's side: counts per process as the run goes (only for counted cases). */
export class QueueingTally {
  readonly perProcess: QueueingMeasures[];
  constructor(processes: number) {
    this.perProcess = Array.from({ length: processes }, noQueueingMeasures);
  }
  offered(process: number): void {
    this.perProcess[process].offered++;
  }
  served(process: number, wait: number): void {
    const m = this.perProcess[process];
    m.served++;
    m.servedWaitSum += wait;
  }
  abandoned(process: number, wait: number): void {
    const m = this.perProcess[process];
    m.abandoned++;
    m.abandonedWaitSum += wait;
  }
  blocked(process: number): void {
    this.perProcess[process].blocked++;
  }
  caseEnded(process: number, outcome: number): void {
    const m = this.perProcess[process];
    if (outcome === 1) m.casesAbandoned++;
    else m.casesLost++;
  }
}
