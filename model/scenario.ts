/**
 * The compiled scenario: what the engine, the policies and the live runtime
 * work with after `compileScenario()` has validated a YAML file. Every time is
 * in seconds from the scenario's start (a Monday 00:00 in the scenario's
 * calendar), every rate per second, every reference an index.
 */
import type { Distribution } from '../simulator/distributions.js';
import type { Expr } from './expression.js';

export type PoolKind = 'human' | 'bot';

/** A weekly shift window: the pool is on duty from `from` to `to` (seconds since midnight) on `days` (0 = Monday). */
export interface ShiftWindow {
  days: number[];
  from: number;
  to: number;
}

export interface Pool {
  id: string;
  index: number;
  kind: PoolKind;
  /** headcount (human) or instances/licences (bot) */
  size: number;
  /** indices into `Scenario.skills` */
  skills: number[];
  costPerHour: number;
  /** weekly calendar; null = always on duty */
  shifts: ShiftWindow[] | null;
  /** seconds a person needs to change queue */
  switchOver: number;
  /** probability that a task done by this pool fails (bots) */
  failureRate: number;
  /** planned absences (humans): units away from start to end */
  absences: { start: number; end: number; units: number }[];
  /**
   * what a unit does with its task in hand when it goes off duty (a shift ends, an absence or outage
   * starts): 'finish' it first (absent = finish), or 'pause' it until it is next on duty (simulator/unit-duty.ts)
   */
  atShiftEnd?: 'finish' | 'pause';
}

export type Next =
  | { kind: 'end' }
  | { kind: 'step'; step: number }
  | {
      kind: 'branch';
      to: number[];
      /** cumulative probabilities of the entries with `p` (an entry with `when` adds 0) */
      cumulative: number[];
      /** per entry, its condition (model/expression.ts), or null for an entry chosen by `p`; absent = no conditions */
      when?: (Expr | null)[];
    }
  | { kind: 'parallel'; branches: number[]; join: number };

export interface Step {
  id: string;
  index: number;
  /** "process/step", the key used in results */
  key: string;
  /** a routing point (`gateway: true`): no unit, no time; the case passes on by `next` at once (skill is -1) */
  gateway?: boolean;
  skill: number;
  humanDuration: Distribution;
  botDuration: Distribution;
  /** human step a failed bot attempt sends the case to; -1 = retry at the same step */
  onBotFailure: number;
  next: Next;
  /** a number expression over the case's attributes that multiplies every duration drawn for this step; null = 1 */
  durationScale?: Expr | null;
  /** how long a case waits for this step's task before it abandons (absent: forever); simulator/abandonment.ts */
  patience?: Distribution;
  /** step an abandoned task sends the case to; -1 or absent = the case ends abandoned */
  onAbandon?: number;
  /** step a task blocked at a full queue sends the case to; -1 or absent = the case is lost */
  onBlocked?: number;
}

/**
 * A case attribute, drawn once per case (simulator/case-attributes.ts): a
 * number from a distribution, or one of a list of strings by weight.
 */
export type Attribute = { name: string; type: 'number'; dist: Distribution } | { name: string; type: 'string'; values: string[]; cumulative: number[] };

export interface Process {
  id: string;
  index: number;
  /** seconds from arrival to completion promised to the customer */
  sla: number;
  /** cost of one hour of delay of one case (cμ rule) */
  costOfDelayPerHour: number;
  start: number;
  steps: Step[];
  /** priority class: a higher one is served first in every queue (absent: 0) */
  priority?: number;
  /** its tasks may interrupt a person's task of a lower priority (which resumes later with its remaining work) */
  preemptive?: boolean;
  /** whether a case can enter a step twice (a loop, or a bot retry in place): its draws then count visits (model/process-graph.ts) */
  mayRevisit: boolean;
  /** case attributes, in the order their values are kept (expressions name them by index); absent or empty = none */
  attributes?: Attribute[];
}

export type Demand =
  | {
      /**
       * Rate-driven demand: Poisson (exponential gaps, drawn by thinning) unless
       * `interarrival` is set, which makes it a renewal process whose gaps are
       * drawn from that distribution in operational time (see simulator/demand.ts).
       */
      kind: 'poisson';
      process: number;
      /** mean arrivals per second before profiles and surges (1 / mean gap for a renewal process) */
      rate: number;
      /** renewal arrivals: the gap between arrivals at multiplier 1; absent = Poisson */
      interarrival?: Distribution;
      /** cases per arrival (rounded to an integer; 0 brings none); absent = 1 */
      batch?: Distribution;
      /** 24 multipliers, hour 0 first */
      hourOfDay: number[];
      /** 7 multipliers, Monday first */
      dayOfWeek: number[];
      surges: { start: number; end: number; factor: number }[];
    }
  | { kind: 'replay'; process: number; times: number[]; source: string };

interface DisruptionWindow {
  index: number;
  /** a readable name for tables: `outage ocr-bot @30d` */
  label: string;
  start: number;
  end: number;
}

/** A disruption: one branch per kind; what each does is in model/disruptions.ts. */
export type Disruption =
  /** units of a pool down (Infinity = the whole pool) */
  | (DisruptionWindow & { kind: 'outage'; pool: number; units: number })
  /** people of a human pool away */
  | (DisruptionWindow & { kind: 'absence'; pool: number; units: number })
  /** demand multiplied by `factor`, of one process (or every process: -1) */
  | (DisruptionWindow & { kind: 'surge'; process: number; factor: number })
  /** a pool's task durations multiplied by `factor` */
  | (DisruptionWindow & { kind: 'slowdown'; pool: number; factor: number });

export type DisruptionKind = Disruption['kind'];

export interface PolicySpec {
  name: string;
  /** path of a user policy module, resolved against the scenario file */
  module: string | null;
  params: Record<string, unknown>;
}

export interface QueueLimits {
  min: number;
  max: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** file the scenario was read from ('' if built in code) */
  file: string;
  seed: number;
  /** ISO timestamp of simulated time 0 (a Monday 00:00) */
  start: string;
  horizon: number;
  warmup: number;
  sampleEvery: number;
  /** arrivals stop at the horizon (or after `cases`) and the run goes on until every case is done (absent: false) */
  drain?: boolean;
  /** exactly this many counted arrivals (after the warm-up), then the run drains; the horizon no longer ends arrivals (absent: none) */
  cases?: number;
  /** seconds between decision epochs; 0 = only at start and at disruption edges */
  rebalanceEvery: number;
  policy: PolicySpec;
  /** skill names: one work queue per skill */
  skills: string[];
  /** min/max units per queue, by skill index (defaults 0 and Infinity) */
  queueLimits: QueueLimits[];
  /** by skill index: tasks that may wait in the queue (those in service not counted); one arriving at a full queue is blocked (Infinity: no limit) */
  queueCapacity?: number[];
  pools: Pool[];
  processes: Process[];
  demand: Demand[];
  disruptions: Disruption[];
}
