/**
 * When one unit of a pausing pool (`atShiftEnd: pause`) is on duty, and so
 * when a task it starts ends: the work stops at the end of a shift or the
 * start of an absence or outage, and goes on when that unit is next on duty,
 * with what remained. Both runtimes call `workEnd` at the start of the work
 * (the engine schedules the end; the live case workflow sleeps until it), and
 * the unit board takes the units of such a pool off duty by the same rule:
 * a unit is on duty when its pool's shift is, and its place in the pool
 * (0-based) is below the units the absences and outages leave: an absence or
 * outage of n units takes the pool's last n units (`clerks#4`, then `#3`...),
 * the way an absence is of particular people.
 *
 * ```ts
 * const duty = new UnitDuty(dutyPlanOf(scenario, pool.index));
 * const end = duty.workEnd(unitOrdinal('clerks#2'), start, 3 * 3600);
 * ```
 */
import type { Scenario, ShiftWindow } from '../model/scenario.js';
import { ShiftCalendar } from './shift-calendar.js';
import { unitsTaken } from '../model/disruptions.js';

/** What decides when a pausing pool's units are on duty (plain JSON: it travels to the live case workflow). */
export interface DutyPlan {
  size: number;
  shifts: ShiftWindow[] | null;
  /** units away from start to end: the pool's absences and the disruptions that take its units (an outage of the whole pool: `size` units) */
  away: { start: number; end: number; units: number }[];
}

/** The duty plan of pool p: its shifts, absences, and the scenario's disruptions that take its units (absences, outages), as scheduled. */
export function dutyPlanOf(s: Scenario, p: number): DutyPlan {
  const pool = s.pools[p];
  const away = pool.absences.map((a) => ({ start: a.start, end: a.end, units: a.units }));
  for (const d of s.disruptions) {
    const units = unitsTaken(d, p);
    if (units > 0) away.push({ start: d.start, end: d.end, units: Math.min(units, pool.size) });
  }
  return { size: pool.size, shifts: pool.shifts, away };
}

/**
 * When the work of a task granted to `unitName` at `start` ends: `work` seconds
 * later, or, for a pool with a duty plan (it pauses), `work` seconds of that
 * unit's time on duty later. What the live case workflow sleeps until.
 */
export function taskEnd(duty: DutyPlan | undefined, unitName: string, start: number, work: number): number {
  return duty ? new UnitDuty(duty).workEnd(unitOrdinal(unitName), start, work) : start + work;
}

/** A unit's place in its pool (0-based) from its name, `pool#k` with k from 1. */
export function unitOrdinal(unitName: string): number {
  return Number(unitName.slice(unitName.lastIndexOf('#') + 1)) - 1;
}

export class UnitDuty {
  private readonly calendar: ShiftCalendar;
  /** every start and end of an away window, sorted */
  private readonly edges: number[];

  constructor(private readonly plan: DutyPlan) {
    this.calendar = new ShiftCalendar(plan.shifts);
    this.edges = [...new Set(plan.away.flatMap((a) => [a.start, a.end]))].sort((a, b) => a - b);
  }

  /** Units of the pool away at time t. */
  awayAt(t: number): number {
    let n = 0;
    for (const a of this.plan.away) if (t >= a.start && t < a.end) n += a.units;
    return n;
  }

  /** Whether unit k (0-based) is on duty at t. */
  onDuty(k: number, t: number): boolean {
    return this.calendar.onDuty(t) && k < this.plan.size - this.awayAt(t);
  }

  /** The next time after t at which some unit's duty may change. */
  nextEdge(t: number): number {
    let next = this.calendar.nextChange(t);
    for (const e of this.edges)
      if (e > t) {
        if (e < next) next = e;
        break;
      }
    return next;
  }

  /** When `work` seconds of unit k's work started at `start` are done, counting only its time on duty (Infinity if never). */
  workEnd(k: number, start: number, work: number): number {
    let t = start;
    let left = work;
    for (;;) {
      const edge = this.nextEdge(t);
      if (this.onDuty(k, t)) {
        if (t + left <= edge) return t + left;
        left -= edge - t;
      }
      if (edge === Infinity) return Infinity;
      t = edge;
    }
  }
}
