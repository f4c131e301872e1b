/**
 * `autoshift optimise <scenario> --vary PATH=a..b --target FIGURE>=VALUE
 * --minimise cost`: the best design whose targets hold at 95% confidence, by
 * local search from an Erlang C start with sequential replications
 * (experiments/optimise.ts). This file parses, wires the executor, prints.
 */
import { parseArgs, intFlag } from './args.js';
import { UsageError } from '../model/errors.js';
import { availableParallelism } from 'node:os';
import { checkRunSizes } from './run-size-check.js';
import { resolvePolicy } from './policy-loader.js';
import { ProgressBar } from './progress-bar.js';
import { table } from './table.js';
import { loadScenario } from './load-scenario.js';
import { show } from './compare-render.js';
import { executorFor, onHelp } from './experiment-executor.js';
import { reportPath, writeReport } from './report-file.js';
import { overridesOf, parseAxes } from '../experiments/design-space.js';
import { parseObjective, parseTarget, figureMetric, type Target } from '../experiments/targets.js';
import { staffingStart } from '../experiments/staffing-start.js';
import { optimise, type DesignReport, type OptimiseResult } from '../experiments/optimise.js';
import type { Scenario } from '../model/scenario.js';
import type { Metric } from '../simulator/compare.js';

export const optimiseHelp = `Usage: autoshift optimise <scenario.yaml> --vary PATH=a..b [--vary ...] --target FIGURE>=VALUE [--target ...] [options]

Finds the best design (the cheapest, by default) whose targets all hold with
95% confidence, without running the whole grid: it starts from an Erlang C
estimate of each varied pool, searches integer neighbourhoods from there
(one step up or down on an axis, or one unit traded between two axes), runs
every design on the same seeds (common random numbers), and adds
replications only to designs whose verdict is still open. It prints the
chosen design with its figures and intervals, the runner-up designs it
rejected and why, the cost–target Pareto front, and the simulations spent.

Design space (--vary, repeatable; any scenario field, by its path):
  --vary PATH=a..b       integers a..b, e.g. pools.clerks.size=1..12
  --vary PATH=a..b:step  a, a+step, ... up to b
  --vary PATH=x,y,z      listed values, e.g. policy.params.targetBacklogPerUnit=1,2,4

Targets (--target, repeatable, at least one): FIGURE>=VALUE or FIGURE<=VALUE
  FIGURE   slaAttainment, cycleMeanSeconds, costPerCase, worstBacklog, utilization, totalCost,
           processes.<id>.<field>  (slaAttainment, cycleP95Seconds, waitMeanSeconds, ...)
           pools.<id>.<field>      (utilization, cost, ...)
           steps.<process/step>.<field>, totals.<field>,
           disruptions[<i>].<field> (timeToRecoverSeconds, slaInWindow, worstBacklog, ...)
  VALUE    a number, a share like 95%, or for times a duration like 48h
  e.g. --target 'processes.invoice.slaAttainment>=0.95' --target 'pools.clerks.utilization<=85%'

Options:
  --minimise FIGURE       the objective (default: cost, the rostered cost of all pools)
  --maximise FIGURE       or maximise a figure instead
  --confidence C          joint confidence that the chosen design meets every target (default 0.95)
  --replications N        replications every design gets first, N >= 2 (default 5)
  --max-replications N    at most this many per design before calling it undecided (default 40)
  --budget-runs N         stop after N simulations and report the best design proven so far
  --set PATH=VALUE        a fixed override for every design, e.g. --set horizon=30d (repeatable)
  --policy NAME           run every design with this allocation policy instead of the scenario's
  --json                  print exactly one JSON document on stdout (see docs/optimise.md)
  --report FILE.html      also write an HTML report: the chosen design, the Pareto front chart,
                          the rejected designs and the target each failed (docs/report.md)
  --threads N             worker threads (default: number of cores)
  --force                 run even when the size estimate says a design cannot fit in memory
                          (see "How big a run is" in docs/scenario.md)
${onHelp}

Example:
  autoshift optimise scenarios/invoice-office.yaml --vary pools.clerks.size=1..12 \\
    --vary pools.ocr-bot.size=0..4 --target 'processes.invoice.slaAttainment>=0.95' --minimise cost
`;

export async function optimiseCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    vary: { value: true, repeat: true },
    target: { value: true, repeat: true },
    minimise: { value: true },
    maximise: { value: true },
    confidence: { value: true },
    replications: { value: true },
    'max-replications': { value: true },
    'budget-runs': { value: true },
    set: { value: true, repeat: true },
    policy: { value: true },
    json: {},
    report: { value: true },
    threads: { value: true },
    on: { value: true },
    force: {},
    help: {},
  });
  if (flags.help) {
    process.stdout.write(optimiseHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one scenario file: autoshift optimise <scenario.yaml> --vary PATH=a..b --target FIGURE>=VALUE');
  const vary = (flags.vary as string[] | undefined) ?? [];
  if (!vary.length) throw new UsageError('expected at least one --vary PATH=a..b, like --vary pools.clerks.size=1..12');
  const targetTexts = (flags.target as string[] | undefined) ?? [];
  if (!targetTexts.length) throw new UsageError("expected at least one --target FIGURE>=VALUE, like --target 'processes.invoice.slaAttainment>=0.95'");
  if (flags.minimise !== undefined && flags.maximise !== undefined) throw new UsageError('--minimise and --maximise: expected one or the other');
  const confidence = flags.confidence === undefined ? 0.95 : Number(flags.confidence);
  if (!(confidence > 0 && confidence < 1))
    throw new UsageError(`--confidence: expected a number between 0 and 1, like 0.95, got ${JSON.stringify(flags.confidence)}`);
  const n0 = intFlag(flags, 'replications', 5, 2);
  const nMax = intFlag(flags, 'max-replications', Math.max(40, n0), n0);
  const budget = flags['budget-runs'] !== undefined ? intFlag(flags, 'budget-runs', 0, 1) : undefined;
  const threads = flags.threads !== undefined ? intFlag(flags, 'threads', 1, 1) : undefined;
  const policyName = flags.policy as string | undefined;
  const fixed = (flags.set as string[] | undefined) ?? [];
  const report = reportPath(flags.report, '--report');

  const axes = parseAxes(vary);
  const base = loadScenario(positionals[0], fixed);
  await resolvePolicy(base, policyName);
  // the largest design is the one at every axis's last value (the upper end of a range): it and the base must fit
  let corner: Scenario | null = null;
  try {
    corner = loadScenario(positionals[0], [
      ...fixed,
      ...overridesOf(
        axes,
        axes.map((a) => a.raw.length - 1),
      ),
    ]);
  } catch {
    /* a design that cannot compile is skipped by the search */
  }
  checkRunSizes(corner ? [base, corner] : [base], {
    command: 'optimise',
    force: !!flags.force,
    replications: nMax,
    threads: Math.min(threads ?? availableParallelism(), nMax),
    eventLog: false,
  });
  const targets: Target[] = targetTexts.map((t) => {
    try {
      return parseTarget(t, base);
    } catch (err) {
      throw new UsageError(`--target ${t}: ${(err as Error).message}`);
    }
  });
  const sense = flags.maximise !== undefined ? 'maximise' : 'minimise';
  const objectiveName = String(flags.maximise ?? flags.minimise ?? 'cost');
  let objective;
  try {
    objective = parseObjective(objectiveName, sense, base);
  } catch (err) {
    throw new UsageError(`--${sense} ${objectiveName}: ${(err as Error).message}`);
  }
  const start = staffingStart(base, axes, targets);

  const pool = await executorFor(flags.on, threads);
  const bar = new ProgressBar(`${base.name}: optimising`);
  let result: OptimiseResult;
  try {
    result = await optimise({
      axes,
      targets,
      objective,
      start,
      executor: pool,
      confidence,
      initialReplications: n0,
      maxReplications: nMax,
      budgetRuns: budget,
      makeArm: (overrides) => ({ scenario: loadScenario(positionals[0], [...fixed, ...overrides], `the design ${overrides.join(', ')}`), policyName }),
      onProgress: (p) => bar.update(budget ? p.simulations / budget : p.round, `${p.simulations} simulations, ${p.designs} designs, ${p.phase}`),
    });
  } finally {
    bar.done();
    await pool.close();
  }
  const doc = { scenario: base.name, file: base.file, seed: base.seed, policy: policyName ?? base.policy.name, fixed, ...result };
  if (report) writeReport(report, await (await import('../report/optimise-report.js')).renderOptimiseReport(doc));
  if (flags.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else process.stdout.write(renderOptimise(doc, base, targets, objective.metric) + '\n');
  return 0;
}

type OptimiseDocument = OptimiseResult & { scenario: string; seed: number; policy: string; fixed: string[] };

export function renderOptimise(r: OptimiseDocument, scenario: Scenario, targets: readonly Target[], objective: Metric): string {
  const lines: string[] = [];
  const describe = (d: DesignReport) =>
    Object.entries(d.values)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
  lines.push(`${r.scenario} — optimise: ${r.objective.sense} ${r.objective.metric} subject to ${r.targets.join(' and ')}`);
  lines.push(
    `(seed ${r.seed}, policy ${r.policy}${r.fixed.length ? `, ${r.fixed.join(', ')}` : ''}; every target holds at ${(r.confidence * 100).toFixed(0)}% confidence jointly: each one-sided bound at ${(r.boundLevel * 100).toFixed(2)}%)`,
  );
  lines.push(
    `started from ${Object.entries(r.start)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')} (Erlang C estimate)`,
  );
  lines.push('');
  if (r.chosen) {
    const c = r.chosen;
    lines.push(`Chosen: ${describe(c)} — ${objective.key} ${show(objective, c.objective)}, after ${c.replications} replications`);
    lines.push(
      table(
        ['target', 'mean ±95%', 'bound', 'verdict'],
        c.targets.map((t, i) => [
          t.target,
          show(targets[i].metric, { mean: t.mean, ci95: t.ci95 }),
          show(targets[i].metric, { mean: t.bound, ci95: 0 }),
          t.verdict,
        ]),
        ['l', 'r', 'r', 'l'],
      ),
    );
    const kpis = Object.entries(c.figures).filter(([k]) => ['slaAttainment', 'cycleMeanSeconds', 'costPerCase', 'totalCost'].includes(k));
    lines.push(`  ${kpis.map(([k, e]) => `${k} ${show(kindOf(k, scenario), e)}`).join(', ')}`);
  } else {
    lines.push(`No design in the space was proven to meet every target${r.budgetExhausted ? ' before the budget ran out' : ''}.`);
  }
  if (r.budgetExhausted) lines.push(`(the budget of simulations ran out: the search stopped early, so a better design may exist)`);
  lines.push('');
  const shown = r.runnersUp.slice(0, 8);
  if (shown.length) {
    lines.push(
      `Rejected (${r.runnersUp.length} other design${r.runnersUp.length === 1 ? '' : 's'} evaluated; best ${objective.key} first${r.runnersUp.length > shown.length ? `, ${shown.length} shown` : ''}):`,
    );
    lines.push(
      table(
        ['design', objective.key, 'reps', 'why not'],
        shown.map((d) => [describe(d), show(objective, d.objective), String(d.replications), d.reason ?? '']),
        ['l', 'r', 'r', 'l'],
      ),
    );
    lines.push('');
  }
  if (r.skipped.length) {
    lines.push(
      `Skipped ${r.skipped.length} design${r.skipped.length === 1 ? '' : 's'} that cannot run: ${r.skipped
        .slice(0, 3)
        .map(
          (d) =>
            `${Object.entries(d.values)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(', ')} (${d.reason.split('\n')[0]})`,
        )
        .join('; ')}${r.skipped.length > 3 ? '; …' : ''}`,
    );
    lines.push('');
  }
  const first = targets[0];
  lines.push(`Pareto front (${objective.key} against ${first.metric.key}):`);
  lines.push(
    table(
      ['design', objective.key, first.metric.key, 'meets all'],
      r.pareto.map((d) => [describe(d), show(objective, d.objective), show(first.metric, d.figures[first.metric.key]), d.status === 'met' ? 'yes' : d.status]),
      ['l', 'r', 'r', 'l'],
    ),
  );
  lines.push('');
  lines.push(
    `Simulations spent: ${r.simulations} over ${r.designsEvaluated} designs; the full grid has ${r.gridCells} cells (${r.gridCells * (r.chosen?.replications ?? 5)} simulations at ${r.chosen?.replications ?? 5} replications each).`,
  );
  return lines.join('\n');
}

function kindOf(key: string, scenario: Scenario): Metric {
  return figureMetric(key, scenario);
}
