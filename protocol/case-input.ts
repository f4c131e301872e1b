/**
 * What a case workflow is started with and what it returns: the contract
 * between intake (which starts one workflow per demand event) and the case
 * workflow. Plain JSON, as Temporal carries it.
 *
 * ```ts
 * const input = caseInputOf(parseDemandEvent(message.value), scenario, runId);
 * await client.workflow.start(caseWorkflow, { taskQueue, workflowId: input.caseId, args: [input] });
 * ```
 */
import type { PoolKind, Process, Scenario } from '../model/scenario.js';
import type { Clock } from './clock.js';
import { dutyPlanOf, type DutyPlan } from '../simulator/unit-duty.js';
import { InvalidEventError, type CaseCompletedEvent, type DemandEvent } from './topics.js';

/** What a pool means to a case: cost, for bots failure rate, and for a pool that pauses at the end of duty, when its units are on duty. */
export interface CasePool {
  id: string;
  kind: PoolKind;
  costPerHour: number;
  failureRate: number;
  /** `atShiftEnd: pause`: the units' duty, by which a task's work stops and resumes (simulator/unit-duty.ts); absent = finish */
  duty?: DutyPlan;
}

/** Where a continued-as-new case resumes: the step it is about to enter, and its running figures. */
export interface CaseResume {
  step: number;
  visits: number[];
  wait: number;
  /** waits on the path walked so far (absent in older histories: then `wait`) */
  pathWait?: number;
  cost: number;
  tasks: number;
  botTasks: number;
  breached: boolean;
  runs: number;
  /** simulated time the case resumes at (absent in cases continued before logical time: they resume at the clock's now) */
  t?: number;
  /** a task of the case was abandoned or blocked with no route on */
  outcome?: 'abandoned' | 'lost';
}

export interface CaseInput {
  v: 1;
  caseId: string;
  runId: string;
  processIndex: number;
  /** the compiled process (plain JSON) */
  process: Process;
  pools: CasePool[];
  caseNo: number;
  /** arrival, simulated seconds */
  arrival: number;
  seed: number;
  clock: Clock;
  /** the case arrived after the warm-up: its figures count */
  counted: boolean;
  /** publish `task.started` when a grant arrives (default true) */
  reportStarted?: boolean;
  /**
   * the scenario has a preemptive process: each request carries the person's work for the step
   * (`TaskRequestedEvent.work`), by which the allocator times a grant that a preemption may interrupt
   */
  preemption?: boolean;
  /** continue as new past this many history events (default 10,000) */
  maxHistory?: number;
  /** set by continueAsNew only */
  resume?: CaseResume;
}

/** The case workflow's result: its completion event and how many runs (continue-as-new) it took. */
export type CaseResult = CaseCompletedEvent & { runs: number };

/** The workflow input of a demand event; throws InvalidEventError if it does not fit the scenario. */
export function caseInputOf(ev: DemandEvent, scenario: Scenario, runId: string, extra: Pick<CaseInput, 'reportStarted' | 'maxHistory'> = {}): CaseInput {
  if (ev.runId !== runId) throw new InvalidEventError(`runId: expected '${runId}', got '${ev.runId}'`);
  const proc = scenario.processes.find((p) => p.id === ev.process);
  if (!proc) throw new InvalidEventError(`process: unknown process '${ev.process}' (expected one of: ${scenario.processes.map((p) => p.id).join(', ')})`);
  const pools: CasePool[] = scenario.pools.map((p) => ({
    id: p.id,
    kind: p.kind,
    costPerHour: p.costPerHour,
    failureRate: p.failureRate,
    ...(p.atShiftEnd === 'pause' ? { duty: dutyPlanOf(scenario, p.index) } : {}),
  }));
  return {
    v: 1,
    caseId: ev.id,
    runId,
    processIndex: proc.index,
    process: proc,
    pools,
    caseNo: ev.caseNo,
    arrival: ev.at,
    seed: ev.seed,
    clock: ev.clock,
    counted: ev.at >= scenario.warmup,
    ...(scenario.processes.some((p) => p.preemptive === true) ? { preemption: true } : {}),
    ...extra,
  };
}
