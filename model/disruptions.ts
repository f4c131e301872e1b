/**
 * The disruption kinds: for each, its fields in a scenario file (the schema's
 * branch), what it becomes once compiled, and what it does while in force —
 * units taken from a pool, a factor on a process's demand, a factor on a
 * pool's task durations. The engine, the live runtime and the figures ask
 * these three questions through `unitsTaken`, `demandFactor` and
 * `durationFactor` and never look at a kind themselves, so adding a kind is
 * one entry in `DISRUPTION_KINDS` (plus its test and docs/scenario.md).
 *
 * ```ts
 * let rate = base;
 * for (const d of scenario.disruptions) if (t >= d.start && t < d.end) rate *= demandFactor(d, process);
 * ```
 */
import type { Disruption, DisruptionKind } from './scenario.js';

/** A disruption's fields as the file gives them, its pool and process already resolved to indices. */
export interface RawDisruption {
  kind: DisruptionKind;
  /** index of the pool named, -1 if none */
  pool: number;
  /** index of the process named, -1 if none */
  process: number;
  units?: number;
  factor?: number;
}

interface KindSpec<K extends DisruptionKind> {
  /** the schema's branch for this kind (beside `kind`, `start`, `duration`) */
  fields: { required: string[]; properties: Record<string, object> };
  /** does it hit people only (an absence): a bot pool named is an error */
  peopleOnly?: boolean;
  compile(raw: RawDisruption): Omit<Extract<Disruption, { kind: K }>, 'index' | 'label' | 'start' | 'end' | 'kind'>;
  /** units of pool p it takes off duty while in force */
  unitsTaken?(d: Extract<Disruption, { kind: K }>, p: number): number;
  /** factor on the arrival rate of process `process` while in force; null if it does not hit that process */
  demandFactor?(d: Extract<Disruption, { kind: K }>, process: number): number | null;
  /** factor on the durations of tasks done by pool p while in force */
  durationFactor?(d: Extract<Disruption, { kind: K }>, p: number): number;
}

const pool = { type: 'string', description: 'The pool it hits.' };
const units = { type: 'integer', minimum: 1 };

export const DISRUPTION_KINDS: { [K in DisruptionKind]: KindSpec<K> } = {
  outage: {
    fields: { required: ['pool'], properties: { pool, units: { ...units, description: 'Units down; absent = the whole pool.' } } },
    compile: (r) => ({ pool: r.pool, units: r.units ?? Infinity }),
    unitsTaken: (d, p) => (d.pool === p ? d.units : 0),
  },
  absence: {
    fields: { required: ['pool', 'units'], properties: { pool, units: { ...units, description: 'People away.' } } },
    peopleOnly: true,
    compile: (r) => ({ pool: r.pool, units: r.units ?? 0 }),
    unitsTaken: (d, p) => (d.pool === p ? d.units : 0),
  },
  surge: {
    fields: {
      required: ['factor'],
      properties: {
        process: { type: 'string', description: 'Absent = every process.' },
        factor: { type: 'number', minimum: 0, description: 'Multiplier on the arrival rate.' },
      },
    },
    compile: (r) => ({ process: r.process, factor: r.factor ?? 1 }),
    demandFactor: (d, process) => (d.process < 0 || d.process === process ? d.factor : null),
  },
  slowdown: {
    fields: {
      required: ['pool', 'factor'],
      properties: { pool, factor: { type: 'number', exclusiveMinimum: 0, description: 'Multiplier on task durations.' } },
    },
    compile: (r) => ({ pool: r.pool, factor: r.factor ?? 1 }),
    durationFactor: (d, p) => (d.pool === p ? d.factor : 1),
  },
};

type AnySpec = KindSpec<DisruptionKind> & { [k: string]: unknown };
const specOf = (d: Disruption): AnySpec => DISRUPTION_KINDS[d.kind] as unknown as AnySpec;

/** Units of pool p that `d` takes off duty while in force (0 if it does not hit p's units). */
export function unitsTaken(d: Disruption, p: number): number {
  return specOf(d).unitsTaken?.(d as never, p) ?? 0;
}

/** The factor `d` puts on the arrival rate of `process` while in force (1 if none). */
export function demandFactor(d: Disruption, process: number): number {
  return specOf(d).demandFactor?.(d as never, process) ?? 1;
}

/** The factor `d` puts on the durations of pool p's tasks while in force (1 if none). */
export function durationFactor(d: Disruption, p: number): number {
  return specOf(d).durationFactor?.(d as never, p) ?? 1;
}

/** Does `d` act on the demand of `process` (a surge that names it or every process)? */
export function hitsDemand(d: Disruption, process: number): boolean {
  return (specOf(d).demandFactor?.(d as never, process) ?? null) !== null;
}

/** Does `d` act on any demand at all? */
export function actsOnDemand(d: Disruption): boolean {
  return specOf(d).demandFactor !== undefined;
}

/** The pool `d` names, -1 if none. */
export function poolOf(d: Disruption): number {
  return 'pool' in d ? d.pool : -1;
}

/** The process `d` names, -1 if none (or every process). */
export function processOf(d: Disruption): number {
  return 'process' in d ? d.process : -1;
}
