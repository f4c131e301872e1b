/**
 * The report of a policy comparison (`autoshift compare --report`, or
 * `autoshift report` of a saved `compare --json`): which policy, and are we
 * sure. The KPI table, a forest plot of each policy's paired difference
 * against the baseline with its 95% interval, the ranking in words, and the
 * backlog of every policy around each disruption.
 */
import { observedTime, type Estimate, type ResultDocument } from '../simulator/summarize.js';
import type { Band } from '../simulator/series-band.js';
import { renderChart, WIDTH, type Chart } from './chart.js';
import { bandChart, bandRows, sig } from './series-chart.js';
import { difference, differenceUnit, duration, valueOf, type Kind } from './format.js';
import { esc, figure, page, table } from './page.js';

interface MetricInfo {
  key: string;
  label: string;
  better: 'higher' | 'lower';
  kind: Kind;
}
interface RankEntry {
  rank: number;
  name: string;
  tied: boolean;
  tiedWith: string[];
  score: number;
  against?: { other: string; winner: 'this' | 'other' | 'tied'; metric: string; difference: Estimate; differences: Record<string, Estimate> };
}

/** What a compare report reads of `compare --json` (the CompareResult of cli/compare-command.ts). */
export interface CompareDocument {
  scenario: string;
  file?: string;
  seed: number;
  replications: number;
  baseline: string;
  rankedBy: string[];
  overrides?: string[];
  metrics?: MetricInfo[];
  policies: Record<string, ResultDocument>;
  /** a per-case metric is null for a policy that completed no case (n/a) */
  kpis: Record<string, Record<string, Estimate | null>>;
  differences: Record<string, Record<string, Estimate & { unpairedCi95?: number }>>;
  ranking: RankEntry[];
  disruptions?: { disruption: string; start: number; end: number; time: number[]; backlog: Record<string, Band> }[];
}

/** Metrics of a document written before `metrics` was part of it: the KPI keys, with labels and kinds read from their names. */
function metricsOf(doc: CompareDocument): MetricInfo[] {
  if (doc.metrics?.length) return doc.metrics;
  const keys = Object.keys(doc.kpis[doc.baseline] ?? {});
  return keys.map((key) => {
    const kind: Kind = /sla|utili|share/i.test(key) ? 'share' : /Seconds$/.test(key) ? 'duration' : /cost/i.test(key) ? 'money' : 'count';
    return { key, label: key, better: /sla|utili|completed|arrived/i.test(key) ? 'higher' : 'lower', kind };
  });
}

/** better / worse / no clear difference, from a paired interval and the metric's direction. */
function verdict(m: MetricInfo, d: Estimate): 'better' | 'worse' | 'no clear difference' {
  if (Math.abs(d.mean) <= d.ci95) return 'no clear difference';
  return d.mean > 0 === (m.better === 'higher') ? 'better' : 'worse';
}

export function compareSummary(doc: CompareDocument): string {
  const metrics = metricsOf(doc);
  const byKey = new Map(metrics.map((m) => [m.key, m]));
  const rankBy = doc.rankedBy.map((k) => byKey.get(k)).filter((m): m is MetricInfo => !!m);
  const first = doc.ranking.filter((e) => e.rank === 1).map((e) => esc(e.name));
  const policies = Object.keys(doc.policies);
  const s: string[] = [];
  s.push(
    `${policies.length} policies ran on the same ${doc.replications} seeds each (common random numbers), so each difference below is paired: the same cases, the same task durations, only the policy changed.`,
  );
  s.push(
    first.length > 1
      ? `${first.join(' and ')} share first place by ${rankBy.map((m) => m.label).join(', then ')}: their differences are within the 95% intervals.`
      : `${first[0]} ranks first by ${rankBy.map((m) => m.label).join(', then ')}.`,
  );
  const clauses = policies.slice(1).map((p) => {
    const parts = rankBy
      .map((m) => {
        const d = doc.differences[p]?.[m.key];
        return d ? `${m.label} ${difference(m.kind, d)} (${verdict(m, d)})` : '';
      })
      .filter(Boolean);
    return `${esc(p)}: ${parts.join(', ')}`;
  });
  if (clauses.length) s.push(`Against ${esc(doc.baseline)}, with 95% intervals: ${clauses.join('; ')}.`);
  return s.join(' ');
}

function factsTable(doc: CompareDocument): string {
  const base = doc.policies[doc.baseline];
  const rows: [string, string][] = [['scenario', `${esc(doc.scenario)}${doc.file ? ` <span class="muted">(${esc(doc.file)})</span>` : ''}`]];
  if (base?.description) rows.push(['description', esc(base.description)]);
  rows.push(['policies', Object.keys(doc.policies).map(esc).join(', ')]);
  rows.push(['baseline', esc(doc.baseline)]);
  rows.push(['seed', String(doc.seed)]);
  rows.push(['replications', `${doc.replications} per policy (figures are means ± the half-width of their 95% confidence interval)`]);
  const policies = Object.values(doc.policies);
  const uniform = !policies.some((d) => d.simulatedSecondsByReplication);
  if (base)
    rows.push([
      'observed',
      `${observedTime(policies, duration)}${uniform ? ' per replication' : ''}${base.warmupSeconds ? `, after a ${duration(base.warmupSeconds)} warm-up` : ''}`,
    ]);
  rows.push(['overrides', doc.overrides?.length ? doc.overrides.map((o) => `<code>${esc(o)}</code>`).join(', ') : 'none']);
  return table(['', ''], rows, undefined, 'facts').replace(/<thead>.*?<\/thead>/, '');
}

function kpiTable(doc: CompareDocument, metrics: MetricInfo[]): string {
  const first = new Set(doc.ranking.filter((e) => e.rank === 1).map((e) => e.name));
  const keys = Object.keys(doc.policies);
  return table(
    ['policy', ...metrics.map((m) => esc(m.label))],
    keys.map((k) => [esc(k), ...metrics.map((m) => (doc.kpis[k]?.[m.key] !== undefined ? valueOf(m.kind, doc.kpis[k][m.key]) : ''))]),
    (i) => (first.has(keys[i]) ? 'best' : undefined),
  );
}

function differenceTable(doc: CompareDocument, metrics: MetricInfo[]): string {
  const keys = Object.keys(doc.policies).slice(1);
  return table(
    ['policy', ...metrics.map((m) => `Δ ${esc(m.label)}`)],
    keys.map((k) => [esc(k), ...metrics.map((m) => (doc.differences[k]?.[m.key] ? difference(m.kind, doc.differences[k][m.key]) : ''))]),
  );
}

function rankingList(doc: CompareDocument, metrics: MetricInfo[]): string {
  const byKey = new Map(metrics.map((m) => [m.key, m]));
  const items = doc.ranking.map((e) => {
    const v = e.against;
    let note = '';
    if (v) {
      const m = byKey.get(v.metric);
      const d = m ? difference(m.kind, v.difference) : '';
      if (v.winner === 'tied') note = `tied with ${e.tiedWith.map(esc).join(', ')}: against ${esc(v.other)} the differences are within their 95% intervals`;
      else if (v.winner === 'other') note = `behind ${esc(v.other)} on ${esc(m?.label ?? v.metric)} (${d})`;
      else note = `better than ${esc(v.other)} on ${esc(m?.label ?? v.metric)} (${d}), but with fewer clear wins over the others`;
      if (v.winner !== 'tied' && e.tiedWith.length) note += `; tied with ${e.tiedWith.map(esc).join(', ')}`;
    } else if (e.tiedWith.length) note = `tied with ${e.tiedWith.map(esc).join(', ')}`;
    return `<li value="${e.rank}"><strong>${esc(e.name)}</strong>${note ? ` — ${note}` : ''}</li>`;
  });
  return `<ol class="ranking">${items.join('\n')}</ol>`;
}

/** The forest plot: per metric, each policy's paired difference against the baseline with its 95% interval (unpaired, faint, for contrast). */
async function forestChart(doc: CompareDocument, metrics: MetricInfo[]): Promise<Chart> {
  const keys = Object.keys(doc.policies).slice(1);
  const panels = metrics.map((m) => {
    const { scale, title } = differenceUnit(m.kind);
    const rows = keys
      .filter((k) => doc.differences[k]?.[m.key])
      .map((k) => {
        const d = doc.differences[k][m.key];
        const u = d.unpairedCi95 ?? d.ci95;
        return {
          policy: k,
          mean: sig(d.mean * scale),
          lo: sig((d.mean - d.ci95) * scale),
          hi: sig((d.mean + d.ci95) * scale),
          ulo: sig((d.mean - u) * scale),
          uhi: sig((d.mean + u) * scale),
        };
      });
    const x = { type: 'quantitative', title: `Δ ${m.label} vs ${doc.baseline} (${title}; ${m.better} is better)` };
    const y = { field: 'policy', type: 'nominal', title: 'policy', sort: keys };
    return {
      width: WIDTH - 120,
      height: Math.max(40, 24 * keys.length),
      data: { values: rows },
      layer: [
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: 'rule', color: '#444', strokeDash: [4, 3] },
          encoding: { x: { field: 'zero', type: 'quantitative' } },
        },
        { mark: { type: 'rule', color: '#bbbbbb', strokeWidth: 6, opacity: 0.7 }, encoding: { x: { ...x, field: 'ulo' }, x2: { field: 'uhi' }, y } },
        { mark: { type: 'rule', color: '#0072B2', strokeWidth: 2.5 }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y } },
        { mark: { type: 'point', filled: true, color: '#0072B2', size: 50 }, encoding: { x: { ...x, field: 'mean' }, y } },
      ],
    };
  });
  const alt = keys
    .map(
      (k) =>
        `${k}: ${metrics
          .filter((m) => doc.differences[k]?.[m.key])
          .map((m) => `${m.label} ${difference(m.kind, doc.differences[k][m.key])}`)
          .join(', ')}`,
    )
    .join('; ');
  return renderChart(
    `Paired differences against ${doc.baseline}`,
    `Each policy minus ${doc.baseline}, per replication on the same seeds, then the mean (dot) and its 95% interval (blue bar); the grey bar is the interval had the policies run on independent seeds. A bar that does not cross the dashed zero line is a clear difference. ${alt}.`,
    { vconcat: panels, spacing: 14 },
  );
}

/** Backlog of every policy around each disruption. */
async function disruptionCharts(doc: CompareDocument): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const d of doc.disruptions ?? []) {
    if (!d.time.length) continue;
    const keys = Object.keys(d.backlog);
    const peaks = keys.map((k) => {
      const xs = d.backlog[k].mean.filter((x): x is number => x !== null);
      return `${k} ${Math.round(Math.max(0, ...xs)).toLocaleString('en-US')}`;
    });
    charts.push(
      await bandChart({
        title: `Backlog around the ${d.disruption}`,
        yTitle: 'tasks waiting, all queues',
        yFormat: ',.0f',
        colorTitle: 'policy',
        windows: [{ label: d.disruption, start: d.start, end: d.end }],
        rows: keys.flatMap((k) => bandRows(k, d.time, d.backlog[k], 0)),
        alt: `Tasks waiting under each policy from a day before the ${d.disruption} to three days after it (mean over ${doc.replications} replications, band: 95% interval). Highest mean backlog in the window: ${peaks.join(', ')}.`,
      }),
    );
  }
  return charts;
}

/** The HTML report of a comparison of policies. */
export async function renderCompareReport(doc: CompareDocument): Promise<string> {
  const metrics = metricsOf(doc);
  let n = 0;
  const id = () => `chart-${++n}`;
  const forest = await forestChart(doc, metrics);
  const backlogs = await disruptionCharts(doc);
  const body = [
    `<section id="summary"><h2>Summary</h2><p class="lead">${compareSummary(doc)}</p>${factsTable(doc)}</section>`,
    `<section id="kpis"><h2>Key figures per policy</h2>${kpiTable(doc, metrics)}<p class="note">First-ranked policies are highlighted. SLA met: share of completed cases within their SLA; cycle: mean time from arrival to completion; cost/case: rostered cost of all pools per completed case; worst backlog: most tasks waiting at a sample; utilisation: busy over available hours, all pools.</p></section>`,
    `<section id="differences"><h2>Which policy, and are we sure?</h2>${figure(forest, id())}${differenceTable(doc, metrics)}</section>`,
    `<section id="ranking"><h2>Ranking</h2><p>By ${doc.rankedBy.map((k) => esc(metrics.find((m) => m.key === k)?.label ?? k)).join(', then ')}; two policies are tied when the paired 95% interval of their difference contains 0 on each of these.</p>${rankingList(doc, metrics)}</section>`,
  ];
  if (backlogs.length) body.push(`<section id="disruptions"><h2>Around the disruptions</h2>${backlogs.map((c) => figure(c, id())).join('\n')}</section>`);
  const base = doc.policies[doc.baseline];
  return page({
    title: `Policy comparison: ${doc.scenario}`,
    subtitle: `${Object.keys(doc.policies).length} policies · seed ${doc.seed} · ${doc.replications} replications each${base ? ` · ${observedTime(Object.values(doc.policies), duration)}` : ''}`,
    body,
    footer: `Made by autoshift from the comparison of ${doc.file || doc.scenario}. Charts: Vega-Lite, rendered to SVG by Vega; each chart's specification is under it.`,
  });
}
