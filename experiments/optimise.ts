/**
 * Simulation optimisation of staffing (or any integer/listed scenario field):
 * the design that is best on an objective (`--minimise cost`) among those whose
 * targets hold at the confidence asked. Pure: it runs replications through an
 * executor and compiles designs through a callback.
 *
 * The search, in the spirit of OptQuest-style local search with a sequential
 * ranking-and-selection rule (Kim & Nelson) for the statistics:
 *
 * 1. Start from an analytic estimate (experiments/staffing-start.ts: Erlang C
 *    per pool), not from a corner of the grid.
 * 2. Climb: while the current design is not proven to meet every target, move
 *    to the cheapest proven one-step-up neighbour, or else to the neighbour
 *    closest to meeting the targets.
 * 3. Descend: among the integer neighbours (one step down or up on an axis,
 *    and trades of one unit from one axis to another), move to the best one
 *    that is significantly better on the objective and proven to meet every
 *    target; stop when none is.
 *
 * Statistics. Every design runs replications 0, 1, 2, … of the same seeds
 * (common random numbers), so objective comparisons are paired. A design
 * starts with `initialReplications`; replications are added (doubling, up to
 * `maxReplications`) only to designs whose verdict is still open: a target is
 * met when its one-sided confidence bound clears the threshold, failed when the
 * opposite bound misses it, open otherwise. The level of each bound is
 * Bonferroni-corrected for the number of targets and the number of looks
 * (doublings), so "met" means every target holds at `confidence` jointly,
 * whatever the number of looks. A design still open at `maxReplications` is
 * "undecided" and never chosen: the optimiser never returns a design that has
 * not cleared every target.
 *
 * ```ts
 * const result = await optimise({ axes, targets, objective, start, executor, makeArm: (o) => ({ scenario: load(o) }) });
 * result.chosen?.values; // { 'pools.clerks.size': 5 }
 * ```
 */
import type { AxisValue } from '../model/sweep-grid.js';
import type { Metric } from '../simulator/compare.js';
import { estimate, type Estimate } from '../simulator/summarize.js';
import type { ArmSpec, Executor, ReplicationRequest } from './executor.js';
import { meanBounds } from './confidence.js';
import { designKey, gridSize, neighbours, overridesOf, upNeighbours, valuesOf, type Axis, type Design } from './design-space.js';
import { REPORTED_KPIS, type Objective, type Target } from './targets.js';

export interface OptimiseOptions {
  axes: readonly Axis[];
  targets: readonly Target[];
  objective: Objective;
  /** the first design (value indices per axis) */
  start: Design;
  /** compiles a design's overrides (`path=value`) into an arm; may throw (a bad design) */
  makeArm: (overrides: string[]) => ArmSpec;
  executor: Executor;
  /** joint confidence that a chosen design meets every target @default 0.95 */
  confidence?: number;
  /** replications every design gets first (>= 2) @default 5 */
  initialReplications?: number;
  /** replications a design gets at most before it is called undecided @default 40 */
  maxReplications?: number;
  /** stop when this many replications have been run (the best proven design so far is returned) */
  budgetRuns?: number;
  onProgress?: (p: OptimiseProgress) => void;
}

export interface OptimiseProgress {
  simulations: number;
  designs: number;
  phase: 'climb' | 'descend';
  /** the fraction done of the replications being run now */
  round: number;
}

export type Verdict = 'met' | 'failed' | 'open';

export interface TargetReport {
  target: string;
  /** mean and two-sided 95% half-width across replications (as everywhere in results) */
  mean: number;
  ci95: number;
  /** the one-sided bound that decided (lower for >=, upper for <=; the other one when failed) at the corrected level */
  bound: number;
  verdict: Verdict;
  /** how far the mean is on the good side of the threshold (negative: short of it) */
  margin: number;
}

export interface DesignReport {
  values: Record<string, AxisValue>;
  replications: number;
  status: 'met' | 'failed' | 'undecided';
  objective: Estimate;
  targets: TargetReport[];
  figures: Record<string, Estimate>;
  /** why it was not chosen (absent for the chosen design) */
  reason?: string;
}

export interface OptimiseResult {
  objective: { metric: string; sense: Objective['sense'] };
  targets: string[];
  /** each target as figure, comparison and threshold (in the figure's unit: a share, seconds, money or a count) */
  targetSpecs: { figure: string; op: Target['op']; threshold: number }[];
  /** how each figure of `figures` is shown: a share, a duration in seconds, money or a count */
  figureKinds: Record<string, Metric['kind']>;
  confidence: number;
  /** the level of each one-sided bound after the Bonferroni correction */
  boundLevel: number;
  axes: { path: string; values: AxisValue[] }[];
  start: Record<string, AxisValue>;
  chosen: DesignReport | null;
  /** other designs evaluated, best objective first, each with its reason */
  runnersUp: DesignReport[];
  /** designs on the objective vs first-target front (non-dominated by means) */
  pareto: DesignReport[];
  /** designs met on the way that do not compile (e.g. a step no pool can do), with the reason */
  skipped: { values: Record<string, AxisValue>; reason: string }[];
  simulations: number;
  designsEvaluated: number;
  gridCells: number;
  budgetExhausted: boolean;
}

interface Candidate {
  design: number[];
  key: string;
  arm: ArmSpec;
  n: number;
  values: Map<string, number[]>;
}

class BudgetSpent extends Error {}

type Comparison = 'better' | 'worse' | 'tied' | 'open';

export async function optimise(options: OptimiseOptions): Promise<OptimiseResult> {
  const { axes, targets, objective, executor } = options;
  const confidence = options.confidence ?? 0.95;
  const n0 = options.initialReplications ?? 5;
  const nMax = Math.max(n0, options.maxReplications ?? 40);
  if (n0 < 2) throw new RangeError('optimise: initialReplications must be at least 2');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`optimise: confidence must be in (0, 1), got ${confidence}`);
  if (targets.length === 0) throw new RangeError('optimise: expected at least one target');
  const looks = 1 + Math.ceil(Math.log2(nMax / n0));
  const alpha = 1 - confidence;
  const targetLevel = 1 - alpha / (targets.length * looks);
  const objectiveLevel = 1 - alpha / looks;
  const metrics: Metric[] = [];
  for (const m of [objective.metric, ...targets.map((t) => t.metric), ...REPORTED_KPIS]) if (!metrics.some((x) => x.key === m.key)) metrics.push(m);

  const seen = new Map<string, Candidate>();
  let simulations = 0;
  let phase: OptimiseProgress['phase'] = 'climb';
  const progress = (round: number) => options.onProgress?.({ simulations, designs: seen.size, phase, round });

  const skipped = new Map<string, { values: Record<string, AxisValue>; reason: string }>();
  /** The candidate of a design; null for a design that does not compile (e.g. no unit left for a step), kept in `skipped`. */
  const tryGet = (design: readonly number[]): Candidate | null => {
    const key = designKey(design);
    let c = seen.get(key);
    if (!c) {
      if (skipped.has(key)) return null;
      let arm: ArmSpec;
      try {
        arm = options.makeArm(overridesOf(axes, design));
      } catch (err) {
        skipped.set(key, { values: valuesOf(axes, design), reason: (err as Error).message });
        return null;
      }
      c = { design: [...design], key, arm, n: 0, values: new Map(metrics.map((m) => [m.key, []])) };
      seen.set(key, c);
    }
    return c;
  };
  const getAll = (designs: number[][]) => designs.map(tryGet).filter((c): c is Candidate => c !== null);

  /** Runs replications so that each candidate reaches its wanted count (one executor call). */
  const extend = async (wanted: Map<Candidate, number>): Promise<void> => {
    const list = [...wanted].filter(([c, n]) => n > c.n);
    if (!list.length) return;
    const requests: ReplicationRequest[] = [];
    list.forEach(([c, n], arm) => {
      for (let r = c.n; r < n; r++) requests.push({ arm, replication: r });
    });
    if (options.budgetRuns !== undefined && simulations + requests.length > options.budgetRuns) throw new BudgetSpent();
    const figures = await executor.run(
      list.map(([c]) => c.arm),
      requests,
      progress,
    );
    figures.forEach((f, i) => {
      const c = list[requests[i].arm][0];
      for (const m of metrics) c.values.get(m.key)!.push(m.of(f));
    });
    for (const [c, n] of list) c.n = n;
    simulations += requests.length;
    progress(1);
  };

  const targetVerdict = (c: Candidate, t: Target): { verdict: Verdict; bound: number } => {
    const b = meanBounds(c.values.get(t.metric.key)!, targetLevel);
    if (t.op === '>=') {
      if (b.lower >= t.threshold) return { verdict: 'met', bound: b.lower };
      if (b.upper < t.threshold) return { verdict: 'failed', bound: b.upper };
      return { verdict: 'open', bound: b.lower };
    }
    if (b.upper <= t.threshold) return { verdict: 'met', bound: b.upper };
    if (b.lower > t.threshold) return { verdict: 'failed', bound: b.lower };
    return { verdict: 'open', bound: b.upper };
  };
  const status = (c: Candidate): Verdict => {
    const v = targets.map((t) => targetVerdict(c, t).verdict);
    return v.includes('failed') ? 'failed' : v.every((x) => x === 'met') ? 'met' : 'open';
  };
  /** Adds replications (doubling) to the candidates whose verdict is open, until none is or they reach nMax. */
  const resolve = async (cands: Candidate[]): Promise<void> => {
    await extend(new Map(cands.map((c) => [c, Math.max(c.n, n0)])));
    for (;;) {
      const open = cands.filter((c) => c.n < nMax && status(c) === 'open');
      if (!open.length) return;
      await extend(new Map(open.map((c) => [c, Math.min(nMax, 2 * c.n)])));
    }
  };
  const objectiveMean = (c: Candidate) => mean(c.values.get(objective.metric.key)!);
  const sign = objective.sense === 'minimise' ? 1 : -1;
  /** Paired comparison of a against b on the objective: 'better' when a's advantage clears the bound. */
  const compare = (a: Candidate, b: Candidate): Comparison => {
    const n = Math.min(a.n, b.n);
    const xa = a.values.get(objective.metric.key)!,
      xb = b.values.get(objective.metric.key)!;
    const d = meanBounds(
      Array.from({ length: n }, (_, r) => sign * (xa[r] - xb[r])),
      objectiveLevel,
    );
    if (d.upper < 0) return 'better';
    if (d.lower > 0) return 'worse';
    if (d.halfWidth === 0) return 'tied';
    return 'open';
  };
  /** The candidates significantly better than `cur` on the objective, adding replications where undecided. */
  const betterThan = async (cur: Candidate, cands: Candidate[]): Promise<Candidate[]> => {
    let open = cands;
    const better: Candidate[] = [];
    for (;;) {
      const next: Candidate[] = [];
      for (const c of open) {
        const v = compare(c, cur);
        if (v === 'better') better.push(c);
        else if (v === 'open' && Math.min(c.n, cur.n) < nMax) next.push(c);
      }
      if (!next.length) return better;
      const to = Math.min(nMax, 2 * Math.min(cur.n, ...next.map((c) => c.n)));
      await extend(new Map([cur, ...next].map((c) => [c, Math.max(c.n, to)])));
      open = next;
    }
  };
  const shortfall = (c: Candidate) =>
    targets.reduce((s, t) => {
      const m = mean(c.values.get(t.metric.key)!);
      const gap = t.op === '>=' ? t.threshold - m : m - t.threshold;
      return s + Math.max(0, gap) / (Math.abs(t.threshold) || 1);
    }, 0);
  const byObjective = (a: Candidate, b: Candidate) => sign * (objectiveMean(a) - objectiveMean(b)) || (a.key < b.key ? -1 : 1);

  // the start must compile: its error is the user's (a scenario that cannot run at all)
  let cur: Candidate = tryGet(options.start) ?? (options.makeArm(overridesOf(axes, options.start)), null as never);
  let budgetExhausted = false;
  try {
    await resolve([cur]);
    // climb until a design is proven to meet every target
    while (status(cur) !== 'met') {
      const ups = getAll(upNeighbours(axes, cur.design));
      if (!ups.length) break;
      await resolve(ups);
      const met = ups.filter((c) => status(c) === 'met').sort(byObjective);
      cur = met.length ? met[0] : [...ups].sort((a, b) => shortfall(a) - shortfall(b) || byObjective(a, b))[0];
    }
    // descend: the best significantly better neighbour that meets every target, until there is none
    phase = 'descend';
    while (status(cur) === 'met') {
      const near = getAll(neighbours(axes, cur.design));
      await extend(new Map(near.map((c) => [c, Math.max(c.n, n0)])));
      const candidates = near.filter((c) => status(c) !== 'failed');
      const better = await betterThan(cur, candidates);
      await resolve(better);
      const met = better.filter((c) => status(c) === 'met').sort(byObjective);
      if (!met.length) break;
      cur = met[0];
    }
  } catch (err) {
    if (!(err instanceof BudgetSpent)) throw err;
    budgetExhausted = true;
  }

  const all = [...seen.values()].filter((c) => c.n >= 2);
  // the best design proven to meet every target among all evaluated (the descent's last one, or one as good)
  const chosen = all.filter((c) => status(c) === 'met').sort(byObjective)[0] ?? null;

  const report = (c: Candidate): DesignReport => {
    const st = status(c);
    return {
      values: valuesOf(axes, c.design),
      replications: c.n,
      status: st === 'open' ? 'undecided' : st,
      objective: estimate(c.values.get(objective.metric.key)!),
      targets: targets.map((t) => {
        const e = estimate(c.values.get(t.metric.key)!);
        const v = targetVerdict(c, t);
        return {
          target: t.text,
          mean: e.mean,
          ci95: e.ci95,
          bound: clean(v.bound),
          verdict: v.verdict,
          margin: clean(t.op === '>=' ? e.mean - t.threshold : t.threshold - e.mean),
        };
      }),
      figures: Object.fromEntries(metrics.map((m) => [m.key, estimate(c.values.get(m.key)!)])),
    };
  };
  const chosenReport = chosen ? report(chosen) : null;
  const runnersUp = all
    .filter((c) => c !== chosen)
    .sort(byObjective)
    .map((c) => {
      const r = report(c);
      r.reason = reasonFor(r, c, chosen, chosen ? compare(c, chosen) : null, objective, nMax);
      return r;
    });
  return {
    objective: { metric: objective.metric.key, sense: objective.sense },
    targets: targets.map((t) => t.text),
    targetSpecs: targets.map((t) => ({ figure: t.metric.key, op: t.op, threshold: t.threshold })),
    figureKinds: Object.fromEntries(metrics.map((m) => [m.key, m.kind])),
    confidence,
    boundLevel: clean(targetLevel),
    axes: axes.map((a) => ({ path: a.path, values: a.values })),
    start: valuesOf(axes, options.start),
    chosen: chosenReport,
    runnersUp,
    pareto: paretoFront(all, objective, targets[0]).map(report),
    skipped: [...skipped.values()],
    simulations,
    designsEvaluated: seen.size,
    gridCells: gridSize(axes),
    budgetExhausted,
  };
}

function reasonFor(r: DesignReport, c: Candidate, chosen: Candidate | null, vsChosen: Comparison | null, objective: Objective, nMax: number): string {
  const failed = r.targets.filter((t) => t.verdict === 'failed');
  if (failed.length) return `fails ${failed.map((t) => `${t.target} (${fmt(t.mean)} ±${fmt(t.ci95)}, short by ${fmt(-t.margin)})`).join('; ')}`;
  if (r.status === 'undecided') {
    const open = r.targets.filter((t) => t.verdict === 'open');
    return `undecided after ${nMax} replications: ${open.map((t) => `${t.target} (${fmt(t.mean)} ±${fmt(t.ci95)})`).join('; ')} straddles its threshold`;
  }
  if (!chosen) return 'meets every target';
  const d = r.objective.mean - mean(chosen.values.get(objective.metric.key)!);
  const word = objective.sense === 'minimise' ? (d > 0 ? 'higher' : 'lower') : d < 0 ? 'lower' : 'higher';
  if (vsChosen === 'worse') return `meets every target, but ${objective.metric.key} is ${word} by ${fmt(Math.abs(d))}`;
  return `meets every target; ${objective.metric.key} not significantly different from the chosen design's (${fmt(d)}) after ${c.n} replications`;
}

/** Designs not dominated on (objective mean, first target's figure mean), best objective first. */
function paretoFront(cands: Candidate[], objective: Objective, target: Target): Candidate[] {
  const o = (c: Candidate) => (objective.sense === 'minimise' ? 1 : -1) * mean(c.values.get(objective.metric.key)!);
  const f = (c: Candidate) => (target.op === '>=' ? -1 : 1) * mean(c.values.get(target.metric.key)!);
  const front = cands.filter((a) => !cands.some((b) => b !== a && o(b) <= o(a) && f(b) <= f(a) && (o(b) < o(a) || f(b) < f(a))));
  return front.sort((a, b) => o(a) - o(b) || (a.key < b.key ? -1 : 1));
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : NaN;
}

function clean(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(9));
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
