/**
 * The report of a what-if grid (`autoshift sweep --report`, or `autoshift
 * report` of a saved `sweep --json`): where the cheapest staffing that holds
 * the SLA lies. For one swept field, SLA attainment and cost against its
 * value with interval bars and the target line; for two, a heatmap of SLA
 * attainment with the cost per case in each cell and the cheapest cell
 * meeting the target marked; for any grid, the cost–SLA Pareto front.
 */
import { observedTime, type Estimate } from '../simulator/summarize.js';
import { renderChart, PALETTE, WIDTH, type Chart } from './chart.js';
import { sig } from './series-chart.js';
import { duration, fmt, money, percent } from './format.js';
import { esc, figure, page, table } from './page.js';

import type { AxisValue } from '../model/sweep-grid.js';

/** What a sweep report reads of `sweep --json` (the SweepResult of cli/sweep-command.ts). */
export interface SweepDocument {
  scenario: string;
  file?: string;
  seed: number;
  policy: string;
  replications: number;
  target: number;
  axes: { path: string; values: AxisValue[] }[];
  fixed?: string[];
  /** a per-case KPI (SLA met, cycle, cost per case) is null in a cell that completed no case: n/a in tables, left out of charts */
  cells: {
    values: Record<string, AxisValue>;
    result: {
      kpis: Record<string, Estimate | null>;
      simulatedSeconds?: number;
      simulatedSecondsByReplication?: number[];
      pools?: Record<string, { utilization: Estimate | null }>;
    };
  }[];
  cheapest: number | null;
}

const describe = (values: Record<string, AxisValue>) =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
const short = (path: string) => path.split('.').slice(-2).join('.');
const slaOf = (doc: SweepDocument, i: number) => doc.cells[i].result.kpis.slaAttainment?.mean ?? -Infinity;
const meets = (doc: SweepDocument, i: number) => slaOf(doc, i) >= doc.target;
/** The cells whose per-case KPIs exist (some case completed): the ones a chart can place. */
const measured = (doc: SweepDocument) =>
  doc.cells
    .map((_, i) => i)
    .filter((i) => {
      const k = doc.cells[i].result.kpis;
      return k.slaAttainment && k.costPerCase && k.cycleMeanSeconds;
    });

/** The cells no other cell beats on both total cost (lower) and SLA attainment (higher), by increasing cost. */
export function paretoFront(doc: SweepDocument): number[] {
  const cost = (i: number) => doc.cells[i].result.kpis.totalCost!.mean;
  const order = measured(doc).sort((a, b) => cost(a) - cost(b) || slaOf(doc, b) - slaOf(doc, a) || a - b);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of order) {
    if (slaOf(doc, i) > best) {
      front.push(i);
      best = slaOf(doc, i);
    }
  }
  return front;
}

export function sweepSummary(doc: SweepDocument): string {
  const s: string[] = [];
  s.push(
    `${doc.cells.length} variants of the scenario ran on the same ${doc.replications} seed${doc.replications > 1 ? 's' : ''} each (common random numbers), varying ${doc.axes.map((a) => `${esc(a.path)} over ${a.values.map(String).join(', ')}`).join(' and ')}.`,
  );
  if (doc.cheapest === null) {
    let bestSla = 0;
    doc.cells.forEach((_, i) => {
      if (slaOf(doc, i) > slaOf(doc, bestSla)) bestSla = i;
    });
    const c = doc.cells[bestSla];
    s.push(
      `No variant meets the target of ${percent(doc.target)} of cases within their SLA; the best is ${esc(describe(c.values))}, at ${fmt.percent(c.result.kpis.slaAttainment)}.`,
    );
  } else {
    const c = doc.cells[doc.cheapest];
    const k = c.result.kpis;
    const sure = k.slaAttainment!.mean - k.slaAttainment!.ci95 >= doc.target ? '' : ' Its 95% interval reaches below the target: add replications to be sure.';
    s.push(
      `The cheapest variant that meets the target of ${percent(doc.target)} is ${esc(describe(c.values))}: ${fmt.percent(k.slaAttainment)} of cases met their SLA, at a total cost of ${fmt.money(k.totalCost)} (${fmt.money(k.costPerCase)} per case).${sure}`,
    );
  }
  const meeting = doc.cells.filter((_, i) => meets(doc, i)).length;
  s.push(`${meeting} of ${doc.cells.length} variants meet the target.`);
  return s.join(' ');
}

function factsTable(doc: SweepDocument): string {
  const results = doc.cells.map((c) => c.result).filter((r): r is typeof r & { simulatedSeconds: number } => r.simulatedSeconds !== undefined);
  const uniform = !results.some((r) => r.simulatedSecondsByReplication);
  const rows: [string, string][] = [
    ['scenario', `${esc(doc.scenario)}${doc.file ? ` <span class="muted">(${esc(doc.file)})</span>` : ''}`],
    ['grid', doc.axes.map((a) => `<code>${esc(a.path)}</code> = ${a.values.map((v) => esc(String(v))).join(', ')}`).join('<br>')],
    ['fixed', doc.fixed?.length ? doc.fixed.map((f) => `<code>${esc(f)}</code>`).join(', ') : 'none'],
    ['policy', esc(doc.policy)],
    ['seed', String(doc.seed)],
    ['replications', `${doc.replications} per variant${doc.replications > 1 ? ' (figures are means ± the half-width of their 95% confidence interval)' : ''}`],
    ['target', `SLA attainment of at least ${percent(doc.target)}`],
  ];
  if (results.length) rows.push(['observed', `${observedTime(results, duration)}${uniform ? ' per replication' : ''}`]);
  return table(['', ''], rows, undefined, 'facts').replace(/<thead>.*?<\/thead>/, '');
}

function cellTable(doc: SweepDocument): string {
  const pools = Object.keys(doc.cells[0]?.result.pools ?? {});
  const rows = doc.cells.map((c, i) => {
    const k = c.result.kpis;
    return [
      ...doc.axes.map((a) => esc(String(c.values[a.path]))),
      fmt.percent(k.slaAttainment),
      fmt.duration(k.cycleMeanSeconds),
      fmt.money(k.costPerCase),
      fmt.money(k.totalCost),
      ...pools.map((p) => fmt.percent(c.result.pools![p].utilization)),
      i === doc.cheapest ? 'yes — cheapest' : meets(doc, i) ? 'yes' : '',
    ];
  });
  return table(
    [
      ...doc.axes.map((a) => `<code>${esc(short(a.path))}</code>`),
      'SLA met',
      'mean cycle',
      'cost/case',
      'total cost',
      ...pools.map((p) => `utilisation ${esc(p)}`),
      `meets ${percent(doc.target)}`,
    ],
    rows,
    (i) => (i === doc.cheapest ? 'best' : undefined),
  );
}

const numericAxis = (a: { values: AxisValue[] }) => a.values.every((v) => typeof v === 'number');

function cellRows(doc: SweepDocument) {
  return measured(doc).map((i) => {
    const c = doc.cells[i];
    const k = c.result.kpis as Record<string, Estimate>;
    return {
      index: i,
      cell: describe(c.values),
      ...Object.fromEntries(doc.axes.map((a, j) => [`axis${j}`, c.values[a.path]])),
      sla: sig(k.slaAttainment.mean),
      slaLo: sig(Math.max(0, k.slaAttainment.mean - k.slaAttainment.ci95)),
      slaHi: sig(Math.min(1, k.slaAttainment.mean + k.slaAttainment.ci95)),
      cost: sig(k.totalCost.mean),
      costLo: sig(k.totalCost.mean - k.totalCost.ci95),
      costHi: sig(k.totalCost.mean + k.totalCost.ci95),
      perCase: sig(k.costPerCase.mean),
      perCaseLo: sig(k.costPerCase.mean - k.costPerCase.ci95),
      perCaseHi: sig(k.costPerCase.mean + k.costPerCase.ci95),
      label: money(k.costPerCase.mean),
      meets: k.slaAttainment.mean >= doc.target ? 'meets the target' : 'below the target',
      cheapest: i === doc.cheapest,
    };
  });
}

/** One swept field: SLA attainment and cost per case against its value, interval bars, the target line. */
async function lineChart(doc: SweepDocument): Promise<Chart> {
  const a = doc.axes[0];
  const rows = cellRows(doc);
  const x = {
    field: 'axis0',
    type: numericAxis(a) ? 'quantitative' : 'ordinal',
    title: a.path,
    ...(numericAxis(a) ? { scale: { zero: false }, axis: { tickMinStep: 1 } } : { sort: a.values }),
  };
  const target = {
    data: { values: [{ target: doc.target, label: `target ${percent(doc.target)}` }] },
    layer: [
      { mark: { type: 'rule', strokeDash: [5, 3], color: PALETTE[3] }, encoding: { y: { field: 'target', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, fontSize: 10, color: PALETTE[3] },
        encoding: { y: { field: 'target', type: 'quantitative' }, x: { value: WIDTH }, text: { field: 'label' } },
      },
    ],
  };
  const cheapest =
    doc.cheapest === null
      ? []
      : [
          {
            transform: [{ filter: 'datum.cheapest' }],
            mark: { type: 'point', shape: 'diamond', size: 220, filled: false, strokeWidth: 2, color: '#000' },
            encoding: { x, y: { field: 'sla', type: 'quantitative' } },
          },
        ];
  const panel = (field: string, title: string, format: string, color: string, extra: unknown[]) => ({
    width: WIDTH,
    height: 180,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'rule', color, strokeWidth: 2 },
        encoding: { x, y: { field: `${field}Lo`, type: 'quantitative', title, axis: { format }, scale: { zero: false } }, y2: { field: `${field}Hi` } },
      },
      {
        mark: { type: 'line', color, point: { filled: true, size: 40, color } },
        encoding: { x, y: { field, type: 'quantitative', title, axis: { format }, scale: { zero: false } } },
      },
      ...extra,
    ],
  });
  const values = doc.cells
    .map((c) => `${String(c.values[a.path])}: ${fmt.percent(c.result.kpis.slaAttainment)}, ${fmt.money(c.result.kpis.costPerCase)} per case`)
    .join('; ');
  return renderChart(
    `SLA attainment and cost against ${a.path}`,
    `For each value of ${a.path}, the share of cases within their SLA (top, target dashed${doc.cheapest !== null ? ', cheapest value meeting it marked with a diamond' : ''}) and the cost per completed case (bottom), with 95% intervals as bars. ${values}.`,
    {
      vconcat: [panel('sla', 'SLA met', '.1%', PALETTE[0], [target, ...cheapest]), panel('perCase', 'cost per completed case', ',.2f', PALETTE[1], [])],
      spacing: 16,
    },
  );
}

/** Two swept fields: a heatmap of SLA attainment, cost per case written in each cell, the cheapest cell meeting the target outlined. */
async function heatmap(doc: SweepDocument): Promise<Chart> {
  const [a, b] = doc.axes;
  const rows = cellRows(doc);
  const x = { field: 'axis1', type: 'ordinal', title: b.path, sort: b.values, axis: { labelAngle: 0 } };
  const y = { field: 'axis0', type: 'ordinal', title: a.path, sort: [...a.values].reverse() };
  const cellSize = Math.max(28, Math.min(70, Math.floor(WIDTH / Math.max(1, b.values.length))));
  const c = doc.cheapest === null ? null : doc.cells[doc.cheapest];
  const slas = rows.map((r) => r.sla);
  const dark = Math.min(...slas) + 0.45 * (Math.max(...slas) - Math.min(...slas)); // viridis is dark at the low end: white text there
  return renderChart(
    `SLA attainment over ${short(a.path)} × ${short(b.path)}`,
    `Each cell is a variant: its colour the share of cases within their SLA, the number in it the cost per completed case; cells meeting the target of ${percent(doc.target)} have a bold number${c ? `, and the cheapest of them (${describe(c.values)}: ${fmt.percent(c.result.kpis.slaAttainment)}, total cost ${fmt.money(c.result.kpis.totalCost)}) is outlined in black` : '; none meets it'}. SLA attainment ranges from ${percent(Math.min(...rows.map((r) => r.sla)))} to ${percent(Math.max(...rows.map((r) => r.sla)))}.`,
    {
      width: cellSize * b.values.length,
      height: Math.max(24, Math.min(48, cellSize)) * a.values.length,
      data: { values: rows },
      layer: [
        {
          mark: { type: 'rect' },
          encoding: {
            x,
            y,
            color: {
              field: 'sla',
              type: 'quantitative',
              title: 'SLA met',
              scale: { scheme: 'viridis' },
              legend: { format: '.0%', orient: 'right', direction: 'vertical' },
            },
          },
        },
        { transform: [{ filter: 'datum.cheapest' }], mark: { type: 'rect', fill: null, stroke: '#000', strokeWidth: 3 }, encoding: { x, y } },
        ...(['bold', 'normal'] as const).map((weight) => ({
          transform: [{ filter: weight === 'bold' ? `datum.sla >= ${doc.target}` : `datum.sla < ${doc.target}` }],
          mark: { type: 'text', fontSize: 10, fontWeight: weight },
          encoding: { x, y, text: { field: 'label' }, color: { condition: { test: `datum.sla < ${sig(dark)}`, value: 'white' }, value: 'black' } },
        })),
      ],
    },
  );
}

/** Every cell by total cost and SLA attainment, the Pareto front joined, the target line. */
async function paretoChart(doc: SweepDocument): Promise<Chart> {
  const rows = cellRows(doc);
  const front = paretoFront(doc);
  const rowOf = new Map(rows.map((r) => [r.index, r]));
  const frontRows = front.map((i) => rowOf.get(i)!);
  // labels: the cheapest variant, the best, and the cheapest meeting the target (all of the front when it is short)
  const labelled = front.length <= 5 ? front : [...new Set([front[0], front[front.length - 1], ...(doc.cheapest === null ? [] : [doc.cheapest])])];
  const labelRows = labelled.flatMap((i) => rowOf.get(i) ?? []);
  const listed =
    front
      .slice(0, 12)
      .map((i) => `${describe(doc.cells[i].values)} (${money(doc.cells[i].result.kpis.totalCost!.mean)}, ${percent(slaOf(doc, i))})`)
      .join('; ') + (front.length > 12 ? `; and ${front.length - 12} more` : '');
  const x = {
    field: 'cost',
    type: 'quantitative',
    title: "total cost of all pools (the scenario's currency)",
    axis: { format: ',.0f' },
    scale: { zero: false },
  };
  const y = { field: 'sla', type: 'quantitative', title: 'SLA met (share of cases within their SLA)', axis: { format: '.0%' }, scale: { zero: false } };
  return renderChart(
    'Cost against SLA attainment: the Pareto front',
    `Each point is a variant, with 95% intervals as bars; the line joins the Pareto front, the variants that no other is both cheaper and better than (by their means): ${listed}. The dashed line is the target of ${percent(doc.target)}${doc.cheapest === null ? '' : '; the diamond marks the cheapest variant meeting it'}.`,
    {
      width: WIDTH,
      height: 260,
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', color: '#999' }, encoding: { x: { ...x, field: 'costLo' }, x2: { field: 'costHi' }, y } },
        { mark: { type: 'rule', color: '#999' }, encoding: { x, y: { ...y, field: 'slaLo' }, y2: { field: 'slaHi' } } },
        {
          data: { values: frontRows },
          mark: { type: 'line', color: PALETTE[0], strokeWidth: 1.5 },
          encoding: { x, y, order: { field: 'cost', type: 'quantitative' } },
        },
        {
          mark: { type: 'point', filled: true, size: 45 },
          encoding: {
            x,
            y,
            color: {
              field: 'meets',
              type: 'nominal',
              title: null,
              scale: { domain: ['meets the target', 'below the target'], range: [PALETTE[2], PALETTE[3]] },
            },
            shape: {
              field: 'meets',
              type: 'nominal',
              title: null,
              scale: { domain: ['meets the target', 'below the target'], range: ['circle', 'triangle-down'] },
            },
          },
        },
        {
          transform: [{ filter: 'datum.cheapest' }],
          mark: { type: 'point', shape: 'diamond', size: 260, filled: false, strokeWidth: 2, color: '#000' },
          encoding: { x, y },
        },
        {
          data: { values: labelRows },
          mark: { type: 'text', align: 'left', dx: 8, dy: 10, fontSize: 9, color: '#333' },
          encoding: { x, y, text: { field: 'cell' } },
        },
        {
          data: { values: [{ target: doc.target }] },
          mark: { type: 'rule', strokeDash: [5, 3], color: PALETTE[3] },
          encoding: { y: { field: 'target', type: 'quantitative' } },
        },
      ],
    },
  );
}

/** The HTML report of a sweep. */
export async function renderSweepReport(doc: SweepDocument): Promise<string> {
  let n = 0;
  const id = () => `chart-${++n}`;
  const charts: Chart[] = [];
  if (doc.axes.length === 1) charts.push(await lineChart(doc));
  if (doc.axes.length === 2) charts.push(await heatmap(doc));
  charts.push(await paretoChart(doc));
  const note =
    doc.axes.length > 2 ? '<p class="note">With more than two swept fields there is no heatmap: the Pareto front and the table show every variant.</p>' : '';
  const body = [
    `<section id="summary"><h2>Summary</h2><p class="lead">${sweepSummary(doc)}</p>${factsTable(doc)}</section>`,
    `<section id="charts"><h2>Where the SLA is met, and at what cost</h2>${note}${charts.map((c) => figure(c, id())).join('\n')}</section>`,
    `<section id="cells"><h2>Every variant</h2>${cellTable(doc)}<p class="note">The cheapest variant is the one with the lowest mean total cost among those whose mean SLA attainment meets the target. Total cost is rostered hours times cost per hour, idle time included.</p></section>`,
  ];
  return page({
    title: `What-if grid: ${doc.scenario}`,
    subtitle: `${doc.cells.length} variants · policy ${doc.policy} · seed ${doc.seed} · ${doc.replications} replication${doc.replications > 1 ? 's' : ''} each`,
    body,
    footer: `Made by autoshift from the sweep of ${doc.file || doc.scenario}. Charts: Vega-Lite, rendered to SVG by Vega; each chart's specification is under it.`,
  });
}
