/**
 * A scenario file as it reads once it has passed the schema
 * (model/scenario-schema.ts): the types `compileScenario` reads, declared
 * beside the schema so that the compiler checks every field read (no `any`).
 * Durations are still strings or seconds, names still names. The schema is
 * the authority on what a file may say; test/unit/raw-scenario.test.ts keeps
 * the field names here equal to the schema's (RAW_FIELDS, below, is checked
 * against these types by the compiler and against the schema by that test).
 */

/** `90s`, `20m`, `4h`, `2d`, `1w`, or seconds. */
export type RawDuration = string | number;
export type RawDay = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A distribution: `dist` and the fields of its kind (simulator/distributions.ts reads them by its table). */
export interface RawDistribution {
  dist: string;
  [field: string]: unknown;
}

export interface RawShift {
  days: RawDay[];
  from: string;
  to: string;
}
export interface RawWindow {
  start: RawDuration;
  duration: RawDuration;
}

export interface RawPool {
  kind: 'human' | 'bot';
  size: number;
  skills: string[];
  costPerHour?: number;
  shifts?: RawShift[];
  switchOver?: RawDuration;
  failureRate?: number;
  atShiftEnd?: 'finish' | 'pause';
  absences?: (RawWindow & { units: number })[];
}

export interface RawBranchEntry {
  to: string;
  p?: number;
  when?: string;
}
export type RawNext = string | { branch: RawBranchEntry[] } | { parallel: string[]; join: string };

export interface RawStep {
  gateway?: true;
  skill?: string;
  duration?: RawDistribution;
  humanDuration?: RawDistribution;
  botDuration?: RawDistribution;
  onBotFailure?: string;
  durationScale?: string;
  next?: RawNext;
  patience?: RawDistribution;
  onAbandon?: string;
  onBlocked?: string;
}

/** A case attribute: a distribution (a number) or `{ values, weights }` (a string). */
export type RawAttribute = RawDistribution | { values: (string | number | boolean)[]; weights?: number[]; dist?: undefined };

export interface RawProcess {
  sla: RawDuration;
  costOfDelayPerHour?: number;
  priority?: number;
  preemptive?: boolean;
  start: string;
  attributes?: Record<string, RawAttribute>;
  steps: Record<string, RawStep>;
}

export interface RawSurge extends RawWindow {
  factor: number;
}
export interface RawScheduleEntry {
  days?: RawDay[];
  at: string;
  count?: number;
}

/** One of: Poisson or renewal arrivals (rate or interarrival), a weekly schedule, a replay file. */
export interface RawDemand {
  rate?: string;
  interarrival?: RawDistribution;
  batch?: RawDistribution;
  hourOfDay?: number[];
  dayOfWeek?: number[];
  surges?: RawSurge[];
  schedule?: RawScheduleEntry[];
  replay?: string;
}

export interface RawDisruptionEntry extends RawWindow {
  kind: string;
  pool?: string;
  process?: string;
  units?: number;
  factor?: number;
}

export type RawPolicy =
  string | { name: string; module?: undefined; params?: Record<string, unknown> } | { module: string; name?: undefined; params?: Record<string, unknown> };

export interface RawQueueLimits {
  min?: number;
  max?: number;
  capacity?: number;
}

export interface RawScenario {
  $schema?: string;
  name: string;
  description?: string;
  seed?: number;
  start?: string;
  horizon: RawDuration;
  warmup?: RawDuration;
  sampleEvery?: RawDuration;
  drain?: boolean;
  cases?: number;
  rebalanceEvery?: RawDuration;
  policy?: RawPolicy;
  queues?: Record<string, RawQueueLimits>;
  pools: Record<string, RawPool>;
  processes: Record<string, RawProcess>;
  demand: Record<string, RawDemand>;
  disruptions?: RawDisruptionEntry[];
}

/**
 * The field names of each raw object, checked both ways by the compiler
 * (`satisfies Record<keyof T, true>`: a field missing here or unknown to the
 * type is an error) and compared with the schema's by a test.
 */
const fields =
  <T>() =>
  <K extends Record<keyof T, true>>(k: K & Record<Exclude<keyof K, keyof T>, never>) =>
    Object.keys(k);
export const RAW_FIELDS = {
  scenario: fields<RawScenario>()({
    $schema: true,
    name: true,
    description: true,
    seed: true,
    start: true,
    horizon: true,
    warmup: true,
    sampleEvery: true,
    drain: true,
    cases: true,
    rebalanceEvery: true,
    policy: true,
    queues: true,
    pools: true,
    processes: true,
    demand: true,
    disruptions: true,
  }),
  pool: fields<RawPool>()({
    kind: true,
    size: true,
    skills: true,
    costPerHour: true,
    shifts: true,
    switchOver: true,
    failureRate: true,
    atShiftEnd: true,
    absences: true,
  }),
  process: fields<RawProcess>()({ sla: true, costOfDelayPerHour: true, priority: true, preemptive: true, start: true, attributes: true, steps: true }),
  step: fields<RawStep>()({
    gateway: true,
    skill: true,
    duration: true,
    humanDuration: true,
    botDuration: true,
    onBotFailure: true,
    durationScale: true,
    next: true,
    patience: true,
    onAbandon: true,
    onBlocked: true,
  }),
  demand: fields<RawDemand>()({ rate: true, interarrival: true, batch: true, hourOfDay: true, dayOfWeek: true, surges: true, schedule: true, replay: true }),
  disruption: fields<RawDisruptionEntry>()({ kind: true, start: true, duration: true, pool: true, process: true, units: true, factor: true }),
  queue: fields<RawQueueLimits>()({ min: true, max: true, capacity: true }),
};
