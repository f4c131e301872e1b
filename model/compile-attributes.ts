/**
 * Compiling what a scenario says about case attributes: the attributes of a
 * process (`processes.<p>.attributes`) and the expressions that read them
 * (`when` on a branch entry, `durationScale` on a step). Problems go to the
 * compiler's `fail` with the field's path, so the user sees file, line, field
 * and, for an expression, the column in it.
 */
import type { Attribute } from './scenario.js';
import type { RawAttribute } from './raw-scenario.js';
import { ExpressionError, isAttributeName, parseExpression, type Expr } from './expression.js';
import { parseDuration } from './units.js';
import { DISTRIBUTION_KINDS, compileDistribution, validateDistribution } from '../simulator/distributions.js';

/** The event log's own columns (cli/event-log-writer.ts), which an attribute's column must not repeat. */
const LOG_COLUMNS = ['case_id', 'process', 'activity', 'resource', 'pool', 'enqueue_time', 'start_time', 'end_time', 'outcome', 'replication', 'warmup'];

type Fail = (path: (string | number)[], message: string) => void;

/** A process's attributes, in the order written: a distribution (a number) or `{ values, weights }` (a string). */
export function compileAttributes(raw: Record<string, RawAttribute> | undefined, path: (string | number)[], fail: Fail): Attribute[] {
  const out: Attribute[] = [];
  for (const [name, spec] of Object.entries(raw ?? {})) {
    if (LOG_COLUMNS.includes(name)) {
      fail([...path, name], `'${name}' is a column of the event log (expected another name: not ${LOG_COLUMNS.join(', ')})`);
      continue;
    }
    if (!isAttributeName(name)) {
      fail([...path, name], `'${name}' cannot name an attribute (expected a letter or _, then letters, digits or _; not and, or, not, true, false)`);
      continue;
    }
    if (spec.dist !== undefined) {
      const dist = compileDistribution(spec, parseDuration);
      if (!dist) {
        fail([...path, name, 'dist'], `unknown distribution '${spec.dist}' (expected one of: ${DISTRIBUTION_KINDS.join(', ')})`);
        continue;
      }
      const problem = validateDistribution(dist);
      if (problem) {
        fail([...path, name], problem);
        continue;
      }
      out.push({ name, type: 'number', dist });
    } else {
      const values: string[] = spec.values.map(String);
      const weights: number[] = spec.weights ?? values.map(() => 1);
      if (weights.length !== values.length) {
        fail([...path, name, 'weights'], `expected ${values.length} weights, one per value (got ${weights.length})`);
        continue;
      }
      const total = weights.reduce((a, b) => a + b, 0);
      if (!(total > 0)) {
        fail([...path, name, 'weights'], 'expected weights that sum to more than 0');
        continue;
      }
      let sum = 0;
      const cumulative = weights.map((w) => (sum += w) / total);
      cumulative[cumulative.length - 1] = 1;
      out.push({ name, type: 'string', values, cumulative });
    }
  }
  return out;
}

/** An expression over `attributes` that must give a `type`; null (and a problem reported) when it cannot. */
export function compileExpression(
  text: string,
  attributes: readonly Attribute[],
  path: (string | number)[],
  type: 'boolean' | 'number',
  what: string,
  fail: Fail,
): Expr | null {
  try {
    const parsed = parseExpression(String(text), attributes);
    if (parsed.type !== type) {
      fail(
        path,
        `expected ${what} (${type === 'boolean' ? 'true or false, e.g. amount > 10000' : 'a number, e.g. amount / 1000'}), got an expression giving a ${parsed.type}`,
      );
      return null;
    }
    return parsed.expr;
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    fail(path, `cannot read ${what} "${text}" at column ${err.column}: ${err.message}`);
    return null;
  }
}
