/**
 * How many units of a pool its schedule takes away, and what that leaves
 * over a stretch of time: the one reading of absences and absence/outage
 * disruptions that the unit board (live and `sim`) and the live result's
 * totals and time series share.
 */
import type { Scenario } from '../model/scenario.js';
import { ShiftCalendar } from './shift-calendar.js';
import { poolOf, unitsTaken } from '../model/disruptions.js';

/**
 * Units of pool p away at time t: its absences and, with `disruptions`, the
 * scenario's absence and outage disruptions of that pool as scheduled.
 */
export function unitsAway(s: Scenario, p: number, t: number, disruptions: boolean): number {
  let away = 0;
  for (const a of s.pools[p].absences) if (t >= a.start && t < a.end) away += a.units;
  if (disruptions) {
    for (const d of s.disruptions) {
      if (t >= d.start && t < d.end) away += unitsTaken(d, p);
    }
  }
  return away;
}

/**
 * Unit-seconds available (on duty, not absent, not down) and rostered (on
 * duty) of pool p in [from, to), from its shift calendar, absences and the
 * scenario's outage/absence disruptions.
 */
export function capacityHours(s: Scenario, p: number, from: number, to: number): { available: number; rostered: number } {
  const pool = s.pools[p];
  const cal = new ShiftCalendar(pool.shifts);
  const edges = new Set<number>([from, to]);
  for (const a of pool.absences) {
    edges.add(a.start);
    edges.add(a.end);
  }
  for (const d of s.disruptions)
    if (poolOf(d) === p) {
      edges.add(d.start);
      edges.add(d.end);
    }
  for (let t = from; t < to;) {
    const n = cal.nextChange(t);
    if (!(n < to)) break;
    edges.add(n);
    t = n;
  }
  const ts = [...edges].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  let available = 0,
    rostered = 0;
  for (let k = 0; k + 1 < ts.length; k++) {
    const a = ts[k],
      b = ts[k + 1];
    if (!cal.onDuty(a)) continue;
    rostered += pool.size * (b - a);
    available += Math.max(0, pool.size - unitsAway(s, p, a, true)) * (b - a);
  }
  return { available, rostered };
}
