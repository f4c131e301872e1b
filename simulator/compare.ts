/**
 * The statistics of a policy comparison (and of a sweep), pure: key figures
 * per replication, paired differences between two arms run on the same seeds
 * (common random numbers), and a ranking that calls two arms tied when the
 * paired 95% interval of their difference contains 0.
 *
 * Why paired: replication r of every arm sees the same arrivals and the same
 * task durations, so most of the replication-to-replication noise is common to
 * both arms and cancels in `a[r] - b[r]`. The variance of a difference is
 * var(a) + var(b) - 2 cov(a, b); pairing removes the covariance term's penalty,
 * and the interval of the mean difference is narrower than the unpaired
 * (Welch) interval whenever the arms are positively correlated.
 *
 * ```ts
 * const a = figuresA.map(replicationKpis), b = figuresB.map(replicationKpis);
 * pairedDifference(a.map((k) => k.slaAttainment), b.map((k) => k.slaAttainment)); // { mean, ci95 }
 * ```
 */
import type { ReplicationFigures } from './figures.js';
import { estimate, tQuantile975, type Estimate } from './summarize.js';

/** The key figures of one replication, each one number. */
export interface ReplicationKpis {
  /** share of completed cases (all processes) that met their SLA */
  slaAttainment: number;
  /** mean cycle time over all completed cases, seconds (process means weighted by completions) */
  cycleMeanSeconds: number;
  /** rostered cost over completed cases (`totals.costPerCase`) */
  costPerCase: number;
  /** rostered cost of all pools over the observed window */
  totalCost: number;
  /** largest total backlog (tasks waiting, all queues) at any sample after warm-up */
  worstBacklog: number;
  /** busy hours over available hours, all pools together */
  utilization: number;
  completed: number;
  /** utilisation per pool */
  pools: Record<string, number>;
}

export function replicationKpis(f: ReplicationFigures): ReplicationKpis {
  let done = 0,
    cycle = 0;
  for (const p of Object.values(f.processes)) {
    done += p.completed;
    cycle += p.cycleMeanSeconds * p.completed;
  }
  let busy = 0,
    available = 0;
  const pools: Record<string, number> = {};
  for (const [id, p] of Object.entries(f.pools)) {
    busy += p.busyHours;
    available += p.availableHours;
    pools[id] = p.utilization;
  }
  let worst = 0;
  for (const b of f.timeseries.backlogTotal) if (b > worst) worst = b;
  return {
    slaAttainment: f.totals.slaAttainment,
    cycleMeanSeconds: done > 0 ? cycle / done : 0,
    costPerCase: f.totals.costPerCase,
    totalCost: f.totals.cost,
    worstBacklog: worst,
    utilization: available > 0 ? busy / available : 0,
    completed: f.totals.completed,
    pools,
  };
}

/** A figure to compare arms on: how to read it from one replication, and which way is better. */
export interface Metric {
  /** key in JSON documents: a KPI name (`slaAttainment`) or a figure path (`processes.invoice.cycleP95Seconds`) */
  key: string;
  /** short label for tables */
  label: string;
  better: 'higher' | 'lower';
  /** how a value is shown: a share, a duration in seconds, money or a count */
  kind: 'share' | 'duration' | 'money' | 'count';
  of(f: ReplicationFigures): number;
}

const kpi = (key: Exclude<keyof ReplicationKpis, 'pools'>, label: string, better: Metric['better'], kind: Metric['kind']): Metric => ({
  key,
  label,
  better,
  kind,
  of: (f) => replicationKpis(f)[key],
});

/** The KPIs of a comparison, in table order. */
export const KPI_METRICS: readonly Metric[] = [
  kpi('slaAttainment', 'SLA met', 'higher', 'share'),
  kpi('cycleMeanSeconds', 'cycle', 'lower', 'duration'),
  kpi('costPerCase', 'cost/case', 'lower', 'money'),
  kpi('worstBacklog', 'worst backlog', 'lower', 'count'),
  kpi('utilization', 'utilisation', 'higher', 'share'),
  kpi('totalCost', 'total cost', 'lower', 'money'),
];

/** The KPIs that are per completed case: they have no value where nothing completed. */
const PER_CASE_KPIS: ReadonlySet<string> = new Set(['slaAttainment', 'cycleMeanSeconds', 'costPerCase']);

/**
 * A KPI across replications, as a result shows it: a per-case KPI over the
 * replications that completed a case (a replication with none has no such
 * value, not 0), and null when none did. Paired differences keep every
 * replication's value (`Metric.of`).
 */
export function kpiEstimate(key: string, values: readonly number[], completed: readonly number[]): Estimate | null {
  if (!PER_CASE_KPIS.has(key)) return estimate(values);
  const kept = values.filter((_, r) => completed[r] > 0);
  return kept.length ? estimate(kept) : null;
}

/** Which way is better for each field of ReplicationFigures, and how it prints. */
const FIELDS: Record<string, Record<string, [Metric['better'], Metric['kind']]>> = {
  processes: {
    arrived: ['higher', 'count'],
    completed: ['higher', 'count'],
    waitMeanSeconds: ['lower', 'duration'],
    cycleMeanSeconds: ['lower', 'duration'],
    cycleP95Seconds: ['lower', 'duration'],
    slaAttainment: ['higher', 'share'],
    costPerCase: ['lower', 'money'],
    automationShare: ['higher', 'share'],
    wipMean: ['lower', 'count'],
    throughputPerHour: ['higher', 'count'],
  },
  steps: { completed: ['higher', 'count'], waitMeanSeconds: ['lower', 'duration'], serviceMeanSeconds: ['lower', 'duration'] },
  pools: { utilization: ['higher', 'share'], cost: ['lower', 'money'], busyHours: ['lower', 'count'], availableHours: ['higher', 'count'] },
  totals: { completed: ['higher', 'count'], cost: ['lower', 'money'], slaAttainment: ['higher', 'share'], costPerCase: ['lower', 'money'] },
};

/**
 * A metric by name: one of the KPI keys, or a figure path `processes.<id>.<field>`,
 * `steps.<process/step>.<field>`, `pools.<id>.<field>`, `totals.<field>`.
 * `ids` lists the ids the scenario has, per group, to check the path. Throws an
 * Error naming what is expected.
 */
export function metricByName(name: string, ids: { processes: string[]; steps: string[]; pools: string[] }): Metric {
  const known = KPI_METRICS.find((m) => m.key === name);
  if (known) return known;
  const expected = `expected one of ${KPI_METRICS.map((m) => m.key).join(', ')}, or a figure path like processes.<id>.cycleP95Seconds, pools.<id>.utilization, totals.cost`;
  const dot = name.indexOf('.');
  const group = dot > 0 ? name.slice(0, dot) : '';
  const rest = name.slice(dot + 1);
  const fields = FIELDS[group];
  if (!fields) throw new Error(`unknown metric '${name}' (${expected})`);
  let id = '';
  let field = rest;
  if (group !== 'totals') {
    const last = rest.lastIndexOf('.');
    id = last > 0 ? rest.slice(0, last) : '';
    field = rest.slice(last + 1);
    const have = ids[group as keyof typeof ids];
    if (!have.includes(id)) throw new Error(`unknown metric '${name}': no ${group.replace(/es$|s$/, '')} '${id}' (expected one of: ${have.join(', ')})`);
  }
  const spec = fields[field];
  if (!spec) throw new Error(`unknown metric '${name}': no field '${field}' in ${group} (expected one of: ${Object.keys(fields).join(', ')})`);
  const [better, kind] = spec;
  const of =
    group === 'totals'
      ? (f: ReplicationFigures) => (f.totals as Record<string, number>)[field]
      : (f: ReplicationFigures) => (f[group as 'processes' | 'steps' | 'pools'][id] as Record<string, number>)[field];
  return { key: name, label: name, better, kind, of };
}

/** A paired difference: mean and ci95 of a[r] - b[r], and for contrast the unpaired (Welch) half-width. */
export interface PairedDifference extends Estimate {
  /** half-width of the 95% interval had the arms been run on independent seeds (Welch) */
  unpairedCi95: number;
}

/** Mean and 95% half-width of the per-replication differences a[r] - b[r]. */
export function pairedDifference(a: readonly number[], b: readonly number[]): Estimate {
  if (a.length !== b.length) throw new Error(`paired difference of ${a.length} and ${b.length} replications (expected the same number)`);
  return estimate(a.map((x, r) => x - b[r]));
}

/**
 * Half-width of the 95% interval of mean(a) - mean(b) for independent samples
 * (Welch: separate variances, Welch–Satterthwaite degrees of freedom rounded
 * down, so the t quantile errs on the wide side).
 */
export function unpairedCi95(a: readonly number[], b: readonly number[]): number {
  const n = a.length,
    m = b.length;
  if (n < 2 || m < 2) return 0;
  const va = variance(a) / n,
    vb = variance(b) / m;
  const se2 = va + vb;
  if (se2 === 0) return 0;
  const df = Math.max(1, Math.floor((se2 * se2) / ((va * va) / (n - 1) + (vb * vb) / (m - 1))));
  return clean(tQuantile975(df) * Math.sqrt(se2));
}

export function differenceOf(a: readonly number[], b: readonly number[]): PairedDifference {
  return { ...pairedDifference(a, b), unpairedCi95: unpairedCi95(a, b) };
}

/** True when the 95% interval mean ± ci95 contains 0 (the two arms cannot be told apart). */
export function containsZero(e: Estimate): boolean {
  return Math.abs(e.mean) <= e.ci95;
}

/** One arm of a comparison: its name and, per metric key, its value in each replication (replication order). */
export interface Arm {
  name: string;
  values: Record<string, readonly number[]>;
}

/** How arm `a` stands against arm `b`: which one is better, on which metric, by how much. */
export interface Verdict {
  winner: 'a' | 'b' | 'tied';
  /** the metric that decided (the last one when tied) */
  metric: string;
  /** paired difference a - b on that metric */
  difference: Estimate;
  /** paired difference a - b on every metric compared */
  differences: Record<string, Estimate>;
}

/**
 * Compares two arms on the metrics in order: the first metric whose paired
 * interval excludes 0 decides; if every interval contains 0, they are tied.
 */
export function verdict(a: Arm, b: Arm, metrics: readonly Pick<Metric, 'key' | 'better'>[]): Verdict {
  const differences: Record<string, Estimate> = {};
  for (const m of metrics) differences[m.key] = pairedDifference(a.values[m.key], b.values[m.key]);
  for (const m of metrics) {
    const d = differences[m.key];
    if (!containsZero(d)) {
      const aBetter = m.better === 'higher' ? d.mean > 0 : d.mean < 0;
      return { winner: aBetter ? 'a' : 'b', metric: m.key, difference: d, differences };
    }
  }
  const last = metrics[metrics.length - 1]?.key ?? '';
  return { winner: 'tied', metric: last, difference: differences[last] ?? { mean: 0, ci95: 0 }, differences };
}

export interface RankEntry {
  /** 1 is best; arms tied with each other share a rank, and the next rank skips (1, 1, 3) */
  rank: number;
  name: string;
  /** shares its rank with the arm(s) above it */
  tied: boolean;
  /** the other arms of the same rank: this arm is tied with each of them */
  tiedWith: string[];
  /** significant wins minus losses against every other arm */
  score: number;
  /**
   * For every arm but the first: this arm against the one it is ranked by —
   * the first of its rank when tied; otherwise the first arm above it that is
   * significantly better, or the arm just above it when none is (it then lost
   * on wins over the other arms). Differences are this arm minus the other.
   */
  against?: { other: string; winner: 'this' | 'other' | 'tied'; metric: string; difference: Estimate; differences: Record<string, Estimate> };
}

/**
 * Ranks arms by their pairwise verdicts (Copeland: significant wins minus
 * losses), then by the means of the metrics in order, then by input order.
 * An arm shares the rank of the arms just above it when it is tied with every
 * one of them; so arms of one rank are pairwise tied, and an arm significantly
 * worse than some arm never shares its rank. The ranking does not depend on the
 * order the arms are given except among exact ties.
 */
export function rankArms(arms: readonly Arm[], metrics: readonly Pick<Metric, 'key' | 'better'>[]): RankEntry[] {
  const n = arms.length;
  const verdicts: Verdict[][] = arms.map(() => new Array<Verdict>(n));
  const score = new Array(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j) verdicts[i][j] = verdict(arms[i], arms[j], metrics);
    for (let j = 0; j < n; j++) if (i !== j) score[i] += verdicts[i][j].winner === 'a' ? 1 : verdicts[i][j].winner === 'b' ? -1 : 0;
  }
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const order = arms
    .map((_, i) => i)
    .sort((i, j) => {
      if (score[i] !== score[j]) return score[j] - score[i];
      for (const m of metrics) {
        const d = mean(arms[i].values[m.key]) - mean(arms[j].values[m.key]);
        if (d !== 0) return m.better === 'higher' ? -d : d;
      }
      return i - j;
    });
  const against = (i: number, j: number): NonNullable<RankEntry['against']> => {
    const v = verdicts[i][j];
    return {
      other: arms[j].name,
      winner: v.winner === 'a' ? 'this' : v.winner === 'b' ? 'other' : 'tied',
      metric: v.metric,
      difference: v.difference,
      differences: v.differences,
    };
  };
  const out: RankEntry[] = [];
  let group: number[] = [];
  order.forEach((i, k) => {
    const entry: RankEntry = { rank: k + 1, name: arms[i].name, tied: false, tiedWith: [], score: score[i] };
    if (k > 0) {
      if (group.every((g) => verdicts[i][g].winner === 'tied')) {
        entry.rank = out[k - 1].rank;
        entry.tied = true;
        entry.against = against(i, group[0]);
      } else {
        const better = order.slice(0, k).find((j) => verdicts[i][j].winner === 'b');
        entry.against = against(i, better ?? order[k - 1]);
        group = [];
      }
    }
    group.push(i);
    out.push(entry);
  });
  for (const e of out) e.tiedWith = out.filter((o) => o !== e && o.rank === e.rank).map((o) => o.name);
  return out;
}

function variance(xs: readonly number[]): number {
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return ss / (xs.length - 1);
}

function clean(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(9));
}
