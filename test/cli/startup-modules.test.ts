/**
 * What the everyday commands load before they answer (issue 16: start-up).
 * `--help`, `validate` and `run` must not load the live runtime's clients
 * (Temporal SDK, kafkajs), prom-client or pino, nor Ajv's schema compiler
 * (the scenario validator is compiled at build time: only Ajv's small runtime
 * helpers may load), and they load the bundled command (a handful of files,
 * not ~85 modules). Checked by the modules Node loads, not by a clock.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from '../helpers/cli.js';

// A module hook (module.register, Node ≥ 20.6) that prints every module URL Node loads through import, and at exit
// every file loaded through require (the core is CommonJS-shaped, cli/code-cache.ts: its packages come through require)
const hook = `data:text/javascript,${encodeURIComponent(`
import { register, createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
register('data:text/javascript,' + encodeURIComponent("export async function load(url, context, next) { process._rawDebug('@loaded ' + url); return next(url, context); }"));
const cache = createRequire(process.cwd() + '/').cache;
process.on('exit', () => { for (const f of Object.keys(cache)) process._rawDebug('@loaded ' + pathToFileURL(f).href); });
`)}`;

function loaded(args: string[]): { code: number | null; modules: string[]; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', hook, CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const modules = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('@loaded '))
    .map((l) => l.slice('@loaded '.length));
  return { code: r.status, modules, stderr: r.stderr };
}

const heavy = /node_modules\/(@temporalio|kafkajs|prom-client|pino|protobufjs|rxjs)\/|node_modules\/ajv\/dist\/(ajv|core|compile)/;

describe('start-up: what the everyday commands load', () => {
  for (const args of [
    ['--help'],
    ['validate', 'scenarios/invoice-office.yaml'],
    ['run', 'scenarios/invoice-office.yaml', '--horizon', '8d'],
    ['run', 'scenarios/invoice-office.yaml', '--horizon', '8d', '--json'],
  ]) {
    it(`autoshift ${args.join(' ')}`, () => {
      const r = loaded(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.modules.length, 'the hook saw no module: it did not run').toBeGreaterThan(1);
      expect(r.modules.filter((m) => heavy.test(m))).toEqual([]);
    });
  }

  it('a run that writes no log nor --out loads no log writer and no CSV writer', () => {
    const r = loaded(['run', 'scenarios/invoice-office.yaml', '--horizon', '8d']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.modules.filter((m) => /\/(event-log-writer|decision-log-writer|xes-writer|timeseries-csv)\.js$/.test(m))).toEqual([]);
  });

  it('validate and run load the bundled CLI: a handful of files, yaml and the build-time validator inside them', () => {
    for (const args of [
      ['validate', 'scenarios/invoice-office.yaml'],
      ['run', 'scenarios/invoice-office.yaml', '--horizon', '8d'],
    ]) {
      const r = loaded(args);
      expect(r.code, r.stderr).toBe(0);
      const ours = r.modules
        .filter((m) => m.includes('/dist/') && !m.includes('/node_modules/'))
        .map((m) => m.slice(m.lastIndexOf('/dist/') + '/dist/'.length));
      // npm run build bundles the command (cli/write-cli-bundle.ts): its entry, the command's chunk, the core chunk's
      // facade and its loader (the core itself, autoshift-core.cjs, is read by the loader: no module), and the two
      // modules kept outside it (one instance shared with the live runtime and policy modules)
      expect(ours.sort()).toEqual([
        'allocation/policy.js',
        'cli/autoshift-core.js',
        `cli/autoshift-${args[0]}-command.js`,
        'cli/code-cache.js',
        'cli/main.js',
        'model/errors.js',
      ]);
      // yaml and the generated validator are inside the core chunk; Ajv's compiler is not loaded, its runtime helper is
      expect(r.modules.filter((m) => m.includes('node_modules/yaml/'))).toEqual([]);
      expect(r.modules.some((m) => m.includes('node_modules/ajv/dist/runtime/'))).toBe(true);
    }
  });
});
