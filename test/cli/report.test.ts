/**
 * HTML reports end to end: `run --report` and `autoshift report`. The page
 * parses, fetches nothing, every chart has its title, text alternative, axes
 * and Vega-Lite specification, and the numbers in the summary and tables are
 * those of `--json` for the same run. (The browser checks are in
 * test/integration/report-browser.test.ts.)
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift } from '../helpers/cli.js';
import { parseFigure, printedPrecision, readReport, type ReportHtml } from '../helpers/report-html.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'autoshift-report-'));
const scenario = 'scenarios/invoice-office.yaml';
const short = ['--set', 'horizon=35d', '--set', 'warmup=7d', '--set', 'disruptions[0].start=20d'];

/** The printed figure is the JSON figure, to the digits printed. */
function expectShows(text: string, e: { mean: number; ci95: number }, what: string) {
  const shown = parseFigure(text);
  expect(Math.abs(shown.mean - e.mean), `${what}: ${text} vs ${JSON.stringify(e)}`).toBeLessThanOrEqual(printedPrecision(text) * 1.0001 + 1e-12);
  const ciText = text.includes('±') ? text.split('±')[1] : '0';
  if (e.ci95 > 0 && text.includes('±'))
    expect(Math.abs(shown.ci95 - e.ci95), `${what} ±: ${text} vs ${e.ci95}`).toBeLessThanOrEqual(printedPrecision(ciText) * 1.0001 + 1e-12);
}

export function expectWellFormed(r: ReportHtml, charts: number) {
  expect(r.errors, 'HTML parse errors').toEqual([]);
  expect(r.external, 'references outside the file').toEqual([]);
  expect(r.charts.length).toBe(charts);
  for (const c of r.charts) {
    expect(c.title, `${c.id} title`).not.toBe('');
    expect(c.desc.length, `${c.id} text alternative`).toBeGreaterThan(40);
    expect(c.desc, `${c.id} text alternative has numbers`).toMatch(/\d/);
    // Vega labels its axes for assistive technology: "X-axis titled 'day of the run' for a linear scale ..."
    expect(
      c.axes.some((a) => /^X-axis titled '.+'/.test(a)),
      `${c.id} x axis with a title: ${c.axes.join(' | ')}`,
    ).toBe(true);
    expect(
      c.axes.some((a) => /^Y-axis titled '.+'/.test(a)),
      `${c.id} y axis with a title: ${c.axes.join(' | ')}`,
    ).toBe(true);
    expect((c.spec as { $schema: string }).$schema).toMatch(/vega-lite/);
    expect((c.spec as { title: string }).title).toBe(c.title);
  }
}

describe('autoshift run --report', () => {
  const dir = tmp();
  let doc: any;
  let html: string;
  beforeAll(() => {
    const r = autoshift(['run', scenario, ...short, '--replications', '3', '--json', '--report', join(dir, 'run.html')]);
    expect(r.code, r.stderr).toBe(0);
    doc = JSON.parse(r.stdout);
    writeFileSync(join(dir, 'run.json'), r.stdout);
    html = readFileSync(join(dir, 'run.html'), 'utf8');
  });

  it('is one well-formed page: parses, fetches nothing, every chart titled, described, with axes and its specification', () => {
    const r = readReport(html);
    // backlog, utilisation, SLA per period, one resilience triangle, cycle time
    expectWellFormed(r, 5);
    expect(r.charts.map((c) => c.title)).toEqual([
      'Backlog per queue',
      'Utilisation per pool, by day',
      'SLA attainment per day',
      'Resilience: outage ocr-bot @20d',
      'Cycle time against the SLA',
    ]);
    expect(html).toContain(`--set horizon=35d`.slice(6));
  });

  it('shows the numbers of --json: the summary sentence and the process, pool and disruption tables', () => {
    const r = readReport(html);
    const p = doc.processes.invoice;
    const m = /^([\d.]+% ±[\d.]+%) of invoice cases met the 48\sh SLA \(mean cycle time (.+?), 95th percentile (.+?); ([\d,.]+ ±[\d,.]+) completed\)/.exec(
      r.summary,
    );
    expect(m, r.summary).not.toBeNull();
    expectShows(m![1], p.slaAttainment, 'summary SLA');
    expectShows(m![2], p.cycleMeanSeconds, 'summary cycle');
    expectShows(m![3], p.cycleP95Seconds, 'summary p95');
    expectShows(m![4], p.completed, 'summary completed');
    for (const [pool, figure] of Object.entries(doc.pools) as [string, any][]) {
      const u = new RegExp(`${pool} ([\\d.]+% ±[\\d.]+%)`).exec(r.summary);
      expect(u, `${pool} in ${r.summary}`).not.toBeNull();
      expectShows(u![1], figure.utilization, `summary ${pool}`);
    }
    const cost = /cost ([\d,.]+) in total, ([\d,.]+ ±[\d,.]+) per completed case/.exec(r.summary)!;
    expectShows(cost[1], doc.totals.cost, 'total cost');
    expectShows(cost[2], doc.totals.costPerCase, 'cost per case');
    const ttr = /took (.+?) to recover from/.exec(r.summary)!;
    expectShows(ttr[1], doc.resilience[0].timeToRecoverSeconds, 'time to recover');

    const [head, row] = r.tables.processes;
    expect(head).toEqual(['process', 'SLA', 'arrived', 'completed', 'mean wait', 'mean cycle', 'cycle p95', 'SLA met', 'cost/case', 'by bots']);
    const keys = [, , 'arrived', 'completed', 'waitMeanSeconds', 'cycleMeanSeconds', 'cycleP95Seconds', 'slaAttainment', 'costPerCase', 'automationShare'];
    keys.forEach((k, i) => {
      if (k) expectShows(row[i], p[k], `processes table ${k}`);
    });
    for (const row of r.tables.pools.slice(1)) {
      const pool = doc.pools[row[0]];
      expectShows(row[1], pool.utilization, `${row[0]} utilisation`);
      expectShows(row[2], pool.busyHours, `${row[0]} busy hours`);
      expectShows(row[4], pool.cost, `${row[0]} cost`);
    }
    const res = r.tables.resilience[1];
    expectShows(res[3], doc.resilience[0].timeToRecoverSeconds, 'resilience table time to recover');
    expectShows(res[5], doc.resilience[0].worstBacklog, 'resilience table worst backlog');
  });

  it('autoshift report renders the saved --json document to the same bytes', () => {
    const r = autoshift(['report', join(dir, 'run.json'), '-o', join(dir, 'again.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toBe(html);
  });
});

describe('autoshift compare --report', () => {
  const dir = tmp();
  let doc: any;
  let html: string;
  beforeAll(() => {
    const r = autoshift([
      'compare',
      scenario,
      ...short,
      '--policies',
      'static,reactive,bot-first',
      '--replications',
      '3',
      '--json',
      '--report',
      join(dir, 'compare.html'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    doc = JSON.parse(r.stdout);
    writeFileSync(join(dir, 'compare.json'), r.stdout);
    html = readFileSync(join(dir, 'compare.html'), 'utf8');
  });

  it('is one well-formed page with the forest plot and the backlog around the disruption', () => {
    const r = readReport(html);
    expectWellFormed(r, 2);
    expect(r.charts.map((c) => c.title)).toEqual(['Paired differences against static', 'Backlog around the outage ocr-bot @20d']);
    // the backlog chart has one line per policy
    const spec = r.charts[1].spec as any;
    expect(new Set(spec.data.values.map((v: any) => v.series))).toEqual(new Set(['static', 'reactive', 'bot-first']));
  });

  it('shows the KPIs, the paired differences and the ranking of --json', () => {
    const r = readReport(html);
    const [head, ...rows] = r.tables.kpis;
    expect(head).toEqual(['policy', ...doc.metrics.map((m: any) => m.label)]);
    expect(rows.map((x) => x[0])).toEqual(['static', 'reactive', 'bot-first']);
    for (const row of rows) doc.metrics.forEach((m: any, i: number) => expectShows(row[i + 1], doc.kpis[row[0]][m.key], `${row[0]} ${m.key}`));
    const [dhead, ...drows] = r.tables.differences;
    expect(dhead[1]).toBe(`Δ ${doc.metrics[0].label}`);
    expect(drows.map((x) => x[0])).toEqual(['reactive', 'bot-first']);
    for (const row of drows) doc.metrics.forEach((m: any, i: number) => expectShows(row[i + 1], doc.differences[row[0]][m.key], `Δ ${row[0]} ${m.key}`));
    const first = doc.ranking.filter((e: any) => e.rank === 1).map((e: any) => e.name);
    expect(r.summary).toContain(first.length > 1 ? `${first.join(' and ')} share first place` : `${first[0]} ranks first`);
    const items = r.elements.filter((e) => e.tagName === 'li').map((e) => e.attrs.find((a) => a.name === 'value')!.value);
    expect(items).toEqual(doc.ranking.map((e: any) => String(e.rank)));
  });

  it('autoshift report renders the saved --json document to the same bytes', () => {
    const r = autoshift(['report', join(dir, 'compare.json'), '-o', join(dir, 'again.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toBe(html);
  });
});

describe('autoshift sweep --report', () => {
  const dir = tmp();
  const sweep = (name: string, axes: string[]) => {
    const r = autoshift(['sweep', scenario, ...short, ...axes, '--replications', '2', '--json', '--report', join(dir, `${name}.html`)]);
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(join(dir, `${name}.json`), r.stdout);
    return { doc: JSON.parse(r.stdout), html: readFileSync(join(dir, `${name}.html`), 'utf8') };
  };
  let two: { doc: any; html: string };
  let one: { doc: any; html: string };
  beforeAll(() => {
    two = sweep('two', ['--set', 'pools.clerks.size=2..4', '--set', 'pools.seniors.size=1..3']);
    one = sweep('one', ['--set', 'pools.clerks.size=2..5']);
  });

  it('two axes: a heatmap with the cheapest cell meeting the target marked, and the Pareto front', () => {
    const r = readReport(two.html);
    expectWellFormed(r, 2);
    expect(r.charts.map((c) => c.title)).toEqual(['SLA attainment over clerks.size × seniors.size', 'Cost against SLA attainment: the Pareto front']);
    const cells = (r.charts[0].spec as any).data.values;
    expect(cells).toHaveLength(9);
    expect(two.doc.cheapest).not.toBeNull();
    expect(cells.filter((c: any) => c.cheapest).map((c: any) => [c.axis0, c.axis1])).toEqual([
      [two.doc.cells[two.doc.cheapest].values['pools.clerks.size'], two.doc.cells[two.doc.cheapest].values['pools.seniors.size']],
    ]);
  });

  it('one axis: SLA attainment and cost against the value, then the Pareto front', () => {
    const r = readReport(one.html);
    expectWellFormed(r, 2);
    expect(r.charts[0].title).toBe('SLA attainment and cost against pools.clerks.size');
  });

  it('shows the figures of --json: every cell, and the cheapest one meeting the target in the summary', () => {
    for (const { doc, html } of [one, two]) {
      const r = readReport(html);
      const [, ...rows] = r.tables.cells;
      expect(rows).toHaveLength(doc.cells.length);
      const axes = doc.axes.length;
      rows.forEach((row, i) => {
        const c = doc.cells[i];
        doc.axes.forEach((a: any, j: number) => expect(row[j]).toBe(String(c.values[a.path])));
        expectShows(row[axes], c.result.kpis.slaAttainment, `cell ${i} SLA`);
        expectShows(row[axes + 1], c.result.kpis.cycleMeanSeconds, `cell ${i} cycle`);
        expectShows(row[axes + 2], c.result.kpis.costPerCase, `cell ${i} cost/case`);
        expectShows(row[axes + 3], c.result.kpis.totalCost, `cell ${i} total cost`);
        expect(row.at(-1)).toBe(i === doc.cheapest ? 'yes — cheapest' : c.result.kpis.slaAttainment.mean >= doc.target ? 'yes' : '');
      });
      const c = doc.cells[doc.cheapest];
      const m = /is (.+?): ([\d.]+% ±[\d.]+%) of cases met their SLA, at a total cost of ([\d,.]+(?: ±[\d,.]+)?) \(/.exec(r.summary);
      expect(m, r.summary).not.toBeNull();
      expect(m![1]).toBe(
        Object.entries(c.values)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      );
      expectShows(m![2], c.result.kpis.slaAttainment, 'summary SLA');
      expectShows(m![3], c.result.kpis.totalCost, 'summary total cost');
    }
  });

  it('autoshift report renders the saved --json document to the same bytes', () => {
    const r = autoshift(['report', join(dir, 'two.json'), '-o', join(dir, 'again.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toBe(two.html);
  });
});

describe('report errors', () => {
  it('--report into a folder that does not exist: exit 2 before anything runs, naming the flag', () => {
    const r = autoshift(['run', scenario, '--report', '/nonexistent-dir/x.html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--report: the folder \/nonexistent-dir of \/nonexistent-dir\/x.html does not exist/);
    expect(r.stderr).not.toMatch(/at .*\.js/);
  });

  it('autoshift report of a file that is not a result document names the file and the field', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.json'), '{"scenario": "x", "processes": {}}');
    writeFileSync(join(dir, 'notjson.json'), 'scenario: x');
    let r = autoshift(['report', join(dir, 'bad.json'), '-o', join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bad.json')}: field 'pools': expected an object of per-pool figures in a run result document`);
    r = autoshift(['report', join(dir, 'notjson.json'), '-o', join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'notjson.json')}: not JSON`);
    r = autoshift(['report', join(dir, 'missing.json'), '-o', join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.json: cannot read it (ENOENT)');
    r = autoshift(['report', join(dir, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-o: expected the report file to write');
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});
