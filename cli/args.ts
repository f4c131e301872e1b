/**
 * A small, strict argument parser: `--flag value`, `--flag=value`, boolean
 * flags, repeatable flags; unknown flags are errors (exit code 2).
 */
import { UsageError } from '../model/errors.js';

export interface FlagSpec {
  /** takes a value */
  value?: boolean;
  /** may be given several times (values collected in order) */
  repeat?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[]>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    const s = spec[name];
    if (!s)
      throw new UsageError(
        `unknown option --${name} (expected one of: ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(', ')})`,
      );
    let value: string | boolean = true;
    if (s.value) {
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
    } else if (eq > 0) throw new UsageError(`--${name} takes no value`);
    if (s.repeat) ((flags[name] ??= []) as string[]).push(value as string);
    else flags[name] = value;
  }
  return { positionals, flags };
}

export function intFlag(flags: ParsedArgs['flags'], name: string, fallback: number, min = 0): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}
