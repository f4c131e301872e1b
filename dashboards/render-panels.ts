/**
 * `npm run render:dashboards -- --url URL --from ISO --to ISO --t0 ISO --speed N --set run=a|b ...`:
 * renders every panel of the generated dashboards from a running Prometheus, with the panels' own
 * queries (variables substituted by --set), as charts of the report code (report/: Vega-Lite to
 * SVG) — the stand-in for Grafana screenshots where no Grafana runs. Writes DIR/<uid>.html (the
 * dashboard as a page) and DIR/<uid>-<n>.svg (each time-series panel). Time is on the x axis in
 * simulated days since --t0 at --speed, the clock of the runs shown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bandChart, type SeriesRow, type Window } from '../report/series-chart.js';
import { esc, figure, page, table } from '../report/page.js';
import { operationsDashboard } from './operations.js';
import { resilienceDashboard } from './resilience.js';
import { planVsActualDashboard } from './plan-vs-actual.js';

interface Args {
  url: string;
  from: number;
  to: number;
  t0: number;
  speed: number;
  vars: Record<string, string>;
  out: string;
}

function args(argv: string[]): Args {
  const get = (name: string, fallback?: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0 || i + 1 >= argv.length) {
      if (fallback !== undefined) return fallback;
      throw new Error(`--${name} is required`);
    }
    return argv[i + 1];
  };
  const vars: Record<string, string> = { source: 'live|sim', scenario: '.*', run: '.*', plan: '.*', actual: '.*', policy: '.*' };
  argv.forEach((a, i) => {
    if (a === '--set') {
      const [k, ...v] = argv[i + 1].split('=');
      vars[k] = v.join('=');
    }
  });
  const t = (s: string) => Date.parse(s) / 1000;
  return {
    url: get('url', 'http://127.0.0.1:9090'),
    from: t(get('from')),
    to: t(get('to')),
    t0: t(get('t0')),
    speed: Number(get('speed', '1')),
    vars,
    out: get('out', 'docs/dashboards'),
  };
}

interface Target {
  expr: string;
  legendFormat?: string;
}
interface Panel {
  type: string;
  title: string;
  description?: string;
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string; min?: number; max?: number } };
}

function substitute(expr: string, a: Args, step: number): string {
  return expr
    .replace(/\$__rate_interval/g, `${Math.max(4 * step, 60)}s`)
    .replace(/\$__interval/g, `${step}s`)
    .replace(/\$([a-z_]+)/g, (w, n: string) => a.vars[n] ?? w);
}

async function range(a: Args, expr: string, step: number): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
  const u = `${a.url}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${a.from}&end=${a.to}&step=${step}`;
  const body = (await (await fetch(u)).json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data!.result;
}

const legend = (fmt: string | undefined, m: Record<string, string>) =>
  (fmt ?? '').replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, k: string) => m[k] ?? '').trim() || JSON.stringify(m);

function format(unit: string, v: number): string {
  if (unit === 'percentunit') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'dtdurations' || unit === 's') return v >= 86400 ? `${(v / 86400).toFixed(2)} d` : `${(v / 3600).toFixed(1)} h`;
  if (unit === 'bool_yes_no') return v ? 'yes' : 'no';
  return `${Number(v.toPrecision(4))}${unit.startsWith('suffix:') ? ` ${unit.slice(7).trim()}` : ''}`;
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const step = Math.max(1, Math.round((a.to - a.from) / 400));
  const day = (t: number) => ((t - a.t0) * a.speed) / 86400;
  mkdirSync(a.out, { recursive: true });
  for (const d of [operationsDashboard(), resilienceDashboard(), planVsActualDashboard()]) {
    const windowsExpr = substitute(String((d.annotations?.list?.[0] as { expr?: string } | undefined)?.expr ?? ''), a, step);
    const windows: Window[] = [];
    if (windowsExpr) {
      for (const s of await range(a, windowsExpr, step)) {
        const ts = s.values.map(([t]) => t);
        if (ts.length) windows.push({ label: `${s.metric.disruption} (${s.metric.source})`, start: day(ts[0]) * 86400, end: day(ts[ts.length - 1]) * 86400 });
      }
    }
    const body: string[] = [
      `<p class="note">${esc(d.description ?? '')} Rendered from Prometheus at ${esc(a.url)} with the dashboard's own queries; variables: ${esc(JSON.stringify(a.vars))}.</p>`,
    ];
    let n = 0;
    for (const p of (d.panels ?? []) as Panel[]) {
      if (p.type === 'row') {
        body.push(`<h2>${esc(p.title)}</h2>`);
        continue;
      }
      const unit = p.fieldConfig?.defaults?.unit ?? '';
      const rows: SeriesRow[] = [];
      const last: string[][] = [];
      for (const t of p.targets ?? []) {
        for (const s of await range(a, substitute(t.expr, a, step), step)) {
          const name = legend(t.legendFormat, s.metric);
          const values = s.values.map(([ts, v]) => [ts, Number(v)] as const).filter(([, v]) => Number.isFinite(v));
          for (const [ts, v] of values) rows.push({ day: Number(day(ts).toPrecision(5)), series: name, mean: Number(v.toPrecision(4)), lo: null, hi: null });
          if (values.length) last.push([esc(name), esc(format(unit, values[values.length - 1][1]))]);
        }
      }
      if (p.type === 'stat') {
        body.push(`<h3>${esc(p.title)}</h3>`, last.length ? table(['series', 'last value'], last) : '<p class="muted">no data</p>');
        continue;
      }
      if (!rows.length) {
        body.push(`<h3>${esc(p.title)}</h3><p class="muted">no data in this range (a panel of the live runtime's own health, or of another source)</p>`);
        continue;
      }
      const pct = unit === 'percentunit';
      const chart = await bandChart({
        title: p.title,
        alt: p.description ?? p.title,
        rows,
        windows,
        yTitle: pct ? 'share' : unit.startsWith('suffix:') ? unit.slice(7).trim() : unit === 's' ? 'seconds' : unit,
        yFormat: pct ? '.0%' : ',.3~s',
        yDomain: pct ? [0, 1] : undefined,
        colorTitle: 'series',
        height: 200,
      });
      n++;
      writeFileSync(join(a.out, `${d.uid}-${n}.svg`), chart.svg);
      body.push(figure(chart, `${d.uid}-${n}`));
    }
    writeFileSync(
      join(a.out, `${d.uid}.html`),
      page({
        title: d.title ?? '',
        subtitle: `${new Date(a.from * 1000).toISOString()} .. ${new Date(a.to * 1000).toISOString()}`,
        body,
        footer: 'autoshift dashboards rendered by dashboards/render-panels.ts (report/ charts) in place of a Grafana screenshot',
      }),
    );
    process.stdout.write(`wrote ${join(a.out, `${d.uid}.html`)} (${n} charts)\n`);
  }
}

await main();
