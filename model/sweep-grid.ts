/**
 * The grid of a what-if sweep, from `--set PATH=VALUE` options. Pure.
 *
 * - `PATH=a..b` (integers, a <= b) is an axis with the values a, a+1, ..., b;
 *   `PATH=a..b:step` steps by `step` (>= 1) and stops at or before b.
 * - `PATH=x,y,z` is an axis with the listed values (each read as a YAML scalar,
 *   like any `--set` value: numbers, booleans, text such as `30d`).
 * - Anything else is a fixed override, applied to every cell. A value that
 *   begins with `[`, `{` or a quote is YAML as written, never a list: use that
 *   to set a field to a list, e.g. `pools.clerks.skills=[entry,approval]`.
 *
 * Cells are the cartesian product of the axes in the order the axes were given,
 * the first axis varying slowest and the last fastest (like nested loops written
 * in that order): `a=1..2 b=x,y` gives (1,x) (1,y) (2,x) (2,y).
 * Each cell's overrides are the `--set` options in the order given, with the
 * cell's value in place of each axis.
 *
 * Mistakes are ScenarioErrors whose place is the option itself:
 * `--set pools.clerks.size=5..2: expected a..b with a <= b`.
 *
 * ```ts
 * const grid = parseSweepGrid(['pools.clerks.size=2..3', 'horizon=30d']);
 * grid.cells[1].overrides; // ['pools.clerks.size=3', 'horizon=30d']
 * ```
 */
import { parse } from '#yaml';
import { parseOverridePath } from './overrides.js';
import { ScenarioError, isScenarioError, type ScenarioIssue } from './errors.js';

export type AxisValue = string | number | boolean | null;

export interface SweepAxis {
  path: string;
  /** the values as written in an override (`path=value`) */
  raw: string[];
  /** the same values read as YAML scalars, for JSON and display */
  values: AxisValue[];
}

export interface SweepCell {
  /** 0-based position in the grid order */
  index: number;
  /** the value of each axis in this cell, by path */
  values: Record<string, AxisValue>;
  /** the `path=value` overrides to apply to the scenario, in order */
  overrides: string[];
  /** the overrides that came from the axes, for error messages: `pools.clerks.size=3` */
  axisOverrides: string[];
}

export interface SweepGrid {
  axes: SweepAxis[];
  /** the fixed `path=value` overrides */
  fixed: string[];
  cells: SweepCell[];
}

export interface SweepGridOptions {
  /** the largest grid accepted @default 10000 */
  maxCells?: number;
}

const RANGE_START = /^\s*[+-]?\d[\d.]*\s*\.\./;
const RANGE = /^\s*([+-]?\d+)\s*\.\.\s*([+-]?\d+)\s*(?::\s*([+-]?\d+)\s*)?$/;

type Parsed = { kind: 'fixed'; assignment: string } | { kind: 'axis'; index: number };

export function parseSweepGrid(sets: readonly string[], options: SweepGridOptions = {}): SweepGrid {
  const maxCells = options.maxCells ?? 10_000;
  const axes: SweepAxis[] = [];
  const fixed: string[] = [];
  const plan: Parsed[] = [];
  const seen = new Map<string, string>();

  for (const set of sets) {
    const bad = (expected: string) => new ScenarioError([{ file: `--set ${set}`, line: 0, path: '', message: expected }]);
    const eq = set.indexOf('=');
    if (eq <= 0) throw bad('expected PATH=VALUE, like pools.clerks.size=2..6');
    const path = set.slice(0, eq).trim();
    const value = set.slice(eq + 1).trim();
    try {
      parseOverridePath(path);
    } catch {
      throw bad('expected a field path like pools.clerks.size or disruptions[0].start');
    }
    const raw = axisValues(value, bad);
    const previous = seen.get(path);
    if (previous !== undefined && (raw || previous === 'axis')) throw bad(`${path} is set twice (expected one --set per field in a sweep)`);
    seen.set(path, raw ? 'axis' : 'fixed');
    if (!raw) {
      fixed.push(`${path}=${value}`);
      plan.push({ kind: 'fixed', assignment: `${path}=${value}` });
      continue;
    }
    plan.push({ kind: 'axis', index: axes.length });
    axes.push({ path, raw, values: raw.map(readScalar) });
  }

  const count = axes.reduce((n, a) => n * a.raw.length, 1);
  if (count > maxCells) {
    throw new ScenarioError([
      {
        file: '--set',
        line: 0,
        path: '',
        message: `the grid has ${count} cells (${axes.map((a) => `${a.path}: ${a.raw.length}`).join(' × ')}): expected at most ${maxCells}; narrow an axis or give it a step (a..b:step)`,
      },
    ]);
  }

  const cells: SweepCell[] = [];
  for (let index = 0; index < count; index++) {
    // mixed radix, last axis fastest
    const pick = new Array<number>(axes.length);
    let rest = index;
    for (let k = axes.length - 1; k >= 0; k--) {
      pick[k] = rest % axes[k].raw.length;
      rest = Math.floor(rest / axes[k].raw.length);
    }
    const values: Record<string, AxisValue> = {};
    const axisOverrides: string[] = [];
    axes.forEach((a, k) => {
      values[a.path] = a.values[pick[k]];
      axisOverrides.push(`${a.path}=${a.raw[pick[k]]}`);
    });
    const overrides = plan.map((p) => (p.kind === 'fixed' ? p.assignment : axisOverrides[p.index]));
    cells.push({ index, values, overrides, axisOverrides });
  }
  return { axes, fixed, cells };
}

/** The most values one axis may have (a sweep's grid is capped lower, by `maxCells`; an optimisation searches an axis, it does not list its designs). */
const MAX_AXIS_VALUES = 100_000;

/** The values of an axis written as `a..b[:step]` or `x,y,z`; null for a plain value. */
function axisValues(value: string, bad: (expected: string) => Error): string[] | null {
  if (/^["'[{]/.test(value)) return null;
  if (RANGE_START.test(value)) {
    const m = RANGE.exec(value);
    if (!m) throw bad('expected a..b or a..b:step with integers a <= b and step >= 1');
    const a = Number(m[1]),
      b = Number(m[2]),
      step = m[3] === undefined ? 1 : Number(m[3]);
    if (a > b) throw bad('expected a..b with a <= b');
    if (step < 1) throw bad('expected a step >= 1 in a..b:step');
    // counted before it is listed: 1..1000000000000 would fill the heap
    const count = Math.floor((b - a) / step) + 1;
    if (count > MAX_AXIS_VALUES)
      throw bad(
        `expected at most ${MAX_AXIS_VALUES.toLocaleString('en-US')} values on an axis (this range has ${count.toLocaleString('en-US')}); narrow it or give it a step (a..b:step)`,
      );
    const out: string[] = [];
    for (let x = a; x <= b; x += step) out.push(String(x));
    return out;
  }
  if (value.includes(',')) {
    const items = value.split(',').map((s) => s.trim());
    if (items.some((s) => s === '')) throw bad('expected a list x,y,z with no empty item');
    if (new Set(items).size !== items.length) throw bad('expected a list x,y,z with no value given twice');
    return items;
  }
  return null;
}

function readScalar(raw: string): AxisValue {
  try {
    const v = parse(raw);
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : raw;
  } catch {
    return raw;
  }
}

/** Short form of a cell for messages: `pools.clerks.size=3, horizon=30d`. */
export function describeCell(cell: SweepCell): string {
  return cell.axisOverrides.join(', ') || '(no axes)';
}

/**
 * An override as the user gave it: `path=value` (from `--set path=value`), or
 * with the flag that made it (`{ set: 'seed=7', flag: '--seed 7' }`).
 */
export type OverrideSpec = string | { set: string; flag: string };
export const overrideAssignment = (o: OverrideSpec): string => (typeof o === 'string' ? o : o.set);
export const overrideFlag = (o: OverrideSpec): string => (typeof o === 'string' ? `--set ${o}` : o.flag);

/**
 * Issues from compiling a scenario with overrides, attributed to the override
 * that caused them: an issue at (or under) an overridden path names the flag
 * (`--set path=value`, `--seed 7`) instead of the file and line of the value
 * it replaced. Other issues keep their place and, when `context` is given, say it.
 */
export function attributeToOverrides(issues: readonly ScenarioIssue[], overrides: readonly OverrideSpec[], context?: string): ScenarioIssue[] {
  const assignments = overrides.map((o) => {
    const text = overrideAssignment(o);
    return { path: text.slice(0, Math.max(0, text.indexOf('='))).trim(), flag: overrideFlag(o) };
  });
  return issues.map((issue) => {
    let cause: { path: string; flag: string } | undefined;
    for (const a of assignments) {
      if (a.path && (issue.path === a.path || issue.path.startsWith(`${a.path}.`) || issue.path.startsWith(`${a.path}[`))) cause = a;
    }
    if (cause) return { ...issue, file: cause.flag, line: 0 };
    if (issue.file.startsWith('--') || !context) return issue;
    return { ...issue, message: `${issue.message} (in ${context})` };
  });
}

/** A ScenarioError with its issues attributed to the overrides (see attributeToOverrides); other errors as they are. */
export function attributeError(err: unknown, overrides: readonly OverrideSpec[], context?: string): unknown {
  if (!isScenarioError(err)) return err;
  return new ScenarioError(attributeToOverrides(err.issues, overrides, context));
}
