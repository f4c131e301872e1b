/**
 * Checks a parsed scenario against the published JSON Schema and turns Ajv's
 * errors into one clear issue per mistake: field path, line, and what is expected.
 */
import type { ErrorObject } from 'ajv';
// Compiled from model/scenario-schema.ts at build time (cli/write-validators.ts):
// compiling the schema at every start of the command took ~150 ms.
import validate from './scenario-validator.generated.js';
import type { ScenarioSource } from './scenario-source.js';
import { formatPath, type ScenarioIssue } from './errors.js';

export function schemaIssues(source: ScenarioSource): ScenarioIssue[] {
  if (validate(source.raw)) return [];
  const errors = reduceAlternatives([...(validate.errors as ErrorObject[])]);
  const seen = new Set<string>();
  const issues: ScenarioIssue[] = [];
  for (const e of errors) {
    const issue = toIssue(e, source);
    const key = `${issue.path}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues.sort((a, b) => a.line - b.line);
}

function segments(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
const depth = (e: ErrorObject) =>
  (e.instancePath ? e.instancePath.split('/').length - 1 : 0) + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 0.5 : 0);

/** Whether the document location `path` is `at` or inside it (JSON Pointers). */
const within = (path: string, at: string) => path === at || path.startsWith(`${at}/`);

/**
 * An `anyOf` failure carries the errors of every alternative. Keep only the
 * alternative that got furthest (deepest error, then fewest errors); when it
 * failed on the type alone, say what the field expects as a whole.
 */
function reduceAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const group of anyOfs) {
    const prefix = `${group.schemaPath}/`;
    // its alternatives' errors: under it in the schema and in the document (a shared definition,
    // such as a duration, has the same schema path wherever it is used)
    const inGroup = (e: ErrorObject) => e.schemaPath.startsWith(prefix) && within(e.instancePath, group.instancePath);
    const members = errors.filter(inGroup);
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of members) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0];
      if (!byBranch.has(branch)) byBranch.set(branch, []);
      byBranch.get(branch)!.push(e);
    }
    let best: ErrorObject[] = [];
    let bestScore = -Infinity;
    for (const list of byBranch.values()) {
      const typeOnly = list.every((e) => e.keyword === 'type' && e.instancePath === group.instancePath);
      const score = Math.max(...list.map(depth)) * 1000 - list.length - (typeOnly ? 500 : 0);
      if (score > bestScore) {
        bestScore = score;
        best = list;
      }
    }
    const shallow = best.every((e) => e.instancePath === group.instancePath && (e.keyword === 'type' || e.keyword === 'pattern'));
    const replacement: ErrorObject[] =
      shallow || best.length === 0
        ? [{ ...group, keyword: 'x-expected', schemaPath: group.schemaPath }]
        : best.map((e) => ({ ...e, schemaPath: group.schemaPath + '/' + e.schemaPath.slice(prefix.length) }));
    errors = errors.filter((e) => e !== group && !inGroup(e)).concat(replacement);
  }
  // A discriminated oneOf reports the bad tag twice (enum and discriminator): keep one.
  return errors.filter((e) => e.keyword !== 'oneOf');
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function toIssue(e: ErrorObject, source: ScenarioSource): ScenarioIssue {
  const path = segments(e.instancePath);
  const parent = (e.parentSchema ?? {}) as Record<string, any>;
  const expectedPhrase: string | undefined = parent['x-expected'];
  let line = source.locate(path);
  let shownPath = formatPath(path);
  let message: string;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      message = `missing field '${missing}'`;
      break;
    }
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      line = source.locate(path, key);
      shownPath = formatPath([...path, key]);
      const allowed = parent.properties ? Object.keys(parent.properties).filter((k) => k !== '$schema') : [];
      message = allowed.length ? `unknown key '${key}' (expected one of: ${allowed.join(', ')})` : `unknown key '${key}'`;
      break;
    }
    case 'x-expected':
      message = `expected ${expectedPhrase ?? 'a different value'}, got ${show(e.data)}`;
      break;
    case 'type': {
      const t = (e.params as { type: string }).type;
      const article = t === 'integer' || t === 'array' || t === 'object' ? 'an' : 'a';
      const name = t === 'object' ? 'mapping' : t === 'array' ? 'list' : t;
      message = `expected ${article} ${name}, got ${show(e.data)}`;
      break;
    }
    case 'enum':
      message = `expected one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}; got ${show(e.data)}`;
      break;
    case 'discriminator': {
      const tag = (e.params as { tag: string }).tag;
      const options = (parent.oneOf as any[] | undefined)?.map((b) => b.properties?.[tag]?.const).filter(Boolean) ?? [];
      message = `expected '${tag}' to be one of: ${options.join(', ')}`;
      break;
    }
    case 'pattern':
      message = expectedPhrase
        ? `expected ${expectedPhrase}, got ${show(e.data)}`
        : `expected a name of letters, digits, '-', '_' or '.', starting with a letter; got ${show(e.data)}`;
      break;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      message = expectedPhrase ? `expected ${expectedPhrase}, got ${show(e.data)}` : `expected a number ${p.comparison} ${p.limit}, got ${show(e.data)}`;
      break;
    }
    case 'minItems':
    case 'maxItems': {
      const min = parent.minItems;
      const max = parent.maxItems;
      const count = min !== undefined && min === max ? `exactly ${min}` : e.keyword === 'minItems' ? `at least ${min}` : `at most ${max}`;
      message = `expected a list of ${count} items, got ${show(e.data)}`;
      break;
    }
    case 'minProperties':
      message = 'expected at least one entry';
      break;
    case 'propertyNames': {
      const name = (e.params as { propertyName: string }).propertyName;
      message = `invalid name '${name}': expected letters, digits, '-', '_' or '.', starting with a letter`;
      break;
    }
    case 'const':
      message = `expected ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
      break;
    case 'minLength':
      message = 'expected a non-empty text';
      break;
    default:
      message = e.message ?? 'invalid value';
  }
  return { file: source.file, line, path: shownPath, message };
}
