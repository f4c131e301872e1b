/**
 * How `autoshift compare` prints its result: the KPI table per policy, the
 * paired differences against the baseline (with the unpaired half-widths for
 * contrast), and the ranking. Parsing and running are in compare-command.ts.
 */
import { table } from './table.js';
import { fmtCount, fmtDuration, fmtMoney, fmtShare } from './format.js';
import { formatDuration } from '../model/units.js';
import { observedTime, type Estimate } from '../simulator/summarize.js';
import type { Metric } from '../simulator/compare.js';
import type { CompareResult } from './compare-command.js';

export function renderCompare(r: CompareResult, metrics: Metric[], rankBy: Metric[]): string {
  const keys = Object.keys(r.policies);
  const lines: string[] = [];
  lines.push(
    `${r.scenario} — ${keys.length} policies, ${r.replications} replications each on the same seeds (common random numbers), seed ${r.seed}, ${observedTime(Object.values(r.policies), formatDuration)}`,
  );
  lines.push('(figures are means ± 95% confidence half-widths across replications)');
  lines.push('');
  lines.push(
    table(
      ['policy', ...metrics.map((m) => m.label)],
      keys.map((k) => [k, ...metrics.map((m) => show(m, r.kpis[k][m.key]))]),
    ),
  );
  lines.push('');
  lines.push(`Paired differences against ${keys[0]} (policy − ${keys[0]} per replication, then mean ±95%; [unpaired ±95%] for contrast)`);
  lines.push(
    table(
      ['policy', ...metrics.map((m) => `Δ ${m.label}`)],
      keys.slice(1).map((k) => [k, ...metrics.map((m) => showDifference(m, r.differences[k][m.key]))]),
    ),
  );
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
      if (v.winner === 'tied')
        note = `tied with ${e.tiedWith.join(', ')} (against ${v.other}: ${rankBy.map((x) => `Δ ${x.label} ${showDifference(x, v.differences[x.key], false)}`).join(', ')})`;
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
  if (identical)
    return 'Every policy matched the baseline exactly in every replication: paired differences are 0 ±0, while unpaired intervals would not show it.';
  if (!ratios.length) return '';
  const geo = Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length);
  return `Paired intervals are ${geo.toFixed(1)}× narrower than unpaired ones (geometric mean over the ${ratios.length} differences with both).`;
}

export function show(m: Pick<Metric, 'kind'>, e: Estimate | null): string {
  switch (m.kind) {
    case 'share':
      return fmtShare(e);
    case 'duration':
      return fmtDuration(e);
    case 'money':
      return fmtMoney(e);
    default:
      return fmtCount(e);
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
    case 'share':
      return `${(a * 100).toFixed(decimals)}pp`;
    case 'duration':
      return formatDuration(a);
    default:
      return a.toFixed(decimals);
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
