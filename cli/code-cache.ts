/**
 * Loads the bundled command's core (`dist/cli/autoshift-core.cjs`) through
 * V8's code cache (issue 16: start-up).
 *
 * Node 20 has no compile cache for ES modules (`module.enableCompileCache`
 * is Node 22.1+), so the build (cli/write-cli-bundle.ts) also writes the core
 * as one CommonJS-shaped file, and `dist/cli/autoshift-core.js` is a facade
 * that calls `loadCore` and re-exports what the core exports: every chunk and
 * the replication thread import the facade, so the process has one core.
 * `loadCore` compiles the file with `vm.Script`, giving V8 the bytecode it
 * kept from an earlier run of the same build (`cachedData`); a process that
 * found no usable cache writes one when it exits, after the command ran, so
 * the cache holds every function the command compiled (the YAML parser, the
 * validator, the engine), not only the top level.
 *
 * Where: `$XDG_CACHE_HOME/autoshift/code/` (default `~/.cache/autoshift/code/`),
 * one file per build, command (`run`, `validate`, …), Node version, V8
 * options and the core file's time and size; `AUTOSHIFT_CODE_CACHE=0` turns it off (nothing read or written).
 * Safe to delete at any time. Any failure to read or write it (no home, a
 * read-only disk, a cache V8 rejects) leaves the command as it is, compiled
 * from source: the cache changes how fast the code starts, never what it
 * computes.
 */
import { isAscii } from 'node:buffer';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

/** The name the build gives dynamic `import()` in the core: a vm.Script cannot `import()` without a Node flag, so the facade's function does it. */
export const DYNAMIC_IMPORT = '__autoshift_import';

/** What became of the code cache in this process. */
export type CodeCacheState = 'off' | 'none' | 'accepted' | 'rejected';

export interface CodeCacheOptions {
  /** folder of the cache files; `null`: no cache, the file is compiled from source */
  dir: string | null;
  /** the cache's key: the build's id, then what changes V8's code (command, Node, options) */
  key: string;
  /** write a cache when the process exits (code 0) if none was usable */
  write: boolean;
}

export interface LoadedCore {
  exports: Record<string, unknown>;
  cache: CodeCacheState;
  /** the cache file read or to be written, when there is one */
  file: string | null;
  /** writes the cache now (what the exit handler does); false when it could not */
  save(): boolean;
}

/** A short, stable hash of a string (FNV-1a, 32 bits): for file names, not for security. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The cache folder and key for this process (reads the environment: called by the facade, the command's entry). */
export function codeCacheOptions(buildId: string): CodeCacheOptions {
  const env = process.env;
  if (env.AUTOSHIFT_CODE_CACHE === '0') return { dir: null, key: buildId, write: false };
  let base = env.XDG_CACHE_HOME;
  if (!base) {
    try {
      base = join(homedir(), '.cache');
    } catch {
      return { dir: null, key: buildId, write: false };
    }
  }
  // the command decides which functions the cache holds: validate's cache would leave run's engine uncompiled
  const command = /^[a-z][a-z-]{0,31}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  // V8 rejects a cache made under other options or another version; keeping them apart saves rewriting one another's
  const v8 = fnv(`${process.version} ${process.arch} ${process.execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`);
  return { dir: join(base, 'autoshift', 'code'), key: `${buildId}-${command}-${v8}`, write: true };
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** Cache files kept at most (about 1 MB each): builds, commands and Node options add up on a developer's machine. */
export const MAX_CACHE_FILES = 32;

/** Writes `data` to `file` whole or not at all (another process may be writing the same file). */
function writeAtomically(file: string, data: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * When a cache is written: removes the files not written for a week (earlier
 * builds), then the oldest beyond `MAX_CACHE_FILES`. A cache in use may go
 * too (reading does not touch it); its command writes it again on its next run.
 */
function prune(dir: string, keep: string): void {
  const now = Date.now();
  const files = readdirSync(dir)
    .filter((f) => /\.v8cache$|\.tmp$/.test(f))
    .map((f) => {
      try {
        return { path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs };
      } catch {
        return { path: keep, mtime: 0 }; // gone meanwhile (another process pruning)
      }
    })
    .filter((f) => f.path !== keep)
    .sort((a, b) => b.mtime - a.mtime);
  files.forEach((f, i) => {
    if (now - f.mtime > WEEK_MS || i >= MAX_CACHE_FILES - 1) rmSync(f.path, { force: true });
  });
}

/**
 * Runs a CommonJS-shaped file once and returns its exports: `require` of a
 * relative specifier gets `modules[specifier]` (the ES modules the facade
 * imported), any other goes to Node's `require` from the file's folder.
 */
export function loadCore(
  url: URL,
  modules: Record<string, unknown>,
  options: CodeCacheOptions,
  dynamicImport: (specifier: string) => Promise<unknown>,
): LoadedCore {
  const filename = fileURLToPath(url);
  // the build writes the core in ASCII: read as one-byte text it needs no UTF-8 decoding (any other file is decoded)
  const bytes = readFileSync(filename);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  // V8 checks a cache against the source's length only: the file's time and size in the name keep a cache made for a
  // file edited in place (same length, other code) from being used for it
  const stamp = statSync(filename);
  const file = options.dir === null ? null : join(options.dir, `${options.key}-${fnv(`${stamp.mtimeMs} ${stamp.size}`)}.v8cache`);
  let cachedData: Buffer | undefined;
  if (file !== null) {
    try {
      cachedData = readFileSync(file);
    } catch {
      cachedData = undefined; // none yet, or unreadable: compiled from source
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname, ${DYNAMIC_IMPORT}) {${source}\n})`, { filename, cachedData });
  const cache: CodeCacheState = file === null ? 'off' : cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const nodeRequire = createRequire(url);
  const require = (specifier: string): unknown => {
    if (specifier.startsWith('.')) {
      if (!Object.hasOwn(modules, specifier)) throw new Error(`${filename}: requires ${specifier}, which its facade did not import (cli/write-cli-bundle.ts)`);
      return modules[specifier];
    }
    return nodeRequire(specifier);
  };
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, filename, dirname(filename), dynamicImport);
  const save = (): boolean => {
    if (file === null) return false;
    try {
      writeAtomically(file, script.createCachedData());
    } catch {
      return false; // a read-only or missing home: the next run compiles from source again
    }
    try {
      prune(dirname(file), file);
    } catch {
      // the cache is written; tidying up is for the next writer
    }
    return true;
  };
  if (file !== null && options.write && cache !== 'accepted') {
    process.once('exit', (code) => {
      // a worker thread (replications) has the main thread's command; only the main thread writes
      if (code === 0 && (createRequire(url)('node:worker_threads') as typeof import('node:worker_threads')).isMainThread) save();
    });
  }
  return { exports: module.exports, cache, file, save };
}

/** `import()` for the core: relative specifiers from the core's folder, others as they are. */
export function importFrom(url: URL): (specifier: string) => Promise<unknown> {
  return (specifier) =>
    import(/^\.\.?\//.test(specifier) ? new URL(specifier, url).href : specifier.startsWith('/') ? pathToFileURL(specifier).href : specifier);
}
