/**
 * The statistics of `autoshift compare`: paired differences, the unpaired
 * (Welch) interval they are contrasted with, the key figures of a replication,
 * and the ranking with ties.
 */
import { describe, it, expect } from 'vitest';
import {
  containsZero,
  differenceOf,
  metricByName,
  pairedDifference,
  rankArms,
  replicationKpis,
  unpairedCi95,
  verdict,
  KPI_METRICS,
  type Arm,
} from '../../simulator/compare.js';
import { estimate, tQuantile975 } from '../../simulator/summarize.js';
import type { ReplicationFigures } from '../../simulator/figures.js';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { createPolicy, policyNames } from '../../allocation/registry.js';
import { simulateReplication } from '../../simulator/simulate.js';

/** A deterministic stand-in for noise: values spread around 0 with no randomness. */
const noise = (r: number) => Math.sin(1.7 * r + 0.3) * (1 + (r % 3));

describe('paired differences', () => {
  it('are the mean and ci95 of the per-replication differences', () => {
    const a = [10, 12, 9, 14, 11];
    const b = [9, 11.5, 8, 13.2, 10.1];
    const d = pairedDifference(a, b);
    const direct = estimate([1, 0.5, 1, 0.8, 0.9]);
    expect(d.mean).toBeCloseTo(direct.mean, 12);
    expect(d.ci95).toBeCloseTo(direct.ci95, 12);
    // by hand: mean 0.84, sd sqrt(0.043), t(4) = 2.776
    expect(d.mean).toBeCloseTo(0.84, 9);
    expect(d.ci95).toBeCloseTo((2.776 * Math.sqrt(0.043)) / Math.sqrt(5), 6);
  });

  it('of an arm against itself are exactly 0 ± 0, while the unpaired interval is not', () => {
    const a = Array.from({ length: 10 }, (_, r) => 0.8 + 0.05 * noise(r));
    const d = differenceOf(a, [...a]);
    expect(d.mean).toBe(0);
    expect(d.ci95).toBe(0);
    expect(d.unpairedCi95).toBeGreaterThan(0);
    expect(containsZero(d)).toBe(true);
  });

  it('refuse arms with different numbers of replications', () => {
    expect(() => pairedDifference([1, 2, 3], [1, 2])).toThrow(/same number/);
  });

  it('give a narrower interval than unpaired when replications are positively correlated', () => {
    // common random numbers: both arms share the replication's luck (common), b is better by 0.5 plus a little of its own noise
    const R = 12;
    const common = Array.from({ length: R }, (_, r) => 5 * noise(r));
    const a = common.map((c, r) => 100 + c + 0.1 * noise(r + 40));
    const b = common.map((c, r) => 100.5 + c + 0.1 * noise(r + 80));
    const d = differenceOf(b, a);
    expect(d.mean).toBeCloseTo(0.5, 1);
    expect(d.ci95).toBeLessThan(d.unpairedCi95 / 10);
    expect(containsZero(d)).toBe(false); // paired: b is better
    expect(Math.abs(d.mean)).toBeLessThan(d.unpairedCi95); // unpaired: could not tell
  });

  it('are wider than unpaired when replications are negatively correlated (pairing is no free lunch)', () => {
    const a = Array.from({ length: 10 }, (_, r) => 10 + noise(r));
    const b = a.map((x) => 20 - x);
    const d = differenceOf(a, b);
    expect(d.ci95).toBeGreaterThan(d.unpairedCi95);
  });

  it('unpaired interval is Welch: equal variances and sizes give t(2n-2)·sqrt(2s²/n)', () => {
    const a = [1, 2, 3, 4, 5];
    const b = [11, 12, 13, 14, 15];
    // s² = 2.5 each; se = sqrt(2·2.5/5) = 1; df = 8
    expect(unpairedCi95(a, b)).toBeCloseTo(tQuantile975(8), 6);
    expect(unpairedCi95([3, 3, 3], [4, 4, 4])).toBe(0);
    expect(unpairedCi95([3], [4])).toBe(0);
  });
});

function figures(over: {
  sla: number;
  cost: number;
  completed: number[];
  cycle: number[];
  backlog: number[];
  busy: number[];
  available: number[];
}): ReplicationFigures {
  const processes: ReplicationFigures['processes'] = {};
  over.completed.forEach((c, i) => {
    processes[`p${i}`] = {
      arrived: c,
      completed: c,
      openAtEnd: 0,
      openAgeMeanSeconds: 0,
      waitMeanSeconds: 0,
      criticalPathWaitMeanSeconds: 0,
      cycleMeanSeconds: over.cycle[i],
      cycleP95Seconds: 0,
      slaAttainment: over.sla,
      costPerCase: 0,
      automationShare: 0,
      wipMean: 0,
      throughputPerHour: 0,
    };
  });
  const pools: ReplicationFigures['pools'] = {};
  over.busy.forEach((b, i) => {
    pools[`pool${i}`] = { utilization: b / over.available[i], cost: 0, busyHours: b, availableHours: over.available[i] };
  });
  const total = over.completed.reduce((s, x) => s + x, 0);
  return {
    seed: 1,
    events: 0,
    simulatedSeconds: 86_400,
    processes,
    steps: {},
    pools,
    totals: { completed: total, cost: over.cost, slaAttainment: over.sla, costPerCase: total ? over.cost / total : 0 },
    timeseries: {
      time: over.backlog.map((_, k) => k),
      backlog: {},
      backlogTotal: over.backlog,
      wip: {},
      utilization: {},
      slaAttainment: [],
      completed: [],
      arrived: [],
      cost: [],
      workCost: [],
    },
  };
}

describe('key figures of a replication', () => {
  it('weights cycle times by completions, takes the worst backlog and pools utilisation by hours', () => {
    const k = replicationKpis(
      figures({
        sla: 0.9,
        cost: 1000,
        completed: [30, 10],
        cycle: [100, 500],
        backlog: [3, 9, 4],
        busy: [6, 1],
        available: [8, 4],
      }),
    );
    expect(k.cycleMeanSeconds).toBeCloseTo((30 * 100 + 10 * 500) / 40, 12);
    expect(k.worstBacklog).toBe(9);
    expect(k.utilization).toBeCloseTo(7 / 12, 12);
    expect(k.pools).toEqual({ pool0: 0.75, pool1: 0.25 });
    expect(k.costPerCase).toBe(25);
    expect(k.totalCost).toBe(1000);
    expect(k.slaAttainment).toBe(0.9);
  });

  it('has no NaN when nothing completed', () => {
    const k = replicationKpis(figures({ sla: 0, cost: 0, completed: [0], cycle: [0], backlog: [], busy: [0], available: [0] }));
    expect(
      Object.values(k)
        .filter((v) => typeof v === 'number')
        .every(Number.isFinite),
    ).toBe(true);
  });
});

describe('metrics by name', () => {
  const ids = { processes: ['invoice'], steps: ['invoice/extract'], pools: ['clerks'] };
  it('knows the KPIs and figure paths, with the right direction', () => {
    expect(metricByName('slaAttainment', ids).better).toBe('higher');
    expect(metricByName('costPerCase', ids).better).toBe('lower');
    expect(metricByName('processes.invoice.cycleP95Seconds', ids).better).toBe('lower');
    expect(metricByName('pools.clerks.utilization', ids).kind).toBe('share');
    expect(metricByName('steps.invoice/extract.waitMeanSeconds', ids).better).toBe('lower');
    expect(metricByName('totals.cost', ids).better).toBe('lower');
  });
  it('names what is expected when the name is wrong', () => {
    expect(() => metricByName('speed', ids)).toThrow(/unknown metric 'speed' \(expected one of slaAttainment/);
    expect(() => metricByName('processes.order.slaAttainment', ids)).toThrow(/no process 'order' \(expected one of: invoice\)/);
    expect(() => metricByName('pools.clerks.mood', ids)).toThrow(/no field 'mood' in pools/);
  });
  it('KPI keys are unique', () => {
    expect(new Set(KPI_METRICS.map((m) => m.key)).size).toBe(KPI_METRICS.length);
  });
});

describe('ranking', () => {
  const rankBy = [
    { key: 'sla', better: 'higher' as const },
    { key: 'cost', better: 'lower' as const },
  ];
  const R = 8;
  const common = Array.from({ length: R }, (_, r) => 0.03 * noise(r));
  const arm = (name: string, sla: number, cost: number, wobble = 0, phase = 0): Arm => ({
    name,
    values: {
      sla: common.map((c, r) => sla + c + wobble * noise(r + 17 + phase)),
      cost: common.map((c, r) => cost + 100 * c + wobble * noise(r + 29 + phase)),
    },
  });

  it('orders by SLA attainment first', () => {
    const ranking = rankArms([arm('low', 0.8, 10), arm('high', 0.9, 12), arm('mid', 0.85, 8)], rankBy);
    expect(ranking.map((e) => [e.rank, e.name, e.tied])).toEqual([
      [1, 'high', false],
      [2, 'mid', false],
      [3, 'low', false],
    ]);
    expect(ranking[0].against).toBeUndefined();
    expect(ranking[1].against).toMatchObject({ other: 'high', winner: 'other', metric: 'sla' });
    expect(ranking[1].against!.difference.mean).toBeCloseTo(-0.05, 9);
    expect(ranking[2].against).toMatchObject({ other: 'high', winner: 'other', metric: 'sla' });
  });

  it('breaks an SLA tie on cost per case', () => {
    const ranking = rankArms([arm('dear', 0.9, 12), arm('cheap', 0.9, 10)], rankBy);
    expect(ranking.map((e) => e.name)).toEqual(['cheap', 'dear']);
    expect(ranking[1]).toMatchObject({ rank: 2, tied: false, against: { other: 'cheap', winner: 'other', metric: 'cost' } });
  });

  it('calls arms tied when every paired interval contains 0, and they share a rank', () => {
    const ranking = rankArms([arm('a', 0.9, 10), arm('a2', 0.9, 10), arm('worse', 0.7, 10)], rankBy);
    expect(ranking.map((e) => [e.rank, e.name, e.tied, e.tiedWith])).toEqual([
      [1, 'a', false, ['a2']],
      [1, 'a2', true, ['a']],
      [3, 'worse', false, []],
    ]);
    expect(ranking[1].against).toMatchObject({ other: 'a', winner: 'tied' });
    expect(ranking[1].against!.differences).toEqual({ sla: { mean: 0, ci95: 0 }, cost: { mean: 0, ci95: 0 } });
  });

  it('shares a rank only among arms tied with each other: ties do not chain past a significant difference', () => {
    // best beats worst on SLA; middle is within the noise of both
    const R2 = 10;
    const best = { name: 'best', values: { sla: Array.from({ length: R2 }, (_, r) => 0.9 + 0.001 * noise(r)), cost: new Array(R2).fill(10) } };
    const worst = { name: 'worst', values: { sla: best.values.sla.map((x) => x - 0.01), cost: new Array(R2).fill(10) } };
    const middle = { name: 'middle', values: { sla: best.values.sla.map((x, r) => x - 0.005 + 0.02 * noise(r + 7)), cost: new Array(R2).fill(10) } };
    expect(verdict(middle, best, rankBy).winner).toBe('tied');
    expect(verdict(middle, worst, rankBy).winner).toBe('tied');
    const ranking = rankArms([worst, middle, best], rankBy);
    expect(ranking.map((e) => [e.rank, e.name])).toEqual([
      [1, 'best'],
      [1, 'middle'],
      [3, 'worst'],
    ]);
    expect(ranking[2].against).toMatchObject({ other: 'best', winner: 'other', metric: 'sla' });
    expect(ranking[2].tiedWith).toEqual([]);
  });

  it('a small difference drowned in arm-specific noise is a tie', () => {
    const v = verdict(arm('x', 0.9, 10, 0.05), arm('y', 0.901, 10, 0.05, 5), rankBy);
    expect(v.winner).toBe('tied');
  });

  it('does not depend on the order the arms are given', () => {
    const arms = [arm('low', 0.8, 10), arm('high', 0.9, 12), arm('mid', 0.85, 8), arm('mid-dear', 0.85, 9)];
    const names = rankArms(arms, rankBy).map((e) => e.name);
    expect(rankArms([...arms].reverse(), rankBy).map((e) => e.name)).toEqual(names);
    expect(names).toEqual(['high', 'mid', 'mid-dear', 'low']);
  });
});

describe('common random numbers on the real engine', () => {
  const text = (c: number) => `
name: M/M/c
seed: 11
horizon: 12d
warmup: 2d
pools: { agents: { kind: human, size: ${c}, skills: [work], costPerHour: 30 } }
processes:
  job: { sla: 1h, start: serve, steps: { serve: { skill: work, duration: { dist: exponential, mean: 20m } } } }
demand: { job: { rate: 10/h } }
`;
  it('4 vs 5 servers: the paired interval of the SLA difference is narrower than the unpaired one', () => {
    const run = (c: number) => {
      const s = compileScenario(parseScenarioText(text(c), 'inline.yaml'), { knownPolicies: policyNames() });
      return Array.from({ length: 8 }, (_, r) => simulateReplication({ scenario: s, policy: createPolicy(s), replication: r }).totals.slaAttainment);
    };
    const four = run(4),
      five = run(5);
    const d = differenceOf(five, four);
    expect(d.mean).toBeGreaterThan(0);
    expect(d.ci95).toBeLessThan(d.unpairedCi95);
    expect(five.every((x, r) => x >= four[r])).toBe(true); // a server more never hurts a FIFO queue, replication by replication
  });
});
