/**
 * Writing an HTML report (`--report FILE.html` on run, compare, sweep and
 * `autoshift report -o`). The path is checked before anything runs, so a
 * long run is not lost to a typo in the folder name.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../model/errors.js';

/** The report path of `--<flag>`, or undefined when the flag is absent; throws a UsageError when its folder does not exist. */
export function reportPath(value: string | boolean | string[] | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag}: expected a file name, like ${flag} report.html`);
  const dir = dirname(resolve(value));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`${flag}: the folder ${dirname(value)} of ${value} does not exist (expected a path in an existing folder)`);
  if (existsSync(value) && statSync(value).isDirectory())
    throw new UsageError(`${flag}: ${value} is a folder (expected a file name, like ${value.replace(/\/$/, '')}/report.html)`);
  return value;
}

/** Writes the report and tells the user where (on stderr, so that --json output stays one document). */
export function writeReport(file: string, html: string): void {
  writeFileSync(file, html);
  process.stderr.write(`report written to ${file} (${Math.ceil(Buffer.byteLength(html) / 1024).toLocaleString('en-US')} kB)\n`);
}
