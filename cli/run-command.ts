/**
 * `autoshift run <scenario>`: a what-if run on the embedded `sim` runtime.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, intFlag } from './args.js';
import { UsageError } from '../model/errors.js';
import { loadScenario } from './load-scenario.js';
import { overrideAssignment, type OverrideSpec } from '../model/sweep-grid.js';
import { runReplications } from './replications.js';
import { policyFromCommandLine, resolvePolicy } from './policy-loader.js';
import { prepareOutputDir, prepareOutputFile, withPartFiles } from './output-paths.js';
import { ThreadPool } from '../experiments/executors/thread-pool.js';
import { notApplicable, scenarioWarnings } from '../simulator/nothing-to-measure.js';
import { checkRunSizes } from './run-size-check.js';
import { availableParallelism } from 'node:os';
import { executorFor, onHelp, parseOn } from './experiment-executor.js';
import { observedTime, summarize, type ResultDocument } from '../simulator/summarize.js';
import { ProgressBar } from './progress-bar.js';
import { table } from './table.js';
import { queueingTables } from './queueing-summary.js';
import { fmtCount, fmtDuration, fmtMoney, fmtShare, fmtThousands } from './format.js';
import { formatDuration, parseDuration } from '../model/units.js';
import { addResilience, type ResilienceFigures } from '../simulator/resilience.js';
import { checkOpenMetricsFlags, defaultRunId, openMetricsClock, openMetricsFlags, openMetricsHelp, writeOpenMetrics } from './openmetrics-flags.js';
import { reportPath, writeReport } from './report-file.js';

export const runHelp = `Usage: autoshift run <scenario.yaml> [options]

Runs a what-if simulation of the scenario on the embedded sim runtime and
prints a summary per process and per pool.

Options:
  --seed N            seed of every random stream (default: the scenario's seed)
  --replications R    independent replications, run in parallel on worker threads (default 1)
  --horizon D         simulated time, e.g. 30d (default: the scenario's horizon)
  --policy NAME       run with this allocation policy instead of the scenario's
  --set PATH=VALUE    override a scenario field, e.g. --set pools.clerks.size=5 (repeatable)
  --json              print exactly one JSON document (docs/results.schema.json) on stdout
  --out DIR           write summary.json and timeseries.csv into DIR (made if missing)
  --event-log FILE    stream every task (case, activity, resource, timestamps, warm-up flag) to FILE:
                      CSV, or IEEE 1849 XES when FILE ends in .xes
  --decision-log FILE write every decision epoch of the policy as JSON lines to FILE
  --threads N         worker threads (default: number of cores)
${onHelp}
  --timeseries        include the time series in the JSON: replication 1's, and the band
  --force             run even when the size estimate says it cannot fit in memory
                      (see "How big a run is" in docs/scenario.md)
                      (mean and 95% interval) over every replication
  --report FILE.html  write a self-contained HTML report with charts (docs/report.md)
${openMetricsHelp}`;

export async function runCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    seed: { value: true },
    replications: { value: true },
    horizon: { value: true },
    policy: { value: true },
    set: { value: true, repeat: true },
    json: {},
    out: { value: true },
    'event-log': { value: true },
    'decision-log': { value: true },
    threads: { value: true },
    on: { value: true },
    timeseries: {},
    force: {},
    report: { value: true },
    help: {},
    ...openMetricsFlags,
  });
  if (flags.help) {
    process.stdout.write(runHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one scenario file: autoshift run <scenario.yaml>');
  const overrides: OverrideSpec[] = [...((flags.set as string[]) ?? [])];
  if (flags.seed !== undefined) overrides.push({ set: `seed=${intFlag(flags, 'seed', 0)}`, flag: `--seed ${flags.seed}` });
  if (flags.horizon !== undefined) {
    if (Number.isNaN(parseDuration(String(flags.horizon))))
      throw new UsageError(`--horizon: expected a duration like 30d, got ${JSON.stringify(flags.horizon)}`);
    overrides.push({ set: `horizon=${flags.horizon}`, flag: `--horizon ${flags.horizon}` });
  }
  checkOpenMetricsFlags(flags);
  const report = reportPath(flags.report, '--report');
  const scenario = loadScenario(positionals[0], overrides, undefined, (w) => process.stderr.write(`autoshift run: warning: ${w}\n`));
  const clock = flags.openmetrics !== undefined ? openMetricsClock(flags, scenario, Date.now) : null;
  const replications = intFlag(flags, 'replications', 1, 1);
  const threads = flags.threads !== undefined ? intFlag(flags, 'threads', 1, 1) : undefined;
  const policyName = policyFromCommandLine(flags.policy as string | undefined);
  const policy = await resolvePolicy(scenario, policyName); // a bad policy fails here, before any output is touched
  const running = Math.min(threads ?? availableParallelism(), replications);
  checkRunSizes([scenario], { command: 'run', force: !!flags.force, replications, threads: running, eventLog: flags['event-log'] !== undefined });
  // outputs are checked (and their directories made) before the simulation, not after it
  const eventLog = flags['event-log'] as string | undefined;
  const decisionLog = flags['decision-log'] as string | undefined;
  if (flags.out !== undefined) prepareOutputDir('--out', String(flags.out));
  if (eventLog !== undefined) prepareOutputFile('--event-log', eventLog);
  if (decisionLog !== undefined) prepareOutputFile('--decision-log', decisionLog);
  if (flags.openmetrics !== undefined) prepareOutputFile('--openmetrics', String(flags.openmetrics));
  const onTemporal = parseOn(flags.on).kind === 'temporal';
  if (onTemporal && (eventLog !== undefined || decisionLog !== undefined)) {
    throw new UsageError('--on temporal with --event-log or --decision-log: expected one or the other (logs are written by local runs)');
  }
  const executor = onTemporal ? await executorFor(flags.on) : undefined;
  const bar = new ProgressBar(`${scenario.name}`);
  let done = 0;
  // logs are written in part files: keep the simulation off the main thread so Ctrl-C can stop it and remove them
  const pool = new ThreadPool({ threads: Math.min(threads ?? availableParallelism(), replications), inlineSingleThread: !eventLog && !decisionLog });
  const reps = await withPartFiles(
    [eventLog, decisionLog],
    {
      command: 'run',
      stop: () => pool.close(),
      finished: () => `${Math.floor(done * 100)}% of ${replications} replication${replications > 1 ? 's' : ''} simulated, no result written`,
    },
    () =>
      runReplications({
        scenario,
        policyName,
        replications,
        pool,
        executor,
        eventLog,
        decisionLog,
        onProgress: (f) => {
          done = f;
          bar.update(f);
        },
      }),
  ).finally(() => Promise.all([pool.close(), executor?.close()]));
  bar.done();
  // the policy's own name (a module's `name`, not its path): what the result, header and report show
  const shownPolicy = policy.name;
  const doc = summarize(scenario, shownPolicy, reps, !!flags.timeseries, report !== undefined);
  if (overrides.length) doc.overrides = overrides.map(overrideAssignment);
  addResilience(doc, scenario, reps);
  const warnings = [...scenarioWarnings(scenario), ...notApplicable(doc)];
  if (warnings.length) doc.warnings = warnings;
  for (const w of warnings) process.stderr.write(`autoshift run: warning: ${w}\n`);
  if (report !== undefined) writeReport(report, await (await import('../report/run-report.js')).renderRunReport(doc));
  if (flags.out) {
    const dir = String(flags.out);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(doc, null, 2) + '\n');
    writeFileSync(join(dir, 'timeseries.csv'), (await import('./timeseries-csv.js')).timeseriesCsv(reps));
  }
  if (clock) {
    const run = typeof flags['run-id'] === 'string' ? flags['run-id'] : defaultRunId(scenario, shownPolicy);
    process.stderr.write(
      await writeOpenMetrics(String(flags.openmetrics), [{ scenario, policy: shownPolicy, run, replications: reps.map((r) => r.timeseries) }], clock),
    );
  }
  if (flags.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else process.stdout.write(renderSummary(doc) + '\n');
  return 0;
}

export function renderSummary(doc: ResultDocument): string {
  const lines: string[] = [];
  lines.push(
    `${doc.scenario} — policy ${doc.policy}, seed ${doc.seed}, ${doc.replications} replication${doc.replications > 1 ? 's' : ''}, ${observedTime([doc], formatDuration)}, ${fmtThousands(doc.events)} events`,
  );
  if (doc.overrides?.length) lines.push(`overrides: ${doc.overrides.join(', ')}`);
  if (doc.replications > 1) lines.push('(figures are means ± 95% confidence half-widths across replications)');
  lines.push('');
  lines.push(
    table(
      ['process', 'arrived', 'completed', 'wait', 'cycle', 'cycle p95', 'SLA met', 'work cost/case', 'by bots'],
      Object.entries(doc.processes).map(([id, p]) => {
        // nothing completed: nothing to measure (n/a, not 0s and 0.0%)
        const na = p.completed.mean === 0 ? () => 'n/a' : null;
        return [
          id,
          fmtCount(p.arrived),
          fmtCount(p.completed),
          na?.() ?? fmtDuration(p.criticalPathWaitMeanSeconds ?? p.waitMeanSeconds),
          na?.() ?? fmtDuration(p.cycleMeanSeconds),
          na?.() ?? fmtDuration(p.cycleP95Seconds),
          na?.() ?? fmtShare(p.slaAttainment),
          na?.() ?? fmtMoney(p.costPerCase),
          fmtShare(p.automationShare),
        ];
      }),
    ),
  );
  const queueing = queueingTables(doc);
  if (queueing.length) lines.push('', ...queueing);
  lines.push('');
  lines.push(
    table(
      ['pool', 'utilisation', 'cost'],
      Object.entries(doc.pools).map(([id, p]) => [id, fmtShare(p.utilization), fmtMoney(p.cost)]),
    ),
  );
  // a figure over an empty set is null: n/a (simulator/resilience.ts)
  const res = doc.resilience as ResilienceFigures[] | undefined;
  if (res && res.length) {
    lines.push('');
    lines.push(
      table(
        ['disruption', 'time to recover', 'SLA met inside', 'worst backlog'],
        res.map((r) => [r.disruption, fmtDuration(r.timeToRecoverSeconds), fmtShare(r.slaInWindow), fmtCount(r.worstBacklog)]),
      ),
    );
  }
  lines.push('');
  const none = doc.totals.completed.mean === 0;
  lines.push(
    `all pools: cost ${fmtMoney(doc.totals.cost)} (rostered hours, idle time included), ${none ? 'n/a' : fmtMoney(doc.totals.costPerCase)} per completed case; SLA met ${none ? 'n/a (no case completed)' : fmtShare(doc.totals.slaAttainment)}`,
  );
  return lines.join('\n');
}
