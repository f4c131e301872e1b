/**
 * `autoshift sweep <scenario> --set pools.clerks.size=2..6 ...`: a what-if
 * grid. Every cell of the cartesian product of the axes runs R replications on
 * the same seeds (common random numbers), so neighbouring cells differ by the
 * change, not by luck. Grid parsing is in model/sweep-grid.ts.
 */
import { parseArgs, intFlag } from './args.js';
import { UsageError } from '../model/errors.js';
import { availableParallelism } from 'node:os';
import { checkRunSizes } from './run-size-check.js';
import { reportPath, writeReport } from './report-file.js';
import { prepareOutputDir, withPartFiles } from './output-paths.js';
import { SweepCellStore } from './sweep-cells.js';
import { scenarioWarnings } from '../simulator/nothing-to-measure.js';
import { policyFromCommandLine, resolvePolicy } from './policy-loader.js';
import { ProgressBar } from './progress-bar.js';
import { table } from './table.js';
import { fmtDuration, fmtMoney, fmtShare } from './format.js';
import { loadScenario } from './load-scenario.js';
import { runArms } from '../experiments/arms.js';
import { executorFor, onHelp } from './experiment-executor.js';
import { ThreadPool } from '../experiments/executors/thread-pool.js';
import { formatDuration } from '../model/units.js';
import type { Scenario } from '../model/scenario.js';
import { describeCell, parseSweepGrid, type AxisValue, type SweepGrid } from '../model/sweep-grid.js';
import { observedTime, summarize, type Estimate, type ResultDocument } from '../simulator/summarize.js';
import { KPI_METRICS, kpiEstimate } from '../simulator/compare.js';

export const sweepHelp = `Usage: autoshift sweep <scenario.yaml> --set PATH=a..b [--set PATH=x,y,z ...] [options]

Runs every cell of a grid of scenario variants, R replications each, all on
the same seeds (common random numbers), and prints one row per cell: the axis
values, SLA attainment, mean cycle time, cost per case, total cost and the
utilisation of each pool. The cheapest cell (lowest mean total cost) whose
mean SLA attainment meets the target is marked.

Grid (--set, repeatable; any scenario field, by its path):
  --set PATH=a..b       an axis of the integers a, a+1, ..., b (a <= b)
  --set PATH=a..b:step  an axis of a, a+step, ... up to b
  --set PATH=x,y,z      an axis of the listed values (e.g. policy=static,reactive)
  --set PATH=VALUE      a fixed override for every cell (e.g. horizon=30d)
Cells are in the order of the axes as given: the first axis varies slowest,
the last fastest.

Options:
  --replications R    replications per cell (default 5)
  --policy NAME       run every cell with this allocation policy instead of the scenario's
  --target-sla S      SLA attainment the marked cell must meet, 0..1 (default 0.95)
  --json              print exactly one JSON document on stdout:
                      { scenario, seed, policy, replications, target, axes: [{ path, values }],
                        cells: [{ values: { path: value }, result }], cheapest }
  --report FILE.html  write a self-contained HTML report with charts (docs/report.md): for one
                      axis the KPIs against its values, for two a heatmap, and the cost-SLA Pareto front
  --threads N         worker threads (default: number of cores)
  --force             run even when the size estimate says it cannot fit in memory
                      (see "How big a run is" in docs/scenario.md)
  --out DIR           keep each cell in DIR/cells.jsonl as it finishes, and the result in DIR/sweep.json
  --resume            with --out: reuse the cells DIR/cells.jsonl already holds (same scenario, policy
                      and replications) and run only the others, e.g. after Ctrl-C
${onHelp}

Example:
  autoshift sweep scenarios/invoice-office.yaml --set pools.ocr-bot.size=0..4 \\
    --set pools.clerks.size=2..6 --set horizon=30d
`;

/** What a sweep keeps of a cell: a ResultDocument without steps, resilience or time series, plus the KPIs. */
export interface CellResult {
  policy: string;
  replications: number;
  /** as in a result document: the mean when drained replications differ in length (each in simulatedSecondsByReplication) */
  simulatedSeconds: number;
  simulatedSecondsByReplication?: number[];
  /** a per-case KPI is null when the cell completed no case */
  kpis: Record<string, Estimate | null>;
  processes: ResultDocument['processes'];
  pools: ResultDocument['pools'];
  totals: ResultDocument['totals'];
}

export interface SweepResult {
  scenario: string;
  file: string;
  seed: number;
  policy: string;
  replications: number;
  target: number;
  axes: { path: string; values: AxisValue[] }[];
  fixed: string[];
  cells: { values: Record<string, AxisValue>; result: CellResult }[];
  /** index of the cheapest cell meeting the target, null if none does */
  cheapest: number | null;
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    set: { value: true, repeat: true },
    replications: { value: true },
    policy: { value: true },
    'target-sla': { value: true },
    json: {},
    threads: { value: true },
    on: { value: true },
    report: { value: true },
    out: { value: true },
    resume: {},
    force: {},
    help: {},
  });
  if (flags.help) {
    process.stdout.write(sweepHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one scenario file: autoshift sweep <scenario.yaml> --set PATH=a..b');
  const replications = intFlag(flags, 'replications', 5, 1);
  const threads = flags.threads !== undefined ? intFlag(flags, 'threads', 1, 1) : undefined;
  const target = flags['target-sla'] === undefined ? 0.95 : Number(flags['target-sla']);
  if (!(target >= 0 && target <= 1))
    throw new UsageError(`--target-sla: expected a share between 0 and 1, like 0.95, got ${JSON.stringify(flags['target-sla'])}`);
  const policyName = policyFromCommandLine(flags.policy as string | undefined);

  const report = reportPath(flags.report, '--report');
  const grid = parseSweepGrid((flags.set as string[] | undefined) ?? []);
  if (grid.axes.length === 0) throw new UsageError('expected at least one axis: --set PATH=a..b or --set PATH=x,y,z');
  if (policyName !== undefined && grid.axes.some((a) => a.path === 'policy'))
    throw new UsageError('--policy and an axis over policy: expected one or the other');
  if (flags.resume && flags.out === undefined) throw new UsageError('--resume needs --out DIR (the directory of the sweep to resume)');
  const outDir = flags.out !== undefined ? String(flags.out) : undefined;
  if (outDir !== undefined) prepareOutputDir('--out', outDir);
  // Every cell is compiled (and its policy built) before anything runs: a bad cell fails fast, naming its --set.
  const scenarios: Scenario[] = [];
  for (const cell of grid.cells) {
    const s = loadScenario(positionals[0], cell.overrides, `the sweep cell ${describeCell(cell)}`);
    await resolvePolicy(s, policyName);
    scenarios.push(s);
  }

  checkRunSizes(scenarios, {
    command: 'sweep',
    force: !!flags.force,
    replications,
    threads: Math.min(threads ?? availableParallelism(), replications),
    eventLog: false,
  });
  // a horizon (fixed or on an axis) that leaves out the scenario's disruptions or surges: say so once, not a table of zeros
  for (const w of new Set(scenarios.flatMap((s) => scenarioWarnings(s)))) process.stderr.write(`autoshift sweep: warning: ${w}\n`);
  // cells finished earlier (--resume), and the store that keeps each cell as it finishes (--out)
  const store = outDir !== undefined ? new SweepCellStore<CellResult>(outDir, !!flags.resume) : null;
  const keys = scenarios.map((s) => SweepCellStore.key(s, policyName, replications));
  const results: CellResult[] = new Array(scenarios.length);
  const todo: number[] = [];
  scenarios.forEach((_, i) => {
    const kept = store?.get(keys[i]);
    if (kept) results[i] = kept;
    else todo.push(i);
  });
  if (store && flags.resume)
    process.stderr.write(`autoshift sweep: resuming: ${scenarios.length - todo.length} of ${scenarios.length} cells done in ${store.file}\n`);
  let finished = scenarios.length - todo.length;
  const bar = new ProgressBar(`${scenarios[0].name}: ${todo.length} cells × ${replications}`);
  const pool = await executorFor(flags.on, threads);
  // a few cells per call (one per thread), so cells are kept as they finish, not all at the end (on Temporal: a workflow's worth)
  const perCall = pool instanceof ThreadPool ? Math.max(1, pool.threads) * replications : pool.batchLimit;
  const executor = { run: pool.run.bind(pool), batchLimit: Math.min(pool.batchLimit, perCall) };
  await withPartFiles(
    [],
    {
      command: 'sweep',
      stop: () => pool.close(),
      finished: () =>
        `${finished} of ${scenarios.length} cells done${store ? `, kept in ${store.file} (run again with --resume to finish)` : ' (not kept: --out DIR keeps each cell as it finishes, --resume goes on from there)'}`,
    },
    () =>
      runArms(executor, {
        arms: todo.map((i) => ({ scenario: scenarios[i], policyName })),
        replications,
        onProgress: bar.update,
        reduce: (reps, k): CellResult => {
          const i = todo[k];
          const s = scenarios[i];
          const doc = summarize(s, policyName ?? s.policy.module ?? s.policy.name, reps);
          const cell: CellResult = {
            policy: doc.policy,
            replications: doc.replications,
            simulatedSeconds: doc.simulatedSeconds,
            ...(doc.simulatedSecondsByReplication ? { simulatedSecondsByReplication: doc.simulatedSecondsByReplication } : {}),
            kpis: Object.fromEntries(
              KPI_METRICS.map((m) => [
                m.key,
                kpiEstimate(
                  m.key,
                  reps.map((r) => m.of(r)),
                  reps.map((r) => r.totals.completed),
                ),
              ]),
            ),
            processes: doc.processes,
            pools: doc.pools,
            totals: doc.totals,
          };
          results[i] = cell;
          finished++;
          store?.record(i, keys[i], grid.cells[i].values, cell);
          return cell;
        },
      }),
  ).finally(() => pool.close());
  bar.done();

  const result: SweepResult = {
    scenario: scenarios[0].name,
    file: scenarios[0].file,
    seed: scenarios[0].seed,
    policy: policyName ?? (grid.axes.some((a) => a.path === 'policy') ? '(axis)' : results[0].policy),
    replications,
    target,
    axes: grid.axes.map((a) => ({ path: a.path, values: a.values })),
    fixed: grid.fixed,
    cells: grid.cells.map((c, i) => ({ values: c.values, result: results[i] })),
    cheapest: cheapestMeeting(results, target),
  };
  if (report !== undefined) writeReport(report, await (await import('../report/sweep-report.js')).renderSweepReport(result));
  store?.writeResult(result);
  if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(renderSweep(result, grid) + '\n');
  return 0;
}

/** The cell with the lowest mean total cost among those whose mean SLA attainment is at least the target (first in grid order on a tie). */
export function cheapestMeeting(cells: readonly Pick<CellResult, 'kpis'>[], target: number): number | null {
  let best: number | null = null;
  cells.forEach((c, i) => {
    if ((c.kpis.slaAttainment?.mean ?? -Infinity) < target) return;
    if (best === null || c.kpis.totalCost!.mean < cells[best].kpis.totalCost!.mean) best = i;
  });
  return best;
}

export function renderSweep(r: SweepResult, grid: SweepGrid): string {
  const pools = Object.keys(r.cells[0].result.pools);
  const lines: string[] = [];
  const observed = observedTime(
    r.cells.map((c) => c.result),
    formatDuration,
  );
  lines.push(
    `${r.scenario} — sweep of ${r.cells.length} cells, ${r.replications} replication${r.replications > 1 ? 's' : ''} each on the same seeds (common random numbers), seed ${r.seed}, policy ${r.policy}, ${observed}`,
  );
  if (r.fixed.length) lines.push(`fixed: ${r.fixed.join(', ')}`);
  if (r.replications > 1) lines.push('(figures are means ± 95% confidence half-widths across replications)');
  lines.push('');
  const headers = [
    ...grid.axes.map((a) => a.path),
    'SLA met',
    'cycle',
    'cost/case',
    'total cost',
    ...pools.map((p) => `util ${p}`),
    `meets ${(r.target * 100).toFixed(1)}%`,
  ];
  const rows = r.cells.map((c, i) => {
    const k = c.result.kpis;
    return [
      ...grid.axes.map((a) => String(c.values[a.path])),
      fmtShare(k.slaAttainment),
      fmtDuration(k.cycleMeanSeconds),
      fmtMoney(k.costPerCase),
      fmtMoney(k.totalCost),
      ...pools.map((p) => fmtShare(c.result.pools[p].utilization)),
      i === r.cheapest ? 'yes ◀ cheapest' : (k.slaAttainment?.mean ?? -Infinity) >= r.target ? 'yes' : '',
    ];
  });
  const align = headers.map((_, i) => (i === headers.length - 1 ? 'l' : 'r') as 'l' | 'r');
  lines.push(table(headers, rows, align));
  lines.push('');
  if (r.cheapest === null) {
    let bestSla = 0;
    const sla = (i: number) => r.cells[i].result.kpis.slaAttainment?.mean ?? -Infinity;
    r.cells.forEach((_, i) => {
      if (sla(i) > sla(bestSla)) bestSla = i;
    });
    const c = r.cells[bestSla];
    lines.push(
      `No cell meets SLA attainment ≥ ${(r.target * 100).toFixed(1)}%; the best is ${describeValues(c.values)} at ${fmtShare(c.result.kpis.slaAttainment)}.`,
    );
  } else {
    const c = r.cells[r.cheapest];
    const sla = c.result.kpis.slaAttainment!; // it meets the target: not null
    const sure = sla.mean - sla.ci95 >= r.target ? '' : ' (its 95% interval reaches below the target: add replications to be sure)';
    lines.push(
      `Cheapest cell meeting SLA attainment ≥ ${(r.target * 100).toFixed(1)}%: ${describeValues(c.values)} — SLA met ${fmtShare(sla)}, total cost ${fmtMoney(c.result.kpis.totalCost)}${sure}.`,
    );
  }
  return lines.join('\n');
}

function describeValues(values: Record<string, AxisValue>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}
