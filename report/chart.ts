/**
 * One chart: a Vega-Lite specification compiled with Vega-Lite and rendered
 * to SVG by Vega on the server (`view.toSVG()`), with no browser and no
 * canvas. The specification (data inline) stays beside its SVG in the report,
 * so a user can paste it into the Vega editor and keep working on it.
 *
 * Every chart has a title, a text alternative with its key numbers (the
 * figure's caption and the SVG's aria-label), axis titles with units, and the
 * Okabe–Ito palette, which colour-blind readers can tell apart.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';

export interface Chart {
  /** the chart's title, shown above it */
  title: string;
  /** the text alternative: what the chart shows, with its key numbers */
  alt: string;
  /** the Vega-Lite specification, data inline */
  spec: TopLevelSpec;
  /** the rendered SVG */
  svg: string;
}

/** Okabe & Ito (2008): eight colours distinguishable with any common colour-vision deficiency. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
/** Disruption windows: a light grey that prints. */
export const SHADE = '#bbbbbb';

/** Chart width in CSS pixels: fits an A4 or Letter page in portrait with margins. */
export const WIDTH = 600;

const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  range: { category: PALETTE },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom' as const, direction: 'horizontal' as const, symbolOpacity: 1 },
  title: { fontSize: 14, anchor: 'start' as const },
  view: { stroke: '#cccccc' },
};

/** The spec with the report's look, its title and description. */
export function withLook(spec: Record<string, unknown>, title: string, alt: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    description: alt,
    config: CONFIG,
    ...spec,
  } as TopLevelSpec;
}

/** Compiles and renders a Vega-Lite chart to SVG. */
export async function renderChart(title: string, alt: string, spec: Record<string, unknown>): Promise<Chart> {
  const full = withLook(spec, title, alt);
  const vega = compile(full).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return { title, alt, spec: full, svg };
  } finally {
    view.finalize();
  }
}
