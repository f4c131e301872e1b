/**
 * `autoshift compare <scenario> --policies a,b,c`: runs several allocation
 * policies on the same scenario and the same seeds (common random numbers),
 * and reports their KPIs, the paired difference of each against the first,
 * and a ranking. The statistics are in simulator/compare.ts.
 */
import { parseArgs, intFlag } from './args.js';
import { UsageError } from '../model/errors.js';
import { availableParallelism } from 'node:os';
import { checkRunSizes } from './run-size-check.js';
import { loadScenario } from './load-scenario.js';
import { runArms } from '../experiments/arms.js';
import { executorFor, onHelp } from './experiment-executor.js';
import { policyFromCommandLine, resolvePolicy } from './policy-loader.js';
import { ProgressBar } from './progress-bar.js';
import { addResilience } from '../simulator/resilience.js';
import { checkOpenMetricsFlags, defaultRunId, openMetricsClock, openMetricsFlags, openMetricsHelp, writeOpenMetrics } from './openmetrics-flags.js';
import type { TimeSeries } from '../simulator/figures.js';
import type { Scenario } from '../model/scenario.js';
import { summarize, type Estimate, type ResultDocument } from '../simulator/summarize.js';
import { windowBand, type Band } from '../simulator/series-band.js';
import { reportPath, writeReport } from './report-file.js';
import { renderCompare } from './compare-render.js';
import {
  KPI_METRICS,
  differenceOf,
  kpiEstimate,
  metricByName,
  rankArms,
  type Arm,
  type Metric,
  type PairedDifference,
  type RankEntry,
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
    policies: { value: true },
    replications: { value: true },
    set: { value: true, repeat: true },
    json: {},
    threads: { value: true },
    on: { value: true },
    metric: { value: true },
    report: { value: true },
    force: {},
    help: {},
    ...openMetricsFlags,
  });
  if (flags.help) {
    process.stdout.write(compareHelp);
    return 0;
  }
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
  const scenario = loadScenario(positionals[0], overrides);
  const clock = flags.openmetrics !== undefined ? openMetricsClock(flags, scenario, Date.now) : null;
  for (const p of policies) await resolvePolicy(scenario, policyFromCommandLine(p)); // a bad name fails here, before anything runs
  checkRunSizes(
    policies.map(() => scenario),
    { command: 'compare', force: !!flags.force, replications, threads: Math.min(threads ?? availableParallelism(), replications), eventLog: false },
  );
  const keys = armKeys(policies);
  let primary: Metric;
  try {
    primary = metricByName(typeof flags.metric === 'string' ? flags.metric : 'slaAttainment', {
      processes: scenario.processes.map((p) => p.id),
      steps: scenario.processes.flatMap((p) => p.steps.map((s) => s.key)),
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
    replications,
    onProgress: bar.update,
    reduce: (reps, i) => {
      const doc = summarize(scenario, policies[i], reps);
      addResilience(doc, scenario, reps);
      const values: Record<string, number[]> = {};
      for (const m of metrics) values[m.key] = reps.map((r) => m.of(r));
      const completed = reps.map((r) => r.totals.completed);
      const series: TimeSeries[] | null = clock ? reps.map((r) => r.timeseries) : null;
      return {
        doc,
        values,
        completed,
        series,
        windows: disruptionWindows(
          scenario,
          reps.map((r) => r.timeseries),
        ),
      };
    },
  }).finally(() => pool.close());
  bar.done();
  if (clock) {
    const run = typeof flags['run-id'] === 'string' ? flags['run-id'] : defaultRunId(scenario, 'compare');
    process.stderr.write(
      await writeOpenMetrics(
        String(flags.openmetrics),
        arms.map((a, i) => ({ scenario, policy: policies[i], run, replications: a.series! })),
        clock,
      ),
    );
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

export interface DisruptionBacklog {
  disruption: string;
  start: number;
  end: number;
  time: number[];
  backlog: Record<string, Band>;
}

/** Total backlog from a day before each disruption to three days after it, as a band over the replications. */
function disruptionWindows(scenario: Scenario, series: TimeSeries[]): { time: number[]; band: Band }[] {
  return scenario.disruptions.map((d) => windowBand(series, (ts) => ts.backlogTotal, d.start - 86400, d.end + 3 * 86400));
}

function compareResult(
  scenario: Scenario,
  replications: number,
  keys: string[],
  arms: { doc: ResultDocument; values: Record<string, number[]>; completed: number[]; windows: { time: number[]; band: Band }[] }[],
  metrics: Metric[],
  rankBy: Metric[],
): CompareResult {
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
    scenario: scenario.name,
    file: scenario.file,
    seed: scenario.seed,
    replications,
    baseline: keys[0],
    rankedBy: rankBy.map((m) => m.key),
    metrics: metrics.map((m) => ({ key: m.key, label: m.label, better: m.better, kind: m.kind })),
    policies,
    kpis,
    differences,
    ranking: rankArms(ranked, rankBy),
    disruptions: scenario.disruptions.map((d, j) => ({
      disruption: d.label,
      start: d.start,
      end: d.end,
      time: arms[0].windows[j].time,
      backlog: Object.fromEntries(keys.map((k, i) => [k, arms[i].windows[j].band])),
    })),
  };
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
