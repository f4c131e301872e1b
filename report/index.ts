/**
 * Reports: a result document in, one self-contained HTML page out (inline
 * SVG charts, no network, prints on A4 and Letter). Pure: no file or network
 * I/O, no clock; the same document gives the same bytes.
 *
 * @example
 * const html = await renderRunReport(doc);    // doc: `autoshift run --json --timeseries`
 * const any = await renderReport(JSON.parse(text));   // run, live, compare, sweep or optimise document
 *
 * A new kind of report builds on the same parts:
 * const chart = await renderChart('Title', 'text alternative with the key numbers', { mark: 'line', data: { values }, encoding });
 * const html = page({ title, subtitle, body: [`<section><h2>…</h2>${figure(chart, 'chart-1')}</section>`], footer });
 */
import { renderRunReport, type RunDocument } from './run-report.js';
import { reportKindOf } from './report-kind.js';
import { renderCompareReport, type CompareDocument } from './compare-report.js';
import { renderSweepReport, type SweepDocument } from './sweep-report.js';
import { renderOptimiseReport, type OptimiseDocument } from './optimise-report.js';

export { renderRunReport, runSummary, type RunDocument } from './run-report.js';
export { renderCompareReport, compareSummary, type CompareDocument } from './compare-report.js';
export { renderSweepReport, sweepSummary, paretoFront, type SweepDocument } from './sweep-report.js';
export { renderOptimiseReport, optimiseSummary, type OptimiseDocument } from './optimise-report.js';
export { reportKindOf, type ReportKind } from './report-kind.js';
// building blocks for a new kind of report (e.g. an optimiser's): a chart from a Vega-Lite spec, a figure, a table, the page
export { renderChart, PALETTE, WIDTH, type Chart } from './chart.js';
export { figure, page, table, esc, type PageOptions } from './page.js';
export { fmt, duration, percent, count, money, difference, valueOf } from './format.js';
export { bandChart, bandRows, windowLayers } from './series-chart.js';

/** The report of any saved result document; throws when the document is not one (see reportKindOf). */
export async function renderReport(doc: unknown): Promise<string> {
  const kind = reportKindOf(doc);
  if (typeof kind !== 'string') throw new Error(kind.problem);
  switch (kind) {
    case 'run':
      return renderRunReport(doc as RunDocument);
    case 'compare':
      return renderCompareReport(doc as CompareDocument);
    case 'sweep':
      return renderSweepReport(doc as SweepDocument);
    case 'optimise':
      return renderOptimiseReport(doc as OptimiseDocument);
  }
}
