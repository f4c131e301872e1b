/**
 * The engine's state as a policy sees it: queues, pools and their units, recent
 * arrivals. Built at each decision epoch.
 */
import type { Snapshot } from '../allocation/policy.js';
import type { Engine } from './engine.js';

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

const BUSY = 1, OFF = 2;

export function buildSnapshot(engine: Engine, trigger: string, epochLength: number): Snapshot {
  const s = engine.scenario;
  const now = engine.now;
  const Q = s.skills.length;
  const queues = s.skills.map((skill, q) => {
    let oldest = now, minSlack = Infinity, breached = 0;
    engine.queues[q].forEach((t) => {
      if (t.enqueued < oldest) oldest = t.enqueued;
      const slack = t.kase.deadline - now;
      if (slack < minSlack) minSlack = slack;
      if (slack < 0) breached++;
    });
    const hist = engine.arrivalsHistory[q];
    return {
      index: q, skill, waiting: engine.queues[q].size, oldestWait: now - oldest, minSlack, breached,
      arrivalRate: epochLength > 0 && hist.length ? hist[hist.length - 1] / epochLength : 0,
      arrivalsHistory: hist.slice(),
      arrivalsThisEpoch: engine.arrivalsThisEpoch[q],
      meanServiceHuman: engine.meanService.human[q], meanServiceBot: engine.meanService.bot[q],
      costOfDelayPerHour: engine.costOfDelay[q],
      pools: s.pools.filter((p) => p.skills.includes(q)).map((p) => p.index),
      limits: s.queueLimits[q],
    };
  });
  const pools = s.pools.map((pool) => {
    const { first, size } = engine.unitsOf(pool.index);
    const assigned = new Array(Q).fill(0);
    let available = 0, busy = 0;
    for (let u = first; u < first + size; u++) {
      const q = engine.pendingQueue(u);
      if (q >= 0) assigned[q]++;
      if (engine.unitState[u] !== OFF) available++;
      if (engine.unitState[u] === BUSY) busy++;
    }
    const busyOn = new Array(Q).fill(0);
    for (let q = 0; q < Q; q++) busyOn[q] = engine.busyOn[pool.index * Q + q];
    return {
      index: pool.index, id: pool.id, kind: pool.kind, size: pool.size, available: Math.min(available, engine.activeCount[pool.index]), busy,
      skills: pool.skills.slice(), costPerHour: pool.costPerHour, failureRate: pool.failureRate,
      switchOver: pool.switchOver, assigned, busyOn,
    };
  });
  return {
    time: now, epoch: engine.epoch, epochLength: s.rebalanceEvery, trigger, queues, pools,
    activeDisruptions: [...engine.activeDisruptions].sort((a, b) => a - b).map((d) => s.disruptions[d].label),
  };
}
