/**
 * The constraints every allocation respects, whatever policy made it: only
 * skills a pool has (so bots only on steps bots can do), whole non-negative
 * units, no more units than the pool has, each queue's max units, and (as far
 * as flexible units allow) each queue's min units. The
 * engine and the live allocator pass every policy's answer through here, so a
 * user policy cannot break them either. Shift calendars and switch-over delays
 * are kept by the runtimes (a unit off duty or switching is not available).
 */
import type { Snapshot } from './policy.js';

export function enforceConstraints(assign: number[][], snapshot: Snapshot): number[][] {
  const Q = snapshot.queues.length;
  const out = snapshot.pools.map((pool) => {
    const row = new Array(Q).fill(0);
    const given = assign[pool.index] ?? [];
    let left = pool.size;
    // visit queues in index order: deterministic trimming when over the pool size
    for (let q = 0; q < Q; q++) {
      if (!pool.skills.includes(q)) continue;
      const n = Math.max(0, Math.floor(Number(given[q]) || 0));
      row[q] = Math.min(n, left);
      left -= row[q];
    }
    return row;
  });
  for (let q = 0; q < Q; q++) {
    const max = snapshot.queues[q].limits.max;
    let total = out.reduce((s, row) => s + row[q], 0);
    // trim from the last pool first
    for (let p = out.length - 1; p >= 0 && total > max; p--) {
      const cut = Math.min(out[p][q], total - max);
      out[p][q] -= cut;
      total -= cut;
    }
  }
  // each queue's min (never past its max): dedicate flexible units that are
  // available now, of pools that have the skill, first pool first
  for (let q = 0; q < Q; q++) {
    const { min: wantMin, max } = snapshot.queues[q].limits;
    const min = Math.min(wantMin, max);
    let total = out.reduce((s, row) => s + row[q], 0);
    for (const pool of snapshot.pools) {
      if (total >= min) break;
      if (!pool.skills.includes(q)) continue;
      const free = Math.min(pool.size, pool.available) - out[pool.index].reduce((a, b) => a + b, 0);
      if (free <= 0) continue;
      const add = Math.min(free, min - total);
      out[pool.index][q] += add;
      total += add;
    }
  }
  return out;
}
