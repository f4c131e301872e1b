/**
 * Overrides of scenario fields by path, as given on the command line:
 * `pools.ocr-bot.size=3`, `horizon=30d`, `disruptions[0].duration=2h`.
 * Values are read as YAML scalars (numbers, booleans, text).
 */
import { parse } from '#yaml';
import { ScenarioError } from './errors.js';
import type { ScenarioSource } from './scenario-source.js';

export function parseOverridePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m)
      throw new ScenarioError([{ file: `--set ${path}`, line: 0, path, message: 'expected a field path like pools.clerks.size or disruptions[0].start' }]);
    out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** Sets one field of the parsed scenario in place; `assignment` is `path=value`. */
export function applyOverride(source: ScenarioSource, assignment: string, flag = `--set ${assignment}`): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new ScenarioError([{ file: flag, line: 0, path: '', message: 'expected path=value, like pools.clerks.size=4' }]);
  const path = parseOverridePath(assignment.slice(0, eq).trim());
  let value: unknown;
  try {
    value = parse(assignment.slice(eq + 1));
  } catch (err) {
    throw new ScenarioError([
      { file: flag, line: 0, path: assignment.slice(0, eq), message: `the value is not a YAML scalar: ${(err as Error).message.split('\n')[0]}` },
    ]);
  }
  let node = source.raw as any;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    if (node === null || typeof node !== 'object' || !(seg in node)) {
      throw new ScenarioError([{ file: flag, line: 0, path: assignment.slice(0, eq), message: `no field '${String(seg)}' in the scenario ${source.file}` }]);
    }
    node = node[seg];
  }
  if (node === null || typeof node !== 'object') {
    // e.g. --set policy.module=p.js where the scenario says `policy: static`
    const parent = path.slice(0, -1).map(String).join('.');
    throw new ScenarioError([
      {
        file: flag,
        line: 0,
        path: assignment.slice(0, eq),
        message: `'${parent}' is ${JSON.stringify(node)} in the scenario ${source.file}, not a mapping: set the whole field instead, e.g. --set '${parent}={${String(path[path.length - 1])}: ...}'`,
      },
    ]);
  }
  node[path[path.length - 1]] = value;
}
