/**
 * When a pool is on duty: its weekly shift windows turned into on/off edges.
 * `onDuty(t)` answers for any time; `nextChange(t)` gives the next edge after t
 * (Infinity for a pool that is always on).
 */
import type { ShiftWindow } from '../model/scenario.js';
import { DAY, WEEK } from '../model/units.js';

export class ShiftCalendar {
  /** sorted [start, end) intervals within one week, merged */
  private readonly intervals: [number, number][];

  constructor(shifts: ShiftWindow[] | null) {
    if (!shifts) {
      this.intervals = [[0, WEEK]];
      return;
    }
    const raw: [number, number][] = [];
    for (const s of shifts) {
      for (const d of s.days) {
        const from = d * DAY + s.from;
        const to = s.to > s.from ? d * DAY + s.to : (d + 1) * DAY + s.to;
        if (to <= WEEK) raw.push([from, to]);
        else {
          raw.push([from, WEEK]);
          raw.push([0, to - WEEK]);
        }
      }
    }
    raw.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const iv of raw) {
      const last = merged[merged.length - 1];
      if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else merged.push([iv[0], iv[1]]);
    }
    this.intervals = merged;
  }

  get alwaysOn(): boolean {
    return this.intervals.length === 1 && this.intervals[0][0] === 0 && this.intervals[0][1] === WEEK;
  }

  onDuty(t: number): boolean {
    const w = ((t % WEEK) + WEEK) % WEEK;
    for (const [a, b] of this.intervals) if (w >= a && w < b) return true;
    return false;
  }

  nextChange(t: number): number {
    if (this.alwaysOn || this.intervals.length === 0) return Infinity;
    const weekStart = Math.floor(t / WEEK) * WEEK;
    for (let k = 0; k < 2; k++) {
      for (const [a, b] of this.intervals) {
        for (const edge of [a, b]) {
          const at = weekStart + k * WEEK + edge;
          if (at > t && edge !== WEEK && !(edge === 0 && this.touchesWeekEnd())) return at;
        }
      }
    }
    return Infinity;
  }

  /** On-duty seconds within [from, to). */
  dutySeconds(from: number, to: number): number {
    let total = 0;
    let t = from;
    while (t < to) {
      const next = Math.min(this.nextChange(t), to);
      if (this.onDuty(t)) total += next - t;
      t = next;
    }
    return total;
  }

  private touchesWeekEnd(): boolean {
    return this.intervals.some(([, b]) => b === WEEK);
  }
}
