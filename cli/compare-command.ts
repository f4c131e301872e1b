/**
 * `autoshift compare <scenario> --policies a,b,c`: runs several allocation
 * policies on the same scenario and the same seeds (common random numbers),
 * and reports their KPIs, the paired difference of each against the first,
 * and a ranking. The statistics are in simulator/compare.ts.
 */
import { parseArgs, intFlag, UsageError } from './args.js';
import { availableParallelism } from 'node:os';
import { checkRunSizes } from './run-size-check.js';
import { loadScenario } from './load-scenario.js';
import { runArms } from '../experiments/arms.js';
import { executorFor, onHelp } from './experiment-executor.js';
import { policyFromCommandLine, resolvePolicy } from './policy-loader.js';
import { ProgressBar } from './progress-bar.js';
import { table } from './table.js';
import { fmtCount, fmtDuration, fmtMoney, fmtShare } from './format.js';
import { resilienceOf } from '../simulator/resilience.js';
import { checkOpenMetricsFlags, defaultRunId, openMetricsClock, openMetricsFlags, openMetricsHelp, writeOpenMetrics } from './openmetrics-flags.js';
import type { TimeSeries } from '../simulator/figures.js';
import { formatDuration } from '../model/units.js';
import type { Scenario } from '../model/scenario.js';
import { summarize, type Estimate, type ResultDocument } from '../simulator/summarize.js';
import { windowBand, type Band } from '../simulator/series-band.js';
import { reportPath, writeReport } from './report-file.js';
import {
  KPI_METRICS, differenceOf, kpiEstimate, metricByName, rankArms, type Arm, type Metric, type PairedDifference, type RankEntry,
} from '../simulator/compare.js';

export const compareHelp = `Usage: autoshift compare <scenario.yaml> --policies a,b[,c...] [options]

Runs each allocation policy on the same scenario with the same seeds:
replication r of every policy sees the same arrivals and the same task
durations (common random numbers). Prints, per policy, the KPIs with their
95% confidence half-widths; the PAIRED difference of each policy against the
first (difference per replication, then mean ± 95% half-width, with the
unpaired half-width in brackets for contrast); and a ranking by SLA
attainment, then cost per case, in which two policies are "tied" when the
paired interval of their difference contains 0 on both.

KPIs (all processes together): SLA met (share of completed cases within
their SLA), cycle (mean cycle time), cost/case (rostered cost per completed
case), worst backlog (most tasks waiting at a sample after warm-up),
utilisation (busy over available hours, all pools), total cost.

Options:
  --policies a,b,...  policies to compare, by name (module:./file.js for a policy module);
                      the first is the baseline of the differences
  --replications R    replications per policy, R >= 2 (default 10)
  --set PATH=VALUE    override a scenario field for every policy, e.g. --set horizon=30d (repeatable)
  --metric NAME       rank by this metric first, then by cost per case (default slaAttainment):
                      ${KPI_METRICS.map((m) => m.key).join(', ')},
                      or a figure path: processes.<id>.cycleP95Seconds, pools.<id>.utilization, totals.cost, ...
  --json              print exactly one JSON document on stdout:
                      { scenario, seed, replications, metrics, policies: { name: result }, kpis,
                        differences: { name: { metric: { mean, ci95, unpairedCi95 } } }, ranking,
                        disruptions: [{ disruption, start, end, time, backlog: { name: band } }] }
  --report FILE.html  write a self-contained HTML report with charts (docs/report.md)
  --threads N         worker threads (default: number of cores)
  --force             run even when the size estimate says it cannot fit in memory
                      (see "How big a run is" in docs/scenario.md)
${onHelp}
${openMetricsHelp.replace('<scenario>-<policy>-seed<seed>', '<scenario>-compare-seed<seed>; policies differ by the policy label')}
Example:
  autoshift compare scenarios/invoice-office.yaml --policies static,reactive --replications 20
`;

export async function compareCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    policies: { value: true }, replications: { value: true }, set: { value: true, repeat: true },
    json: {}, threads: { value: true }, on: { value: true }, metric: { value: true }, report: { value: true }, force: {}, help: {}, ...openMetricsFlags,
  });
  if (flags.help) { process.stdout.write(compareHelp); return 0; }
  if (positionals.length !== 1) throw new UsageError('expected one scenario file: autoshift compare <scenario.yaml> --policies a,b');
  if (typeof flags.policies !== 'string') throw new UsageError('--policies: expected a list of policies, like --policies static,reactive');
  const policies = flags.policies.split(',').map((s) => s.trim());
  if (policies.some((p) => p === '')) throw new UsageError(`--policies: expected names separated by commas, got ${JSON.stringify(flags.policies)}`);
  if (policies.length < 2) throw new UsageError(`--policies: expected at least two policies to compare, got ${JSON.stringify(flags.policies)}`);
  const replications = intFlag(flags, 'replications', 10, 2);
  const threads = flags.threads !== undefined ? intFlag(flags, 'threads', 1, 1) : undefined;
  const overrides = (flags.set as string[] | undefined) ?? [];

  checkOpenMetricsFlags(flags);
  const report = reportPath(flags.report, '--report');
  const scenario = loadScenarioWith(positionals[0], overrides);
  const clock = flags.openmetrics !== undefined ? openMetricsClock(flags, scenario, Date.now) : null;
  for (const p of policies) await resolvePolicy(scenario, policyFromCommandLine(p)); // a bad name fails here, before anything runs
  checkRunSizes(policies.map(() => scenario), { command: 'compare', force: !!flags.force, replications, threads: Math.min(threads ?? availableParallelism(), replications), eventLog: false });
  const keys = armKeys(policies);
  let primary: Metric;
  try {
    primary = metricByName(typeof flags.metric === 'string' ? flags.metric : 'slaAttainment', {
      processes: scenario.processes.map((p) => p.id), steps: scenario.processes.flatMap((p) => p.steps.map((s) => s.key)),
      pools: scenario.pools.map((p) => p.id),
    });
  } catch (err) {
    throw new UsageError(`--metric: ${(err as Error).message}`);
  }
  const secondary = KPI_METRICS.find((m) => m.key === (primary.key === 'costPerCase' ? 'slaAttainment' : 'costPerCase'))!;
  const metrics = KPI_METRICS.some((m) => m.key === primary.key) ? [...KPI_METRICS] : [...KPI_METRICS, primary];

  const bar = new ProgressBar(`${scenario.name}: ${policies.length} policies × ${replications}`);
  const pool = await executorFor(flags.on, threads);
  const arms = await runArms(pool, {
    arms: policies.map((policyName) => ({ scenario, policyName: policyFromCommandLine(policyName) })),
    replications, onProgress: bar.update,
    reduce: (reps, i) => {
      const doc = summarize(scenario, policies[i], reps);
      doc.resilience = resilienceOf(scenario, reps);
      const values: Record<string, number[]> = {};
      for (const m of metrics) values[m.key] = reps.map((r) => m.of(r));
      const completed = reps.map((r) => r.totals.completed);
      const series: TimeSeries[] | null = clock ? reps.map((r) => r.timeseries) : null;
      return { doc, values, completed, series, windows: disruptionWindows(scenario, reps.map((r) => r.timeseries)) };
    },
  }).finally(() => pool.close());
  bar.done();
  if (clock) {
    const run = typeof flags['run-id'] === 'string' ? flags['run-id'] : defaultRunId(scenario, 'compare');
    process.stderr.write(await writeOpenMetrics(String(flags.openmetrics), arms.map((a, i) => ({ scenario, policy: policies[i], run, replications: a.series! })), clock));
  }

  const result = compareResult(scenario, replications, keys, arms, metrics, [primary, secondary]);
  if (overrides.length) result.overrides = overrides;
  if (report !== undefined) writeReport(report, await (await import('../report/compare-report.js')).renderCompareReport(result));
  if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(renderCompare(result, metrics, [primary, secondary]) + '\n');
  return 0;
}

export interface CompareResult {
  scenario: string;
  file: string;
  seed: number;
  replications: number;
  baseline: string;
  rankedBy: string[];
  /** the --set overrides every policy ran with (absent when none) */
  overrides?: string[];
  /** the metrics of kpis and differences, in order: key, label, which way is better, how it is shown */
  metrics: Pick<Metric, 'key' | 'label' | 'better' | 'kind'>[];
  policies: Record<string, ResultDocument>;
  /** per policy and metric; a per-case metric is null when the policy completed no case (its document's notApplicable says why) */
  kpis: Record<string, Record<string, Estimate | null>>;
  differences: Record<string, Record<string, PairedDifference>>;
  ranking: RankEntry[];
  /** per disruption, total backlog of every policy from a day before it to three days after it: mean and 95% half-width per sample */
  disruptions: DisruptionBacklog[];
}

export interface DisruptionBacklog { disruption: string; start: number; end: number; time: number[]; backlog: Record<string, Band> }

/** Total backlog from a day before each disruption to three days after it, as a band over the replications. */
function disruptionWindows(scenario: Scenario, series: TimeSeries[]): { time: number[]; band: Band }[] {
  return scenario.disruptions.map((d) => windowBand(series, (ts) => ts.backlogTotal, d.start - 86400, d.end + 3 * 86400));
}

function compareResult(scenario: Scenario, replications: number, keys: string[],
  arms: { doc: ResultDocument; values: Record<string, number[]>; completed: number[]; windows: { time: number[]; band: Band }[] }[],
  metrics: Metric[], rankBy: Metric[]): CompareResult {
  const policies: CompareResult['policies'] = {};
  const kpis: CompareResult['kpis'] = {};
  const differences: CompareResult['differences'] = {};
  keys.forEach((key, i) => {
    policies[key] = arms[i].doc;
    kpis[key] = Object.fromEntries(metrics.map((m) => [m.key, kpiEstimate(m.key, arms[i].values[m.key], arms[i].completed)]));
    if (i > 0) differences[key] = Object.fromEntries(metrics.map((m) => [m.key, differenceOf(arms[i].values[m.key], arms[0].values[m.key])]));
  });
  const ranked: Arm[] = keys.map((name, i) => ({ name, values: arms[i].values }));
  return {
    scenario: scenario.name, file: scenario.file, seed: scenario.seed, replications, baseline: keys[0],
    rankedBy: rankBy.map((m) => m.key),
    metrics: metrics.map((m) => ({ key: m.key, label: m.label, better: m.better, kind: m.kind })),
    policies, kpis, differences, ranking: rankArms(ranked, rankBy),
    disruptions: scenario.disruptions.map((d, j) => ({
      disruption: d.label, start: d.start, end: d.end, time: arms[0].windows[j].time,
      backlog: Object.fromEntries(keys.map((k, i) => [k, arms[i].windows[j].band])),
    })),
  };
}

export function renderCompare(r: CompareResult, metrics: Metric[], rankBy: Metric[]): string {
  const keys = Object.keys(r.policies);
  const first = r.policies[keys[0]];
  const lines: string[] = [];
  lines.push(`${r.scenario} — ${keys.length} policies, ${r.replications} replications each on the same seeds (common random numbers), seed ${r.seed}, ${formatDuration(first.simulatedSeconds)} observed`);
  lines.push('(figures are means ± 95% confidence half-widths across replications)');
  lines.push('');
  lines.push(table(['policy', ...metrics.map((m) => m.label)], keys.map((k) => [k, ...metrics.map((m) => show(m, r.kpis[k][m.key]))])));
  lines.push('');
  lines.push(`Paired differences against ${keys[0]} (policy − ${keys[0]} per replication, then mean ±95%; [unpaired ±95%] for contrast)`);
  lines.push(table(['policy', ...metrics.map((m) => `Δ ${m.label}`)],
    keys.slice(1).map((k) => [k, ...metrics.map((m) => showDifference(m, r.differences[k][m.key]))])));
  lines.push(narrowness(r, metrics));
  lines.push('');
  lines.push(`Ranking by ${rankBy.map((m) => m.label).join(', then ')} (tied when the paired 95% interval contains 0):`);
  const byKey = new Map(metrics.map((m) => [m.key, m]));
  const width = Math.max(...keys.map((k) => k.length));
  for (const e of r.ranking) {
    const v = e.against;
    let note = !v && e.tiedWith.length ? `tied with ${e.tiedWith.join(', ')}` : '';
    if (v) {
      const m = byKey.get(v.metric)!;
      if (v.winner === 'tied') note = `tied with ${e.tiedWith.join(', ')} (against ${v.other}: ${rankBy.map((x) => `Δ ${x.label} ${showDifference(x, v.differences[x.key], false)}`).join(', ')})`;
      else if (v.winner === 'other') note = `behind ${v.other} on ${m.label} (Δ ${showDifference(m, v.difference, false)})`;
      else note = `better than ${v.other} on ${m.label} (Δ ${showDifference(m, v.difference, false)}), but with fewer wins over the others`;
      if (v.winner !== 'tied' && e.tiedWith.length) note += `; tied with ${e.tiedWith.join(', ')}`;
    }
    lines.push(`  ${String(e.rank).padStart(2)}. ${e.name.padEnd(width)}  ${note}`.trimEnd());
  }
  return lines.join('\n');
}

/** How much narrower the paired intervals are than the unpaired ones, over every metric and policy. */
function narrowness(r: CompareResult, metrics: Metric[]): string {
  const ratios: number[] = [];
  let identical = true;
  for (const d of Object.values(r.differences)) {
    for (const m of metrics) {
      const x = d[m.key];
      if (x.mean !== 0 || x.ci95 !== 0) identical = false;
      if (x.ci95 > 0 && x.unpairedCi95 > 0) ratios.push(x.unpairedCi95 / x.ci95);
    }
  }
  if (identical) return 'Every policy matched the baseline exactly in every replication: paired differences are 0 ±0, while unpaired intervals would not show it.';
  if (!ratios.length) return '';
  const geo = Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length);
  return `Paired intervals are ${geo.toFixed(1)}× narrower than unpaired ones (geometric mean over the ${ratios.length} differences with both).`;
}

export function show(m: Pick<Metric, 'kind'>, e: Estimate | null): string {
  switch (m.kind) {
    case 'share': return fmtShare(e);
    case 'duration': return fmtDuration(e);
    case 'money': return fmtMoney(e);
    default: return fmtCount(e);
  }
}

/**
 * A difference in the metric's unit, with enough decimals that its interval
 * shows two significant digits (a paired interval is often far narrower than
 * the figures themselves): shares in percentage points, money, counts, durations.
 */
function magnitude(kind: Metric['kind'], x: number, decimals: number): string {
  const a = Math.abs(x);
  switch (kind) {
    case 'share': return `${(a * 100).toFixed(decimals)}pp`;
    case 'duration': return formatDuration(a);
    default: return a.toFixed(decimals);
  }
}

function decimalsFor(kind: Metric['kind'], d: Estimate): number {
  const scale = kind === 'share' ? 100 : 1;
  const least = kind === 'money' ? 2 : kind === 'count' && Number.isInteger(d.mean) && Number.isInteger(d.ci95) ? 0 : 1;
  const ci = d.ci95 * scale;
  if (!(ci > 0)) return least;
  return Math.min(6, Math.max(least, Math.ceil(-Math.log10(ci)) + 1));
}

function showDifference(m: Pick<Metric, 'kind'>, d: Estimate & { unpairedCi95?: number }, unpaired = true): string {
  const k = decimalsFor(m.kind, d);
  const mean = magnitude(m.kind, d.mean, k);
  const zero = mean === magnitude(m.kind, 0, k);
  const sign = zero ? '' : d.mean > 0 ? '+' : '−';
  const u = unpaired && d.unpairedCi95 !== undefined ? ` [±${magnitude(m.kind, d.unpairedCi95, k)}]` : '';
  return `${sign}${mean} ±${magnitude(m.kind, d.ci95, k)}${u}`;
}

/** Unique keys for the arms: a policy named twice becomes `static`, `static#2`. */
export function armKeys(names: readonly string[]): string[] {
  const count = new Map<string, number>();
  return names.map((n) => {
    const c = (count.get(n) ?? 0) + 1;
    count.set(n, c);
    return c === 1 ? n : `${n}#${c}`;
  });
}

/** loadScenario (which attributes problems to the `--set` that caused them), with a context for the others. */
export function loadScenarioWith(file: string, overrides: string[], context?: string): Scenario {
  return loadScenario(file, overrides, context);
}
