/**
 * The report of one run (`autoshift run --report`, or `autoshift report` of a
 * saved `run --json` or `live --json` document): what was run, a summary in
 * words, tables per process and pool, and charts of the time series, of each
 * disruption's resilience triangle and of cycle times against the SLA.
 *
 * Every number comes from the result document: the report computes nothing a
 * script reading the same `--json` could not see.
 */
import { observedTime, type Estimate, type ResultDocument } from '../simulator/summarize.js';
import type { ResilienceFigures } from '../simulator/resilience.js';
import type { TimeseriesBand } from '../simulator/series-band.js';
import { renderChart, PALETTE, WIDTH, type Chart } from './chart.js';
import { bandChart, bandRows, DAY, sig, windowLayers, type Window } from './series-chart.js';
import { duration, fmt, percent, count } from './format.js';
import { esc, figure, page, table } from './page.js';

export type RunDocument = ResultDocument & { runtime?: 'sim' | 'live' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function resilienceOf(doc: RunDocument): ResilienceFigures[] {
  return Array.isArray(doc.resilience) ? (doc.resilience as ResilienceFigures[]) : [];
}

/** A disruption the run reached: its window figures are there. */
type Reached = ResilienceFigures & { recovered: Estimate; timeToRecoverSeconds: Estimate };
const reached = (r: ResilienceFigures): r is Reached => r.recovered !== null && r.timeToRecoverSeconds !== null;

function windowsOf(doc: RunDocument): Window[] {
  return resilienceOf(doc)
    .filter((r) => typeof r.start === 'number' && typeof r.end === 'number')
    .map((r) => ({ label: r.disruption, start: r.start, end: r.end }));
}

/** The plain-language summary: the headline figures with their 95% intervals. */
export function runSummary(doc: RunDocument): string {
  const parts: string[] = [];
  for (const [id, p] of Object.entries(doc.processes)) {
    const sla = doc.slaSeconds?.[id];
    parts.push(
      `${fmt.percent(p.slaAttainment)} of ${esc(id)} cases met ${sla !== undefined ? `the ${duration(sla)} SLA` : 'their SLA'}` +
        ` (mean cycle time ${fmt.duration(p.cycleMeanSeconds)}, 95th percentile ${fmt.duration(p.cycleP95Seconds)}; ${fmt.count(p.completed)} completed)`,
    );
  }
  const pools = Object.entries(doc.pools).map(([id, p]) => `${esc(id)} ${fmt.percent(p.utilization)}`);
  const sentences = [`${parts.join('; ')}.`];
  if (pools.length) sentences.push(`Busy share of the time available: ${pools.join(', ')}.`);
  for (const r of resilienceOf(doc)) {
    const length = r.end > r.start ? ` (${duration(r.end - r.start)})` : '';
    if (r.recovered === null) {
      sentences.push(`The ${esc(r.disruption)}${length} starts after the end of the run: it was not simulated.`);
      continue;
    }
    sentences.push(
      r.recovered.mean >= 1
        ? `The ${esc(r.disruption)}${length} took ${fmt.duration(r.timeToRecoverSeconds)} to recover from; backlog peaked at ${fmt.count(r.worstBacklog)} tasks.`
        : `After the ${esc(r.disruption)}${length}, the operation ${r.recovered.mean > 0 ? `recovered in only ${percent(r.recovered.mean, 0)} of the replications` : 'had not recovered'} by the end of the run; backlog peaked at ${fmt.count(r.worstBacklog)} tasks.`,
    );
  }
  sentences.push(`All pools cost ${fmt.money(doc.totals.cost)} in total, ${fmt.money(doc.totals.costPerCase)} per completed case.`);
  return sentences.join(' ');
}

function factsTable(doc: RunDocument): string {
  const rows: [string, string][] = [['scenario', `${esc(doc.scenario)}${doc.file ? ` <span class="muted">(${esc(doc.file)})</span>` : ''}`]];
  if (doc.description) rows.push(['description', esc(doc.description)]);
  rows.push(['runtime', doc.runtime === 'live' ? 'live (Kafka + Temporal)' : 'sim (embedded discrete-event engine)']);
  rows.push(['policy', esc(doc.policy)]);
  rows.push(['seed', String(doc.seed)]);
  rows.push(['replications', `${doc.replications}${doc.replications > 1 ? ' (figures are means ± the half-width of their 95% confidence interval)' : ''}`]);
  rows.push([
    'observed',
    `${observedTime([doc], duration)}${doc.simulatedSecondsByReplication ? '' : ' per replication'}${doc.warmupSeconds ? `, after a ${duration(doc.warmupSeconds)} warm-up` : ''}`,
  ]);
  rows.push(['overrides', doc.overrides?.length ? doc.overrides.map((o) => `<code>${esc(o)}</code>`).join(', ') : 'none']);
  return table(
    ['', ''],
    rows.map(([k, v]) => [k, v]),
    undefined,
    'facts',
  ).replace(/<thead>.*?<\/thead>/, '');
}

function processTable(doc: RunDocument): string {
  return table(
    ['process', 'SLA', 'arrived', 'completed', 'mean wait', 'mean cycle', 'cycle p95', 'SLA met', 'cost/case', 'by bots'],
    Object.entries(doc.processes).map(([id, p]) => [
      esc(id),
      doc.slaSeconds?.[id] !== undefined ? duration(doc.slaSeconds[id]) : '',
      fmt.count(p.arrived),
      fmt.count(p.completed),
      fmt.duration(p.waitMeanSeconds),
      fmt.duration(p.cycleMeanSeconds),
      fmt.duration(p.cycleP95Seconds),
      fmt.percent(p.slaAttainment),
      fmt.money(p.costPerCase),
      fmt.percent(p.automationShare),
    ]),
  );
}

function poolTable(doc: RunDocument): string {
  return table(
    ['pool', 'utilisation', 'busy hours', 'available hours', 'cost'],
    Object.entries(doc.pools).map(([id, p]) => [
      esc(id),
      fmt.percent(p.utilization),
      p.busyHours ? fmt.count(p.busyHours) : '',
      p.availableHours ? fmt.count(p.availableHours) : '',
      fmt.money(p.cost),
    ]),
  );
}

function resilienceTable(doc: RunDocument): string {
  return table(
    ['disruption', 'window', 'recovered', 'time to recover', 'loss area', 'worst backlog', 'SLA met inside', 'extra cost'],
    resilienceOf(doc).map((r) => [
      esc(r.disruption),
      `day ${count(sig(r.start / DAY))}–${count(sig(r.end / DAY))}`,
      fmt.percent(r.recovered),
      fmt.duration(r.timeToRecoverSeconds),
      `${fmt.count(r.lossAreaHours)} h`,
      fmt.count(r.worstBacklog),
      fmt.percent(r.slaInWindow),
      fmt.money(r.extraCost),
    ]),
  );
}

/** Peak of a band's mean: [value, time]. */
function peak(time: readonly number[], mean: readonly (number | null)[]): [number, number] {
  let best = -Infinity,
    at = 0;
  mean.forEach((m, k) => {
    if (m !== null && m > best) {
      best = m;
      at = time[k];
    }
  });
  return [best === -Infinity ? 0 : best, at];
}

function average(xs: readonly (number | null)[]): number {
  let s = 0,
    n = 0;
  for (const x of xs)
    if (x !== null) {
      s += x;
      n++;
    }
  return n ? s / n : 0;
}

const bandNote = (b: TimeseriesBand) =>
  b.replications > 1 ? ` Lines are means over ${b.replications} replications, shaded bands their 95% confidence intervals.` : '';

async function seriesCharts(doc: RunDocument, b: TimeseriesBand, windows: Window[]): Promise<Chart[]> {
  const charts: Chart[] = [];
  const queues = Object.keys(b.backlog);
  const peaks = queues.map((q) => ({ q, p: peak(b.time, b.backlog[q].mean) }));
  charts.push(
    await bandChart({
      title: 'Backlog per queue',
      yTitle: 'tasks waiting',
      yFormat: ',.0f',
      colorTitle: 'queue',
      windows,
      rows: queues.flatMap((q) => bandRows(q, b.time, b.backlog[q], 0)),
      alt: `Tasks waiting in each queue over the run. ${peaks.map(({ q, p }) => `${q}: mean ${count(sig(average(b.backlog[q].mean)))}, peak ${count(sig(p[0]))} on day ${count(sig(p[1] / DAY))}`).join('; ')}.${windows.length ? ` Shaded: ${windows.map((w) => w.label).join(', ')}.` : ''}${bandNote(b)}`,
    }),
  );
  const pools = Object.keys(b.utilizationByDay.pools);
  charts.push(
    await bandChart({
      title: 'Utilisation per pool, by day',
      yTitle: 'busy share of time on duty',
      yFormat: '.0%',
      yDomain: [0, 1],
      colorTitle: 'pool',
      windows,
      rows: pools.flatMap((p) =>
        bandRows(
          p,
          b.utilizationByDay.start.map((t) => t + DAY / 2),
          b.utilizationByDay.pools[p],
          0,
          1,
        ),
      ),
      alt: `Each day, the share of its on-duty time each pool spent on tasks (mean of the day's samples with units available). Over the run: ${pools.map((p) => `${p} ${doc.pools[p] ? fmt.percent(doc.pools[p].utilization) : percent(average(b.utilizationByDay.pools[p].mean))}`).join(', ')}.${bandNote(b)}`,
    }),
  );
  const period = b.slaByPeriod;
  if (period && period.start.length) {
    const unit = period.periodSeconds >= 7 * DAY ? 'week' : 'day';
    const rows = period.start.map((t, k) => {
      const m = period.attainment.mean[k],
        c = period.attainment.ci95[k];
      return {
        day: sig(t / DAY),
        end: sig((t + period.periodSeconds) / DAY),
        mean: m,
        lo: m === null ? null : sig(Math.max(0, m - (c ?? 0))),
        hi: m === null ? null : sig(Math.min(1, m + (c ?? 0))),
      };
    });
    const valid = rows.filter((r) => r.mean !== null);
    const worst = valid.reduce((w, r) => (r.mean! < w.mean! ? r : w), valid[0] ?? rows[0]);
    const x = {
      field: 'day',
      type: 'quantitative',
      title: 'day of the run (start of the period)',
      axis: { format: ',.0f' },
      scale: { zero: false, nice: false },
    };
    const y = { type: 'quantitative', title: `SLA met, cases completed in the ${unit}`, axis: { format: '.1%' }, scale: { zero: false } };
    charts.push(
      await renderChart(
        `SLA attainment per ${unit}`,
        `Share of the cases completed in each ${unit} that met their SLA. Over the run: ${fmt.percent(doc.totals.slaAttainment)}.${worst && worst.mean !== null ? ` Lowest ${unit}: ${percent(worst.mean)} (starting day ${count(worst.day)}).` : ''}${bandNote(b)}`,
        {
          width: WIDTH,
          height: 200,
          data: { values: rows },
          layer: [
            ...windowLayers(windows),
            { mark: { type: 'rule', color: PALETTE[0] }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
            { mark: { type: 'line', color: PALETTE[0], point: true }, encoding: { x, y: { ...y, field: 'mean' } } },
          ],
        },
      ),
    );
  }
  return charts;
}

/** The resilience triangle of one disruption: backlog and SLA attainment around it, baseline, recovery and loss area marked. */
async function triangleChart(r: Reached, b: TimeseriesBand): Promise<Chart> {
  const recoverAt = r.start + r.timeToRecoverSeconds.mean;
  const from = r.start - 2 * DAY,
    to = Math.max(r.end, recoverAt) + 2 * DAY;
  const ks = b.time.map((_t, k) => k).filter((k) => b.time[k] >= from && b.time[k] <= to);
  const time = ks.map((k) => b.time[k]);
  const pick = (band: { mean: (number | null)[]; ci95: (number | null)[] }) => ({ mean: ks.map((k) => band.mean[k]), ci95: ks.map((k) => band.ci95[k]) });
  const backlog = bandRows('backlog', time, pick(b.backlogTotal), 0);
  const sla = bandRows('SLA met', time, pick(b.slaAttainment), 0, 1);
  // no case judged in the baseline: recovery was judged against 100% (simulator/resilience.ts)
  const base = r.baselineSla?.mean ?? 1;
  const loss = sla
    .filter((row) => row.day * DAY >= r.start && row.day * DAY <= recoverAt && row.mean !== null && row.mean < base)
    .map((row) => ({ day: row.day, lo: row.mean, hi: sig(base) }));
  const x = { field: 'day', type: 'quantitative', title: 'day of the run', axis: { format: ',.1f' }, scale: { zero: false, nice: false } };
  const window = windowLayers([{ label: r.disruption, start: r.start, end: r.end }]);
  const recovery =
    r.recovered.mean > 0
      ? [
          {
            data: { values: [{ day: sig(recoverAt / DAY), label: `recovered after ${duration(r.timeToRecoverSeconds.mean)}` }] },
            layer: [
              { mark: { type: 'rule', color: PALETTE[3], strokeWidth: 1.5 }, encoding: { x: { field: 'day', type: 'quantitative', scale: { zero: false } } } },
              {
                mark: { type: 'text', align: 'left', dx: 3, baseline: 'top', dy: 16, fontSize: 10, color: PALETTE[3] },
                encoding: { x: { field: 'day', type: 'quantitative', scale: { zero: false } }, y: { value: 0 }, text: { field: 'label' } },
              },
            ],
          },
        ]
      : [];
  const baseline = (value: number, label: string) => ({
    data: { values: [{ value: sig(value), label }] },
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#444' }, encoding: { y: { field: 'value', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, fontSize: 10, color: '#444' },
        encoding: { y: { field: 'value', type: 'quantitative' }, x: { value: WIDTH }, text: { field: 'label' } },
      },
    ],
  });
  const panel = (rows: typeof backlog, title: string, format: string, color: string, extra: Record<string, unknown>[], domain?: [number, number]) => {
    const y = { type: 'quantitative', title, axis: { format }, ...(domain ? { scale: { domain } } : {}) };
    return {
      width: WIDTH,
      height: 150,
      data: { values: rows },
      layer: [
        ...window,
        { mark: { type: 'area', opacity: 0.25, color }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
        { mark: { type: 'line', color, strokeWidth: 1.3 }, encoding: { x, y: { ...y, field: 'mean' } } },
        ...extra,
        ...recovery,
      ],
    };
  };
  const lossLayer = loss.length
    ? [
        {
          data: { values: loss },
          mark: { type: 'area', color: PALETTE[3], opacity: 0.35 },
          encoding: { x: { field: 'day', type: 'quantitative', scale: { zero: false } }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
        },
      ]
    : [];
  return renderChart(
    `Resilience: ${r.disruption}`,
    `Backlog and SLA attainment from two days before the ${r.disruption} until two days after recovery. Baseline backlog ${fmt.count(r.baselineBacklog)} tasks, worst ${fmt.count(r.worstBacklog)}; ` +
      `baseline SLA attainment ${fmt.percent(r.baselineSla)}; time to recover ${fmt.duration(r.timeToRecoverSeconds)}${r.recovered.mean < 1 ? ` (recovered in ${percent(r.recovered.mean, 0)} of the replications)` : ''}; loss area ${fmt.count(r.lossAreaHours)} hours (shaded where SLA attainment fell below its baseline).`,
    {
      vconcat: [
        panel(backlog, 'tasks waiting', ',.0f', PALETTE[0], [baseline(r.baselineBacklog.mean, `baseline ${count(sig(r.baselineBacklog.mean))}`)]),
        panel(sla, 'SLA met per sample', '.0%', PALETTE[2], [...lossLayer, baseline(base, `baseline ${percent(base)}`)], [0, 1]),
      ],
    },
  );
}

/** Cycle-time quantiles per process, with their intervals and the SLA line. */
async function cycleChart(doc: RunDocument): Promise<Chart | null> {
  const q = doc.cycleTimeQuantiles;
  if (!q) return null;
  // a process with no completed case has no quantiles (null)
  const ids = Object.keys(q.processes).filter((id) => q.processes[id] !== null);
  if (ids.length === 0) return null;
  const quantiles = (id: string) => q.processes[id] ?? [];
  const maxSeconds = Math.max(...ids.flatMap((id) => quantiles(id).map((e) => e.mean + e.ci95)), ...ids.map((id) => doc.slaSeconds?.[id] ?? 0));
  const inDays = maxSeconds >= 4 * DAY;
  const unit = inDays ? DAY : 3600;
  const rows = ids.flatMap((id) =>
    quantiles(id).map((e, j) => ({
      process: id,
      share: q.probabilities[j],
      mean: sig(e.mean / unit),
      lo: sig(Math.max(0, e.mean - e.ci95) / unit),
      hi: sig((e.mean + e.ci95) / unit),
    })),
  );
  const slas = ids
    .filter((id) => doc.slaSeconds?.[id] !== undefined)
    .map((id) => ({ process: id, sla: sig(doc.slaSeconds![id] / unit), label: `SLA ${id} ${duration(doc.slaSeconds![id])}` }));
  const x = { type: 'quantitative', title: `cycle time (${inDays ? 'days' : 'hours'})`, axis: { format: ',.1~f' } };
  const y = { field: 'share', type: 'quantitative', title: 'share of completed cases done within', axis: { format: '.0%' }, scale: { domain: [0, 1] } };
  const color = { field: 'process', type: 'nominal', title: 'process' };
  const median = ids.map((id) => {
    const j = q.probabilities.indexOf(0.5);
    return j >= 0
      ? `${id}: median ${fmt.duration(quantiles(id)[j])}, 95th percentile ${fmt.duration(doc.processes[id].cycleP95Seconds)}${doc.slaSeconds?.[id] !== undefined ? `, SLA ${duration(doc.slaSeconds[id])} met by ${fmt.percent(doc.processes[id].slaAttainment)}` : ''}`
      : id;
  });
  return renderChart(
    'Cycle time against the SLA',
    `How long cases took from arrival to completion: each point is a quantile (the share of cases done within that time), with its 95% interval as a bar; dashed lines are the SLAs. ${median.join('; ')}.`,
    {
      width: WIDTH,
      height: 240,
      data: { values: rows },
      layer: [
        { mark: { type: 'rule' }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y, color } },
        { mark: { type: 'line', point: true }, encoding: { x: { ...x, field: 'mean' }, y, color } },
        ...(slas.length
          ? [
              {
                data: { values: slas },
                layer: [
                  {
                    mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 },
                    encoding: { x: { field: 'sla', type: 'quantitative' }, color: { field: 'process', type: 'nominal' } },
                  },
                  {
                    mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -4, dy: -2, fontSize: 10, color: '#333' },
                    encoding: { x: { field: 'sla', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
                  },
                ],
              },
            ]
          : []),
      ],
    },
  );
}

/** The HTML report of one run. */
export async function renderRunReport(doc: RunDocument): Promise<string> {
  const windows = windowsOf(doc);
  const body: string[] = [];
  body.push(`<section id="summary"><h2>Summary</h2><p class="lead">${runSummary(doc)}</p>${factsTable(doc)}</section>`);
  body.push(`<section id="processes"><h2>Processes</h2>${processTable(doc)}</section>`);
  body.push(
    `<section id="pools"><h2>Pools</h2>${poolTable(doc)}<p class="note">Utilisation is busy time over available time (on duty, not absent or down). Cost is rostered hours times cost per hour, idle time included.</p></section>`,
  );
  const b = doc.timeseriesBand;
  let n = 0;
  const id = () => `chart-${++n}`;
  if (b) {
    const charts = await seriesCharts(doc, b, windows);
    body.push(`<section id="timeseries"><h2>Over time</h2>${charts.map((c) => figure(c, id())).join('\n')}</section>`);
  } else {
    body.push(
      `<section id="timeseries"><h2>Over time</h2><p class="note">This result document has no time series: run with <code>--timeseries</code> (or <code>--report</code>) to include them.</p></section>`,
    );
  }
  const res = resilienceOf(doc);
  if (res.length) {
    const triangles = b ? await Promise.all(res.filter(reached).map((r) => triangleChart(r, b))) : [];
    body.push(`<section id="resilience"><h2>Disruptions</h2>${resilienceTable(doc)}
<p class="note">Time to recover runs from the start of the disruption until backlog is back within 10% (or one task) of its baseline and SLA attainment within 5 points of it, for three samples in a row. The loss area is the lost SLA attainment integrated over that time (the resilience triangle), in hours.</p>
${triangles.map((c) => figure(c, id())).join('\n')}</section>`);
  }
  const cycle = await cycleChart(doc);
  if (cycle) body.push(`<section id="cycle-time"><h2>Cycle time</h2>${figure(cycle, id())}</section>`);
  return page({
    title: `What-if report: ${doc.scenario}`,
    subtitle: `policy ${doc.policy} · seed ${doc.seed} · ${plural(doc.replications, 'replication')} · ${observedTime([doc], duration)}${doc.runtime === 'live' ? ' · live runtime' : ''}`,
    body,
    footer: `Made by autoshift from the result document of ${doc.file || doc.scenario}. Charts: Vega-Lite, rendered to SVG by Vega; each chart's specification is under it.`,
  });
}
