/**
 * The page around the charts: one self-contained HTML document (inline CSS,
 * inline SVG, no script that runs, no external src or href), in a light
 * theme that prints on A4 and Letter.
 */
import type { Chart } from './chart.js';

/** Escapes text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 52rem; padding: 2rem 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
p.lead { font-size: 1.05rem; background: #f4f7fa; border-left: 4px solid #0072B2; padding: .6rem .9rem; }
p.note, .muted { color: #555; font-size: .85rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; width: 100%; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid #e3e3e3; text-align: right; vertical-align: top; }
th { background: #f2f2f2; font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
table.facts td, table.facts th { text-align: left; }
tr.best td { background: #eaf5ee; font-weight: 600; }
figure.chart { margin: 1rem 0 1.5rem; break-inside: avoid; page-break-inside: avoid; }
figure.chart .plot { overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figure.chart figcaption { font-size: .85rem; color: #333; margin-top: .3rem; }
details.spec { font-size: .8rem; color: #555; margin-top: .2rem; }
details.spec pre { white-space: pre-wrap; word-break: break-all; max-height: 12rem; overflow: auto; background: #f7f7f7; padding: .4rem; }
footer { margin-top: 2rem; font-size: .8rem; color: #666; border-top: 1px solid #ddd; padding-top: .5rem; }
@page { size: auto; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  details.spec { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table { break-inside: auto; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  /* a wide table (a sweep's grid, one column per figure) fits the printable width instead of the page being shrunk to fit it */
  table { font-size: 8pt; }
  th, td { padding: .15rem .3rem; }
  p.lead { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** One chart as a figure: its SVG, its caption (the text alternative), and its Vega-Lite specification. */
export function figure(chart: Chart, id: string): string {
  const svg = chart.svg
    .replace('<svg ', `<svg role="img" aria-labelledby="${id}-title ${id}-alt" `)
    .replace(/^(<svg[^>]*>)/, `$1<title id="${id}-title">${esc(chart.title)}</title><desc id="${id}-alt">${esc(chart.alt)}</desc>`);
  return `<figure class="chart" id="${id}">
<div class="plot">${svg}</div>
<figcaption>${esc(chart.alt)}</figcaption>
<details class="spec"><summary>Chart specification (Vega-Lite; paste into the Vega editor to rework it)</summary><pre class="vega-lite">${esc(JSON.stringify(chart.spec))}</pre></details>
</figure>`;
}

/** A table; cells are HTML already escaped by the caller (use `esc`). */
export function table(headers: string[], rows: string[][], rowClass?: (i: number) => string | undefined, className?: string): string {
  const head = `<tr>${headers.map((h) => `<th scope="col">${h}</th>`).join('')}</tr>`;
  const body = rows
    .map((r, i) => {
      const c = rowClass?.(i);
      return `<tr${c ? ` class="${c}"` : ''}>${r.map((x, j) => (j === 0 ? `<th scope="row">${x}</th>` : `<td>${x}</td>`)).join('')}</tr>`;
    })
    .join('\n');
  return `<table${className ? ` class="${className}"` : ''}><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

export interface PageOptions {
  title: string;
  subtitle: string;
  /** the sections' HTML, in order */
  body: string[];
  /** a line at the foot: what made the report */
  footer: string;
}

/** The whole document. */
export function page(o: PageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="autoshift">
<title>${esc(o.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(o.title)}</h1><p class="muted">${esc(o.subtitle)}</p></header>
<main>
${o.body.join('\n')}
</main>
<footer>${esc(o.footer)}</footer>
</body>
</html>
`;
}
