/**
 * Reads a report's HTML the way a checker would, with parse5 (the WHATWG
 * parsing algorithm browsers use): parse errors, every element with its
 * attributes, the charts, the tables' cells and the summary's text.
 */
import { parse, type DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

export interface ReportHtml {
  errors: string[];
  elements: Element[];
  /** attribute values that point outside the file (src, href, xlink:href not starting with #) */
  external: string[];
  charts: { id: string; title: string; desc: string; svg: Element; spec: unknown; axes: string[] }[];
  tables: Record<string, string[][]>;
  summary: string;
}

const isElement = (n: Node): n is Element => 'tagName' in n;
const children = (n: Node): Node[] => ('childNodes' in n ? n.childNodes : []) as Node[];

export function textOf(n: Node): string {
  if (n.nodeName === '#text') return (n as DefaultTreeAdapterMap['textNode']).value;
  return children(n).map(textOf).join('');
}

export function attr(e: Element, name: string): string | undefined {
  return e.attrs.find((a) => (a.prefix ? `${a.prefix}:${a.name}` : a.name) === name || a.name === name)?.value;
}

function all(n: Node, out: Element[] = []): Element[] {
  if (isElement(n)) out.push(n);
  for (const c of children(n)) all(c, out);
  if (n.nodeName === 'template') for (const c of children((n as any).content)) all(c, out);
  return out;
}

export function readReport(html: string): ReportHtml {
  const errors: string[] = [];
  const doc = parse(html, { onParseError: (e) => errors.push(`${e.code} at line ${e.startLine}, column ${e.startCol}`) });
  const elements = all(doc as unknown as Node);
  const external: string[] = [];
  for (const e of elements) {
    for (const a of e.attrs) {
      if (['src', 'href', 'srcset', 'action', 'poster'].includes(a.name) && !a.value.startsWith('#'))
        external.push(`<${e.tagName} ${a.prefix ? `${a.prefix}:` : ''}${a.name}="${a.value}">`);
      if (a.name === 'style' && /url\(/.test(a.value)) external.push(`<${e.tagName} style="${a.value}">`);
    }
    if (e.tagName === 'link' || (e.tagName === 'script' && attr(e, 'type') !== 'application/json')) external.push(`<${e.tagName}>`);
    if (e.tagName === 'style' && /@import|url\(/.test(textOf(e))) external.push('<style> with @import or url()');
  }
  const charts = elements
    .filter((e) => e.tagName === 'figure' && (attr(e, 'class') ?? '').includes('chart'))
    .map((fig) => {
      const inside = all(fig as unknown as Node);
      const svg = inside.find((e) => e.tagName === 'svg')!;
      const inSvg = all(svg as unknown as Node);
      const spec = inside.find((e) => e.tagName === 'pre' && attr(e, 'class') === 'vega-lite');
      return {
        id: attr(fig, 'id') ?? '',
        title: textOf(inSvg.find((e) => e.tagName === 'title') ?? (svg as unknown as Node)).trim(),
        desc: textOf(inSvg.find((e) => e.tagName === 'desc') ?? (svg as unknown as Node)).trim(),
        svg,
        spec: spec ? JSON.parse(textOf(spec)) : undefined,
        axes: inSvg.filter((e) => (attr(e, 'aria-roledescription') ?? '') === 'axis').map((e) => attr(e, 'aria-label') ?? ''),
      };
    });
  const tables: Record<string, string[][]> = {};
  for (const section of elements.filter((e) => e.tagName === 'section')) {
    const t = all(section as unknown as Node).find((e) => e.tagName === 'table' && !(attr(e, 'class') ?? '').includes('facts'));
    if (!t) continue;
    tables[attr(section, 'id') ?? ''] = all(t as unknown as Node)
      .filter((e) => e.tagName === 'tr')
      .map((tr) =>
        children(tr)
          .filter(isElement)
          .filter((c) => c.tagName === 'td' || c.tagName === 'th')
          .map((c) => textOf(c).trim()),
      );
  }
  const lead = elements.find((e) => e.tagName === 'p' && attr(e, 'class') === 'lead');
  return { errors, elements, external, charts, tables, summary: lead ? textOf(lead).replace(/\s+/g, ' ').trim() : '' };
}

/** "96.5% ±0.2%", "7.5 h ±0.2 h", "16,368 ±94.6", "1,234" → { mean, ci95 } in base units (shares 0..1, seconds). */
export function parseFigure(text: string): { mean: number; ci95: number } {
  const [m, c] = text.split('±').map((s) => s.trim());
  return { mean: parseQuantity(m), ci95: c === undefined ? 0 : parseQuantity(c) };
}

const UNIT: Record<string, number> = { '%': 0.01, pp: 0.01, s: 1, min: 60, h: 3600, d: 86400, '': 1 };

export function parseQuantity(text: string): number {
  const m = /^([-+−]?[\d,]*\.?\d+)\s*(%|pp|s|min|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`not a figure: ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, '').replace('−', '-').replace('+', '')) * UNIT[m[2] ?? ''];
}

/** Half of the last shown digit of a figure as printed, in base units: how far the printed value may be from the true one. */
export function printedPrecision(text: string): number {
  const m = /([-+−]?[\d,]*\.?(\d*))\s*(%|pp|s|min|h|d)?$/.exec(text.trim().split('±')[0].trim());
  if (!m) return 0;
  return 0.5 * 10 ** -(m[2]?.length ?? 0) * UNIT[m[3] ?? ''];
}
