/**
 * The core loaded through V8's code cache (cli/code-cache.ts, issue 16):
 * the cache is written, used, survives being corrupt or unwritable, can be
 * turned off, and never changes what a command prints.
 */
import { afterAll, describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MAX_CACHE_FILES, type CodeCacheOptions } from '../../cli/code-cache.js';
import { CLI, ROOT } from '../helpers/cli.js';

const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'autoshift-code-cache-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A small CommonJS-shaped file in the core's form: requires a facade module and Node's, imports dynamically. */
function coreFile(dir: string): URL {
  const file = join(dir, 'core.cjs');
  writeFileSync(
    file,
    [
      'const { join } = require("node:path");',
      'const errors = require("../model/errors.js");',
      'function square(x) { return x * x; }',
      'exports.a = square(7);',
      'exports.b = errors.tag + ":" + join("x", "y");',
      'exports.c = () => __autoshift_import("./other.mjs").then((m) => m.value);',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'other.mjs'), 'export const value = 42;\n');
  return pathToFileURL(file);
}

/**
 * Loads `url` with the built loader in a fresh process (V8 keeps what it compiled per process: a second load in this
 * one would find the script in memory and never read the cache) and returns what became of the cache and the exports.
 */
function load(url: URL, options: CodeCacheOptions, modules: Record<string, unknown> = { '../model/errors.js': { tag: 'facade' } }) {
  const loader = pathToFileURL(join(ROOT, 'dist', 'cli', 'code-cache.js')).href;
  const script = `
    import { loadCore } from ${JSON.stringify(loader)};
    const url = new URL(${JSON.stringify(url.href)});
    const core = loadCore(url, ${JSON.stringify(modules)}, ${JSON.stringify(options)}, (s) => import(new URL(s, url).href));
    const c = await core.exports.c();
    console.log(JSON.stringify({ cache: core.cache, a: core.exports.a, b: core.exports.b, c, saved: core.save() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return { error: r.stderr };
  return JSON.parse(r.stdout) as { cache: string; a: number; b: string; c: number; saved: boolean };
}

describe('code cache: the loader', () => {
  it('compiles from source without a cache, writes one, then uses it; the exports are the same each time', () => {
    const dir = tmp();
    const url = coreFile(dir);
    const options: CodeCacheOptions = { dir: join(dir, 'cache'), key: 'k1', write: false };
    const first = load(url, options);
    expect(first).toMatchObject({ cache: 'none', saved: true });
    expect(readdirSync(join(dir, 'cache'))).toEqual([expect.stringMatching(/^k1-[0-9a-f]{8}\.v8cache$/)]);
    const second = load(url, options);
    expect(second).toMatchObject({ cache: 'accepted' });
    for (const core of [first, second]) expect(core).toMatchObject({ a: 49, b: `facade:${join('x', 'y')}`, c: 42 });
  });

  it('a corrupt cache is rejected and the file compiled from source', () => {
    const dir = tmp();
    const url = coreFile(dir);
    const options: CodeCacheOptions = { dir: join(dir, 'cache'), key: 'k1', write: false };
    expect(load(url, options)).toMatchObject({ saved: true });
    const [file] = readdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache', file), Buffer.alloc(4096, 7));
    expect(load(url, options)).toMatchObject({ cache: 'rejected', a: 49, saved: true });
    expect(load(url, options)).toMatchObject({ cache: 'accepted', a: 49 });
  });

  it('a core edited in place to the same length is compiled from its new source, not run from the old cache', () => {
    const dir = tmp();
    const url = coreFile(dir);
    const options: CodeCacheOptions = { dir: join(dir, 'cache'), key: 'k1', write: false };
    expect(load(url, options)).toMatchObject({ saved: true, a: 49 });
    expect(load(url, options)).toMatchObject({ cache: 'accepted', a: 49 });
    const file = join(dir, 'core.cjs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('square(7)', 'square(8)'));
    utimesSync(file, new Date(2026, 0, 1), new Date(2026, 0, 1));
    expect(load(url, options)).toMatchObject({ cache: 'none', a: 64 });
  });

  it('writing a cache removes the week-old files and keeps at most MAX_CACHE_FILES, the newest', () => {
    const dir = tmp();
    const url = coreFile(dir);
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const day = 24 * 3600 * 1000;
    for (let i = 0; i < 40; i++) {
      const f = join(cache, `old-build-${String(i).padStart(2, '0')}.v8cache`);
      writeFileSync(f, 'x');
      const t = new Date(Date.now() - (i < 5 ? 8 * day : i * 60_000)); // five a week old, the rest minutes old
      utimesSync(f, t, t);
    }
    writeFileSync(join(cache, 'notes.txt'), 'not ours');
    expect(load(url, { dir: cache, key: 'k1', write: false })).toMatchObject({ saved: true });
    const left = readdirSync(cache);
    expect(left.filter((f) => f.endsWith('.v8cache'))).toHaveLength(MAX_CACHE_FILES);
    expect(left).toContain('notes.txt');
    expect(left.some((f) => f.startsWith('k1-'))).toBe(true);
    // the week-old and the oldest of the others went; the newest stayed
    expect(left).not.toContain('old-build-00.v8cache');
    expect(left).toContain('old-build-05.v8cache');
    expect(left).not.toContain('old-build-39.v8cache');
  });

  it('a cache folder that cannot be made is no error: nothing is written', () => {
    const dir = tmp();
    const url = coreFile(dir);
    writeFileSync(join(dir, 'not-a-folder'), '');
    expect(load(url, { dir: join(dir, 'not-a-folder', 'cache'), key: 'k1', write: false })).toMatchObject({ cache: 'none', saved: false, a: 49 });
  });

  it('off: nothing read, nothing written', () => {
    const dir = tmp();
    const url = coreFile(dir);
    expect(load(url, { dir: null, key: 'k1', write: true })).toMatchObject({ cache: 'off', saved: false, a: 49 });
  });

  it('a relative require the facade did not import is a build error, named', () => {
    const dir = tmp();
    const url = coreFile(dir);
    expect(load(url, { dir: null, key: 'k1', write: false }, {})).toMatchObject({ error: expect.stringMatching(/requires \.\.\/model\/errors\.js/) });
  });
});

describe('code cache: the command', () => {
  const run = (args: string[], env: Record<string, string>) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const small = ['scenarios/invoice-office.yaml', '--horizon', '8d', '--json'];

  it('run writes its cache on the first start and prints byte-identical results from source, with the cache, and with it off', () => {
    const cache = tmp();
    const env = { XDG_CACHE_HOME: cache, AUTOSHIFT_CODE_CACHE: '1' };
    const first = run(['run', ...small], env);
    expect(first.code, first.stderr).toBe(0);
    const files = readdirSync(join(cache, 'autoshift', 'code'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{16}-run-[0-9a-f]{8}-[0-9a-f]{8}\.v8cache$/);
    const second = run(['run', ...small], env);
    const off = run(['run', ...small], { XDG_CACHE_HOME: tmp(), AUTOSHIFT_CODE_CACHE: '0' });
    for (const r of [second, off]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(first.stdout);
      expect(r.stderr).toBe(first.stderr);
    }
    expect(JSON.parse(first.stdout).replications).toBe(1);
  });

  it('each command has its own cache; AUTOSHIFT_CODE_CACHE=0 writes none', () => {
    const cache = tmp();
    expect(run(['validate', 'scenarios/invoice-office.yaml'], { XDG_CACHE_HOME: cache, AUTOSHIFT_CODE_CACHE: '0' }).code).toBe(0);
    expect(existsSync(join(cache, 'autoshift'))).toBe(false);
    expect(run(['validate', 'scenarios/invoice-office.yaml'], { XDG_CACHE_HOME: cache, AUTOSHIFT_CODE_CACHE: '1' }).code).toBe(0);
    expect(run(['run', ...small], { XDG_CACHE_HOME: cache, AUTOSHIFT_CODE_CACHE: '1' }).code).toBe(0);
    expect(
      readdirSync(join(cache, 'autoshift', 'code'))
        .map((f) => f.split('-')[1])
        .sort(),
    ).toEqual(['run', 'validate']);
  });

  it('a corrupt cache, or a cache folder that cannot be written, changes nothing a user sees', () => {
    const cache = tmp();
    const env = { XDG_CACHE_HOME: cache, AUTOSHIFT_CODE_CACHE: '1' };
    const first = run(['validate', 'scenarios/invoice-office.yaml'], env);
    expect(first.code, first.stderr).toBe(0);
    const [file] = readdirSync(join(cache, 'autoshift', 'code'));
    writeFileSync(join(cache, 'autoshift', 'code', file), 'not a code cache');
    const corrupt = run(['validate', 'scenarios/invoice-office.yaml'], env);
    const blocked = tmp();
    writeFileSync(join(blocked, 'autoshift'), ''); // a file where the folder should be
    const unwritable = run(['validate', 'scenarios/invoice-office.yaml'], { XDG_CACHE_HOME: blocked, AUTOSHIFT_CODE_CACHE: '1' });
    for (const r of [corrupt, unwritable]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(first.stdout);
      expect(r.stderr).toBe('');
    }
  });
});
