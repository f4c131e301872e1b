/**
 * Output files and directories, checked (and created) before anything runs:
 * a run that cannot write its results says so at once, with the flag, the
 * path and the reason (exit 2), instead of failing after the whole
 * simulation. Files written in pieces (`FILE.part0`, …) are removed when the
 * run stops early: on an error, or on Ctrl-C / SIGTERM.
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../model/errors.js';

const REASONS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a directory',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'the name is too long',
  ENOENT: 'a directory on the path does not exist',
  EEXIST: 'a file of that name is in the way',
};

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ? `${REASONS[code]} (${code})` : (err as Error).message;
}

/**
 * mkdir -p, one level at a time from the deepest existing ancestor (Node's own
 * recursive mkdir never returns on some special file systems, e.g. /proc).
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (let i = missing.length - 1; i >= 0; i--) mkdirSync(missing[i]);
}

/** Creates `dir` (and its parents) and makes sure a file can be written in it. */
export function prepareOutputDir(flag: string, dir: string): void {
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'EEXIST' });
    makeDirs(dir);
    probe(dir);
  } catch (err) {
    throw new UsageError(`${flag} ${dir}: cannot write there: ${reason(err)}`);
  }
}

/** Creates the directory of `file` and makes sure `file` can be written (an existing file is left as it is until the run replaces it). */
export function prepareOutputFile(flag: string, file: string): void {
  try {
    if (existsSync(file) && statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    for (let up = dirname(resolve(file)); ; up = dirname(up)) {
      if (existsSync(up)) {
        if (!statSync(up).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        break;
      }
      if (dirname(up) === up) break;
    }
    makeDirs(dirname(resolve(file)));
    if (existsSync(file)) accessSync(file, constants.W_OK);
    probe(dirname(resolve(file)));
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot write there: ${reason(err)}`);
  }
}

/** Writes and removes a file in `dir`: the only test that holds for root and read-only mounts alike. */
function probe(dir: string): void {
  const p = join(dir, `.autoshift-probe-${process.pid}`);
  closeSync(openSync(p, 'w'));
  unlinkSync(p);
}

/** The part files of `base` (`base.part0`, `base.part1`, …) left in its directory. */
export function partFiles(base: string): string[] {
  const dir = dirname(resolve(base));
  const prefix = `${basename(base)}.part`;
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length)))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export function removePartFiles(bases: readonly (string | undefined)[]): void {
  for (const base of bases) if (base) for (const f of partFiles(base)) rmSync(f, { force: true });
}

/**
 * Runs `work`; if it fails, or the process gets SIGINT/SIGTERM meanwhile, the
 * part files of `bases` are removed (after `stop`, which ends the threads that
 * write them) and, on a signal, `finished()` says what was done; then the
 * process exits 130 (SIGINT) or 143 (SIGTERM).
 */
export async function withPartFiles<T>(
  bases: readonly (string | undefined)[],
  options: { command: string; stop?: () => Promise<void>; finished: () => string },
  work: () => Promise<T>,
): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    void (async () => {
      try {
        await options.stop?.();
      } catch {
        /* stopping anyway */
      }
      removePartFiles(bases);
      const removed = bases.some(Boolean) ? '; partial files removed' : '';
      process.stderr.write(`\nautoshift ${options.command}: interrupted (${signal}): ${options.finished()}${removed}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } catch (err) {
    try {
      await options.stop?.();
    } catch {
      /* the error below matters more */
    }
    removePartFiles(bases);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
