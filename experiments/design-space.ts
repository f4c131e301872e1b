/**
 * The space an optimisation searches: axes given as `--vary PATH=a..b` (or
 * `a..b:step`, or `x,y,z`), read with the sweep's grid syntax
 * (model/sweep-grid.ts), and designs as one value index per axis. Pure.
 *
 * ```ts
 * const axes = parseAxes(['pools.clerks.size=1..12', 'pools.ocr-bot.size=0..4']);
 * overridesOf(axes, [2, 1]); // ['pools.clerks.size=3', 'pools.ocr-bot.size=1']
 * ```
 */
import { parseSweepGrid, type AxisValue, type SweepAxis } from '../model/sweep-grid.js';
import { ScenarioError } from '../model/errors.js';

export type Axis = SweepAxis;

/** One value index per axis. */
export type Design = readonly number[];

export function parseAxes(vary: readonly string[]): Axis[] {
  const axes: Axis[] = [];
  for (const v of vary) {
    let grid;
    try {
      grid = parseSweepGrid([v], { maxCells: Number.MAX_SAFE_INTEGER });
    } catch (err) {
      // the sweep's messages name `--set`; here the option is `--vary`
      if (err instanceof ScenarioError) throw new ScenarioError(err.issues.map((i) => ({ ...i, file: i.file.replace(/^--set\b/, '--vary') })));
      throw err;
    }
    if (grid.axes.length !== 1) {
      throw new ScenarioError([
        { file: `--vary ${v}`, line: 0, path: '', message: 'expected PATH=a..b, PATH=a..b:step or PATH=x,y,z (a fixed value goes in --set)' },
      ]);
    }
    if (axes.some((a) => a.path === grid.axes[0].path)) {
      throw new ScenarioError([{ file: `--vary ${v}`, line: 0, path: '', message: `${grid.axes[0].path} is varied twice (expected one --vary per field)` }]);
    }
    axes.push(grid.axes[0]);
  }
  return axes;
}

export function designKey(d: Design): string {
  return d.join(',');
}

export function overridesOf(axes: readonly Axis[], d: Design): string[] {
  return axes.map((a, i) => `${a.path}=${a.raw[d[i]]}`);
}

export function valuesOf(axes: readonly Axis[], d: Design): Record<string, AxisValue> {
  return Object.fromEntries(axes.map((a, i) => [a.path, a.values[d[i]]]));
}

export function gridSize(axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * a.raw.length, 1);
}

export function inSpace(axes: readonly Axis[], d: Design): boolean {
  return d.every((x, i) => Number.isInteger(x) && x >= 0 && x < axes[i].raw.length);
}

/** Designs one step up on one axis. */
export function upNeighbours(axes: readonly Axis[], d: Design): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < axes.length; i++) out.push(d.map((x, k) => (k === i ? x + 1 : x)));
  return out.filter((n) => inSpace(axes, n));
}

/** One step down or up on one axis, and trades (one axis down, another up): the integer neighbourhood. */
export function neighbours(axes: readonly Axis[], d: Design): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < axes.length; i++) {
    out.push(d.map((x, k) => (k === i ? x - 1 : x)));
    out.push(d.map((x, k) => (k === i ? x + 1 : x)));
    for (let j = 0; j < axes.length; j++) if (j !== i) out.push(d.map((x, k) => (k === i ? x - 1 : k === j ? x + 1 : x)));
  }
  return out.filter((n) => inSpace(axes, n));
}

/** The index of the axis value nearest to `x` (numeric axes), or of the value equal to it; `fallback` otherwise. */
export function nearestIndex(axis: Axis, x: unknown, fallback = 0): number {
  const exact = axis.values.findIndex((v) => v === x);
  if (exact >= 0) return exact;
  if (typeof x !== 'number' || !axis.values.every((v) => typeof v === 'number')) return fallback;
  let best = 0;
  axis.values.forEach((v, i) => {
    if (Math.abs((v as number) - x) < Math.abs((axis.values[best] as number) - x)) best = i;
  });
  return best;
}
