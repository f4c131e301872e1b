/**
 * The unit board's state as a policy sees it: queues, pools and their units,
 * recent arrivals. Built at each decision epoch, for the `sim` engine and the
 * live allocator alike (both drive a `UnitBoard`).
 */
import type { Snapshot } from '../allocation/policy.js';
import type { BoardItem, UnitBoard } from './unit-board.js';

export interface DecisionRecord {
  time: number;
  epoch: number;
  trigger: string;
  policy: string;
  reason: string;
  /** units dedicated per pool and queue (the rest are flexible) */
  assign: Record<string, Record<string, number>>;
  waiting: Record<string, number>;
}

const BUSY = 1,
  OFF = 2,
  PAUSED = 4;

export function buildSnapshot(board: UnitBoard<BoardItem>, trigger: string, epochLength: number): Snapshot {
  const s = board.scenario;
  const now = board.now;
  const Q = s.skills.length;
  const queues = s.skills.map((skill, q) => {
    let oldest = now,
      minSlack = Infinity,
      breached = 0;
    board.queues[q].forEach((t) => {
      if (t.enqueued < oldest) oldest = t.enqueued;
      const slack = t.deadline - now;
      if (slack < minSlack) minSlack = slack;
      if (slack < 0) breached++;
    });
    const hist = board.arrivalsHistory[q];
    return {
      index: q,
      skill,
      waiting: board.queues[q].size,
      oldestWait: now - oldest,
      minSlack,
      breached,
      arrivalRate: epochLength > 0 && hist.length ? hist[hist.length - 1] / epochLength : 0,
      // the board's copy for this epoch, shared by its snapshots: a policy writing to it changes only its own view
      arrivalsHistory: hist,
      arrivalsThisEpoch: board.arrivalsThisEpoch[q],
      meanServiceHuman: board.meanService.human[q],
      meanServiceBot: board.meanService.bot[q],
      costOfDelayPerHour: board.costOfDelay[q],
      pools: s.pools.filter((p) => p.skills.includes(q)).map((p) => p.index),
      limits: s.queueLimits[q],
    };
  });
  const pools = s.pools.map((pool) => {
    const { first, size } = board.unitsOf(pool.index);
    const assigned = new Array(Q).fill(0);
    let available = 0,
      busy = 0;
    for (let u = first; u < first + size; u++) {
      const q = board.pendingQueue(u);
      if (q >= 0) assigned[q]++;
      if (board.unitState[u] !== OFF && board.unitState[u] !== PAUSED) available++;
      if (board.unitState[u] === BUSY) busy++;
    }
    const busyOn = new Array(Q).fill(0);
    for (let q = 0; q < Q; q++) busyOn[q] = board.busyOn[pool.index * Q + q];
    return {
      index: pool.index,
      id: pool.id,
      kind: pool.kind,
      size: pool.size,
      available: Math.min(available, board.activeCount[pool.index]),
      busy,
      skills: pool.skills.slice(),
      costPerHour: pool.costPerHour,
      failureRate: pool.failureRate,
      switchOver: pool.switchOver,
      assigned,
      busyOn,
    };
  });
  return {
    time: now,
    epoch: board.epoch,
    epochLength: s.rebalanceEvery,
    trigger,
    queues,
    pools,
    activeDisruptions: [...board.activeDisruptions].sort((a, b) => a - b).map((d) => s.disruptions[d].label),
  };
}
