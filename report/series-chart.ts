/**
 * Time-series charts: one line per series with its 95% band across
 * replications, disruption windows shaded and labelled. Time is on a
 * quantitative axis in days from the start of the run (not calendar dates:
 * those would depend on the reader's time zone).
 */
import type { Band } from '../simulator/series-band.js';
import { renderChart, SHADE, WIDTH, type Chart } from './chart.js';

export const DAY = 86400;

export interface SeriesRow {
  day: number;
  series: string;
  mean: number | null;
  lo: number | null;
  hi: number | null;
}
export interface Window {
  label: string;
  start: number;
  end: number;
}

/** Four significant digits: enough for a chart, and the file stays small. */
export const sig = (x: number) => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4)));

/** The rows of one banded series, over `time` (seconds), with the band's lower edge clamped at `floor`. */
export function bandRows(series: string, time: readonly number[], band: Band, floor = -Infinity, ceiling = Infinity): SeriesRow[] {
  return time.map((t, k) => {
    const m = band.mean[k],
      c = band.ci95[k];
    return {
      day: sig(t / DAY),
      series,
      mean: m === null ? null : sig(m),
      lo: m === null || c === null ? null : sig(Math.max(floor, m - c)),
      hi: m === null || c === null ? null : sig(Math.min(ceiling, m + c)),
    };
  });
}

export interface BandChartOptions {
  title: string;
  alt: string;
  rows: SeriesRow[];
  yTitle: string;
  /** d3 format of the y axis, e.g. ',.0f' or '.0%' */
  yFormat: string;
  yDomain?: [number, number];
  colorTitle: string;
  windows: Window[];
  /** horizontal reference lines */
  rules?: { value: number; label: string }[];
  height?: number;
}

/** Disruption windows as shaded rectangles with their labels (layers of a chart with a quantitative x in days). */
export function windowLayers(windows: Window[]): Record<string, unknown>[] {
  if (!windows.length) return [];
  const values = windows.map((w) => ({ label: w.label, from: sig(w.start / DAY), to: sig(Math.max(w.end, w.start + 3600) / DAY) }));
  return [
    {
      data: { values },
      mark: { type: 'rect', color: SHADE, opacity: 0.45 },
      encoding: { x: { field: 'from', type: 'quantitative', scale: { zero: false } }, x2: { field: 'to' } },
    },
    {
      data: { values },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 10, color: '#333' },
      encoding: { x: { field: 'from', type: 'quantitative', scale: { zero: false } }, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

export async function bandChart(o: BandChartOptions): Promise<Chart> {
  const days = o.rows.map((r) => r.day);
  const span = days.length ? Math.max(...days) - Math.min(...days) : 0;
  const x = {
    field: 'day',
    type: 'quantitative',
    title: 'day of the run',
    axis: { format: span < 1 ? ',.3~f' : span < 12 ? ',.1~f' : ',.0f' },
    scale: { nice: false, zero: false },
  };
  const y = { type: 'quantitative', title: o.yTitle, axis: { format: o.yFormat }, ...(o.yDomain ? { scale: { domain: o.yDomain } } : {}) };
  const color = { field: 'series', type: 'nominal', title: o.colorTitle };
  const rules = (o.rules ?? []).map((r) => ({
    data: { values: [r] },
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#444' }, encoding: { y: { field: 'value', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, fontSize: 10, color: '#444' },
        encoding: { y: { field: 'value', type: 'quantitative' }, x: { value: WIDTH }, text: { field: 'label' } },
      },
    ],
  }));
  return renderChart(o.title, o.alt, {
    width: WIDTH,
    height: o.height ?? 220,
    data: { values: o.rows },
    layer: [
      ...windowLayers(o.windows),
      { mark: { type: 'area', opacity: 0.25 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
      { mark: { type: 'line', strokeWidth: 1.3 }, encoding: { x, y: { ...y, field: 'mean' }, color } },
      ...rules,
    ],
  });
}
