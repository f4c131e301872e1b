/**
 * Scheduled demand (`demand.<p>.schedule`): cases that arrive at fixed times
 * of the week, e.g. a batch of 200 orders every day at 06:00. Each entry is
 * days of the week (all when absent), a time of day and a count; the entries
 * are unrolled over the horizon into arrival times, which the runtimes read
 * like replayed arrivals (every case of a batch at the same instant).
 *
 * ```ts
 * scheduleTimes([{ days: [0, 1, 2, 3, 4], at: 6 * 3600, count: 200 }], 7 * 86400); // 1000 times, 200 per weekday at 06:00
 * ```
 */
import { DAY } from './units.js';

export interface ScheduleEntry {
  /** 0 = Monday */
  days: number[];
  /** seconds since midnight */
  at: number;
  count: number;
}

/** The arrival times of the entries in [0, horizon], sorted; a batch repeats its time `count` times. */
export function scheduleTimes(entries: readonly ScheduleEntry[], horizon: number): number[] {
  const times: number[] = [];
  for (let day = 0; day * DAY <= horizon; day++) {
    const weekday = day % 7;
    const today = entries.filter((e) => e.days.includes(weekday)).sort((a, b) => a.at - b.at);
    for (const e of today) {
      const t = day * DAY + e.at;
      if (t > horizon) continue;
      for (let i = 0; i < e.count; i++) times.push(t);
    }
  }
  return times;
}
