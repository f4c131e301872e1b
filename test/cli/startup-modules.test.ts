/**
 * What the everyday commands load before they answer (issue 16: start-up).
 * `--help`, `validate` and `run` must not load the live runtime's clients
 * (Temporal SDK, kafkajs), prom-client or pino, nor Ajv's schema compiler
 * (the scenario validator is compiled at build time: only Ajv's small runtime
 * helpers may load). Checked by the modules Node loads, not by a clock.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from '../helpers/cli.js';

// A module hook (module.register, Node ≥ 20.6) that prints every module URL Node loads through import.
const hook = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent("export async function load(url, context, next) { process._rawDebug('@loaded ' + url); return next(url, context); }"));
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

  it('the hook sees packages from node_modules and the build-time validator; YAML is the one-file bundle', () => {
    const r = loaded(['validate', 'scenarios/invoice-office.yaml']);
    // the build's bundle of the yaml package (cli/write-yaml-bundle.ts), not its 72 CommonJS files
    expect(r.modules.some((m) => m.endsWith('/dist/vendor/yaml.js'))).toBe(true);
    expect(r.modules.filter((m) => m.includes('node_modules/yaml/'))).toEqual([]);
    expect(r.modules.some((m) => m.includes('/dist/model/scenario-validator.generated.js'))).toBe(true);
    expect(r.modules.some((m) => m.includes('node_modules/ajv/dist/runtime/'))).toBe(true);
  });
});
