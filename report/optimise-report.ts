/**
 * The report of an optimisation (`autoshift optimise --report`, or `autoshift
 * report` of a saved `optimise --json`): the chosen design with its targets'
 * intervals and the bounds that decided them, the cost–target Pareto front
 * of every design evaluated, and the runner-up designs rejected with the
 * target each failed and by how much. Built from the same parts as the other
 * reports (chart, page, table, format).
 */
import type { Estimate } from '../simulator/summarize.js';
import type { AxisValue } from '../model/sweep-grid.js';
import type { DesignReport, OptimiseResult } from '../experiments/optimise.js';
import { renderChart, PALETTE, WIDTH, type Chart } from './chart.js';
import { sig } from './series-chart.js';
import { count, duration, money, percent, valueOf, type Kind } from './format.js';
import { esc, figure, page, table } from './page.js';

/** What an optimise report reads: `optimise --json` (cli/optimise-command.ts), the result of experiments/optimise.ts with the run's provenance. */
export type OptimiseDocument = OptimiseResult & { scenario: string; file?: string; seed: number; policy: string; fixed?: string[] };

const describe = (values: Record<string, AxisValue>) =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
const kindOf = (doc: OptimiseDocument, key: string): Kind => doc.figureKinds[key] ?? 'count';
const show = (doc: OptimiseDocument, key: string, e: Estimate) => valueOf(kindOf(doc, key), e);
/** A threshold or bound in its figure's unit, with no interval. */
const plain = (kind: Kind, x: number) => (kind === 'share' ? percent(x) : kind === 'duration' ? duration(x) : kind === 'money' ? money(x) : count(x));
const gridRuns = (doc: OptimiseDocument) => doc.gridCells * (doc.chosen?.replications ?? 5);

export function optimiseSummary(doc: OptimiseDocument): string {
  const s: string[] = [];
  const goal = `${doc.objective.sense === 'minimise' ? 'the lowest' : 'the highest'} ${esc(doc.objective.metric)}`;
  const held = `every target (${doc.targets.map((t) => `<code>${esc(t)}</code>`).join(', ')}) at ${percent(doc.confidence, 0)} confidence jointly`;
  if (doc.chosen) {
    const c = doc.chosen;
    s.push(
      `The design with ${goal} among those proven to meet ${held} is <strong>${esc(describe(c.values))}</strong>: ${esc(doc.objective.metric)} ${show(doc, doc.objective.metric, c.objective)}, after ${c.replications} replications.`,
    );
  } else {
    s.push(`No design evaluated was proven to meet ${held}${doc.budgetExhausted ? ' before the budget of simulations ran out' : ''}.`);
  }
  s.push(
    `The search started from ${esc(describe(doc.start))} (an Erlang C estimate) and evaluated ${doc.designsEvaluated} of the ${count(doc.gridCells)} designs of the grid, spending ${count(doc.simulations)} simulations where the full grid would take ${count(gridRuns(doc))} (${percent(doc.simulations / Math.max(1, gridRuns(doc)), 0)}).`,
  );
  if (doc.budgetExhausted) s.push('The budget of simulations ran out: the search stopped early, so a better design may exist.');
  return s.join(' ');
}

function factsTable(doc: OptimiseDocument): string {
  const rows: [string, string][] = [
    ['scenario', `${esc(doc.scenario)}${doc.file ? ` <span class="muted">(${esc(doc.file)})</span>` : ''}`],
    ['design space', doc.axes.map((a) => `<code>${esc(a.path)}</code> = ${a.values.map((v) => esc(String(v))).join(', ')}`).join('<br>')],
    ['fixed', doc.fixed?.length ? doc.fixed.map((f) => `<code>${esc(f)}</code>`).join(', ') : 'none'],
    ['objective', `${esc(doc.objective.sense)} <code>${esc(doc.objective.metric)}</code>`],
    ['targets', doc.targets.map((t) => `<code>${esc(t)}</code>`).join('<br>')],
    ['confidence', `${percent(doc.confidence, 0)} jointly: each one-sided bound at ${percent(doc.boundLevel, 2)} (Bonferroni over targets and looks)`],
    ['policy', esc(doc.policy)],
    ['seed', `${doc.seed} (every design runs on the same seeds: common random numbers)`],
    [
      'simulations',
      `${count(doc.simulations)} over ${doc.designsEvaluated} designs; the full grid: ${count(doc.gridCells)} cells, ${count(gridRuns(doc))} simulations`,
    ],
  ];
  return table(['', ''], rows, undefined, 'facts').replace(/<thead>.*?<\/thead>/, '');
}

function chosenSection(doc: OptimiseDocument): string {
  const c = doc.chosen;
  if (!c)
    return '<section id="chosen"><h2>Chosen design</h2><p>None: no design was proven to meet every target. The rejected designs below say which target each one failed.</p></section>';
  const targets = table(
    ['target', 'mean ±95%', `bound at ${percent(doc.boundLevel, 2)}`, 'verdict'],
    c.targets.map((t, i) => {
      const key = doc.targetSpecs[i]?.figure ?? '';
      return [`<code>${esc(t.target)}</code>`, show(doc, key, { mean: t.mean, ci95: t.ci95 }), plain(kindOf(doc, key), t.bound), esc(t.verdict)];
    }),
  );
  const figures = table(
    ['figure', 'mean ±95%'],
    Object.entries(c.figures).map(([k, e]) => [`<code>${esc(k)}</code>`, show(doc, k, e)]),
  );
  return `<section id="chosen"><h2>Chosen design: ${esc(describe(c.values))}</h2>
<p>Each target's one-sided bound (the lower one for <code>&gt;=</code>, the upper one for <code>&lt;=</code>) clears its threshold after ${c.replications} replications.</p>
${targets}
<h3>Its figures</h3>
${figures}</section>`;
}

/** Why each other design was not chosen: the failing target and by how much, undecided, or costlier. */
function rejectedSection(doc: OptimiseDocument): string {
  if (!doc.runnersUp.length) return '';
  const failing = (d: DesignReport) =>
    d.targets
      .filter((t) => t.verdict !== 'met')
      .map((t) => `<code>${esc(t.target)}</code>`)
      .join('<br>') || '—';
  const rows = doc.runnersUp.map((d) => [
    esc(describe(d.values)),
    show(doc, doc.objective.metric, d.objective),
    String(d.replications),
    esc(d.status),
    failing(d),
    esc(d.reason ?? ''),
  ]);
  const skipped = doc.skipped.length
    ? `<p class="note">Skipped ${doc.skipped.length} design${doc.skipped.length === 1 ? '' : 's'} that cannot run: ${doc.skipped.map((d) => `${esc(describe(d.values))} (${esc(d.reason.split('\n')[0])})`).join('; ')}.</p>`
    : '';
  return `<section id="rejected"><h2>Rejected designs</h2>
<p>The ${doc.runnersUp.length} other design${doc.runnersUp.length === 1 ? '' : 's'} evaluated, best ${esc(doc.objective.metric)} first, each with the reason it was not chosen.</p>
${table(['design', esc(doc.objective.metric), 'replications', 'status', 'target not met', 'why not'], rows)}${skipped}</section>`;
}

/** Every evaluated design by objective and the first target's figure: status as colour, the Pareto front joined, the threshold, the chosen design marked. */
async function paretoChart(doc: OptimiseDocument): Promise<Chart> {
  const spec = doc.targetSpecs[0];
  const key = spec.figure;
  const designs = [...(doc.chosen ? [doc.chosen] : []), ...doc.runnersUp];
  const onFront = new Set(doc.pareto.map((d) => describe(d.values)));
  const rows = designs.map((d) => {
    const o = d.objective,
      f = d.figures[key] ?? { mean: 0, ci95: 0 };
    return {
      design: describe(d.values),
      x: sig(o.mean),
      xLo: sig(o.mean - o.ci95),
      xHi: sig(o.mean + o.ci95),
      y: sig(f.mean),
      yLo: sig(f.mean - f.ci95),
      yHi: sig(f.mean + f.ci95),
      status: d === doc.chosen ? 'chosen' : d.status === 'met' ? 'meets every target' : d.status === 'failed' ? 'fails a target' : 'undecided',
      front: onFront.has(describe(d.values)),
      chosen: d === doc.chosen,
    };
  });
  const frontRows = rows.filter((r) => r.front).sort((a, b) => a.x - b.x);
  const yKind = kindOf(doc, key),
    xKind = kindOf(doc, doc.objective.metric);
  const axisFormat = (k: Kind) => (k === 'share' ? '.0%' : ',.0f');
  const x = { field: 'x', type: 'quantitative', title: doc.objective.metric, axis: { format: axisFormat(xKind) }, scale: { zero: false } };
  const y = { field: 'y', type: 'quantitative', title: key, axis: { format: axisFormat(yKind) }, scale: { zero: false } };
  const statuses = ['chosen', 'meets every target', 'fails a target', 'undecided'];
  const listed =
    frontRows
      .slice(0, 10)
      .map((r) => `${r.design} (${plain(xKind, r.x)}, ${plain(yKind, r.y)})`)
      .join('; ') + (frontRows.length > 10 ? `; and ${frontRows.length - 10} more` : '');
  const chosen = doc.chosen ? `; the diamond marks the chosen design, ${describe(doc.chosen.values)}` : '; no design was chosen';
  return renderChart(
    `${doc.objective.metric} against ${key}: the Pareto front`,
    `Each point is a design evaluated, with 95% intervals as bars, coloured by its verdict; the line joins the Pareto front, the designs no other beats on both ${doc.objective.metric} and ${key} (by their means): ${listed}. The dashed line is the target ${doc.targets[0]}${chosen}.`,
    {
      width: WIDTH,
      height: 280,
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', color: '#999' }, encoding: { x: { ...x, field: 'xLo' }, x2: { field: 'xHi' }, y } },
        { mark: { type: 'rule', color: '#999' }, encoding: { x, y: { ...y, field: 'yLo' }, y2: { field: 'yHi' } } },
        {
          data: { values: frontRows },
          mark: { type: 'line', color: PALETTE[0], strokeWidth: 1.5 },
          encoding: { x, y, order: { field: 'x', type: 'quantitative' } },
        },
        {
          mark: { type: 'point', filled: true, size: 45 },
          encoding: {
            x,
            y,
            color: { field: 'status', type: 'nominal', title: null, scale: { domain: statuses, range: ['#000000', PALETTE[2], PALETTE[3], PALETTE[1]] } },
            shape: { field: 'status', type: 'nominal', title: null, scale: { domain: statuses, range: ['diamond', 'circle', 'triangle-down', 'square'] } },
          },
        },
        {
          transform: [{ filter: 'datum.chosen' }],
          mark: { type: 'point', shape: 'diamond', size: 260, filled: false, strokeWidth: 2, color: '#000' },
          encoding: { x, y },
        },
        {
          data: { values: frontRows.slice(0, 6) },
          mark: { type: 'text', align: 'left', dx: 8, dy: 10, fontSize: 9, color: '#333' },
          encoding: { x, y, text: { field: 'design' } },
        },
        {
          data: { values: [{ threshold: sig(spec.threshold) }] },
          mark: { type: 'rule', strokeDash: [5, 3], color: PALETTE[3] },
          encoding: { y: { field: 'threshold', type: 'quantitative' } },
        },
      ],
    },
  );
}

/** The HTML report of an optimisation. */
export async function renderOptimiseReport(doc: OptimiseDocument): Promise<string> {
  const chart = doc.chosen || doc.runnersUp.length ? await paretoChart(doc) : null;
  const body = [
    `<section id="summary"><h2>Summary</h2><p class="lead">${optimiseSummary(doc)}</p>${factsTable(doc)}</section>`,
    chosenSection(doc),
    chart ? `<section id="pareto"><h2>Cost against the target: every design evaluated</h2>${figure(chart, 'chart-1')}</section>` : '',
    rejectedSection(doc),
    '<section id="method"><h2>How to read it</h2><p class="note">A design is <em>met</em> when every target\'s one-sided Student-t bound clears its threshold, <em>failed</em> when the opposite bound misses it, and <em>undecided</em> when it still straddles the threshold after the most replications allowed. The search starts from an Erlang C estimate and moves through integer neighbourhoods; it does not run the whole grid (docs/optimise.md).</p></section>',
  ].filter(Boolean);
  return page({
    title: `Optimisation: ${doc.scenario}`,
    subtitle: `${doc.objective.sense} ${doc.objective.metric} · ${doc.targets.length} target${doc.targets.length === 1 ? '' : 's'} at ${percent(doc.confidence, 0)} confidence · policy ${doc.policy} · seed ${doc.seed} · ${doc.simulations} simulations`,
    body,
    footer: `Made by autoshift from the optimisation of ${doc.file || doc.scenario}. Charts: Vega-Lite, rendered to SVG by Vega; each chart's specification is under it.`,
  });
}
