/** The event calendar orders by (time, seq): same-instant events leave in the order they were scheduled. */
import { describe, it, expect } from 'vitest';
import { EventCalendar } from '../../simulator/calendar.js';

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('event calendar', () => {
  it('always pops the smallest (time, seq) among what is scheduled, over many random pushes with many ties', () => {
    for (let trial = 0; trial < 20; trial++) {
      const rand = prng(trial + 1);
      const cal = new EventCalendar(4);
      const pending: { t: number; id: number }[] = [];
      let id = 0;
      for (let i = 0; i < 3000; i++) {
        if (rand() < 0.6 || cal.size === 0) {
          const t = Math.floor(rand() * 20); // only 20 distinct instants: many ties
          cal.schedule(t, 0, id);
          pending.push({ t, id: id++ });
        } else {
          cal.pop();
          let best = 0;
          for (let k = 1; k < pending.length; k++) {
            if (pending[k].t < pending[best].t || (pending[k].t === pending[best].t && pending[k].id < pending[best].id)) best = k;
          }
          expect({ t: cal.lastTime, id: cal.lastArg }).toEqual(pending[best]);
          pending.splice(best, 1);
        }
      }
      expect(cal.size).toBe(pending.length);
    }
  });

  it('same-instant events leave in scheduling order (ids 10 after 2, never by string)', () => {
    const cal = new EventCalendar(2);
    for (let i = 0; i < 100; i++) cal.schedule(5, 0, i);
    const order: number[] = [];
    while (cal.pop()) order.push(cal.lastArg);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('drains in sorted order', () => {
    const rand = prng(99);
    const cal = new EventCalendar(8);
    const items = Array.from({ length: 5000 }, (_, i) => ({ t: Math.floor(rand() * 50), i }));
    for (const x of items) cal.schedule(x.t, 0, x.i);
    const out: { t: number; i: number }[] = [];
    while (cal.pop()) out.push({ t: cal.lastTime, i: cal.lastArg });
    const expected = [...items].sort((a, b) => a.t - b.t || a.i - b.i);
    expect(out).toEqual(expected);
  });
});
