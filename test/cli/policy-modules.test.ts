/**
 * User policy modules are blamed by name (issue 8, item 8): a module that
 * throws, returns null, is async or answers in the wrong shape stops the run
 * with exit code 2, its file and the epoch's simulated time, never an
 * "internal error"; `autoshift policy check` finds the same before a run; the
 * policy types ship as declaration files.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift, ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'autoshift-policies-'));
const write = (name: string, body: string) => {
  const f = join(dir, name);
  writeFileSync(f, body);
  return f;
};
const flat = 'assign: s.pools.map(() => s.queues.map(() => 0)), reason: "ok"';
const short = ['--set', 'horizon=5d', '--set', 'warmup=0d'];

const modules: Record<string, { body: string; expect: RegExp }> = {
  'throws a plain Error after a day': {
    body: `export default () => ({ name: 'x', dispatch: 'fifo', decide(s) { if (s.time > 86400) throw new Error('boom'); return { ${flat} }; } });`,
    expect: /decide\(\) at 1d \(90000 s simulated, epoch \d+, trigger 'periodic'\) threw: boom/,
  },
  'returns null': {
    body: `export default () => ({ name: 'x', dispatch: 'fifo', decide() { return null; } });`,
    expect: /decide\(\) at 0s .*returned null/,
  },
  'is async': {
    body: `export default () => ({ name: 'x', dispatch: 'fifo', async decide(s) { return { ${flat} }; } });`,
    expect: /returned a Promise \(decide must be synchronous/,
  },
  "answers assign: 'lots'": {
    body: `export default () => ({ name: 'x', dispatch: 'fifo', decide() { return { assign: 'lots', reason: '' }; } });`,
    expect: /returned assign: "lots" \(expected a list with one row per pool/,
  },
  'answers a unit count that is not a number': {
    body: `export default () => ({ name: 'x', dispatch: 'fifo', decide(s) { return { assign: s.pools.map(() => s.queues.map(() => 'two')), reason: '' }; } });`,
    expect: /returned assign\[0\]\[0\] \(pool \w[\w-]*, queue [\w-]+\): "two" \(expected a whole number of units >= 0\)/,
  },
  'names an unknown dispatch': {
    body: `export default () => ({ name: 'x', dispatch: 'lifo', decide(s) { return { ${flat} }; } });`,
    expect: /the factory returned a policy whose dispatch is "lifo" \(expected one of: fifo, edf, priority\)/,
  },
  'has a factory that throws': {
    body: `export default () => { throw new TypeError('params.x is undefined'); };`,
    expect: /the factory threw: TypeError: params.x is undefined/,
  },
  'has an async factory': {
    body: `export default async () => ({ name: 'x', dispatch: 'fifo', decide(s) { return { ${flat} }; } });`,
    expect: /the factory returned a Promise/,
  },
};

describe('a faulty policy module is blamed by name, exit code 2', () => {
  for (const [what, m] of Object.entries(modules)) {
    it(`a module that ${what}`, () => {
      const file = write(`${what.replace(/\W+/g, '-')}.js`, m.body);
      const r = autoshift(['run', 'scenarios/invoice-office.yaml', '--policy', `module:${file}`, ...short, '--replications', '2', '--threads', '2']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`policy module ${file}`);
      expect(r.stderr).toMatch(m.expect);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    });
  }
});

describe('a module path given on the command line is relative to the current directory', () => {
  it('--policy module:PATH finds scenarios/policies/longest-queue-first.js from the repository root, not from the scenario', () => {
    const r = autoshift(['run', 'scenarios/invoice-office.yaml', '--policy', 'module:scenarios/policies/longest-queue-first.js', ...short, '--json']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('--set policy.module=PATH (and --set policy={module: PATH}) likewise, in run and sweep', () => {
    const module = 'scenarios/policies/longest-queue-first.js';
    // a scenario elsewhere, with a module of its own next to it
    const own = write(
      'own-module.yaml',
      readFileSync(join(ROOT, 'scenarios', 'invoice-office.yaml'), 'utf8').replace(/^policy: static.*$/m, 'policy: { module: ./mine.js }'),
    );
    for (const args of [
      ['run', own, '--set', `policy.module=${module}`, ...short, '--json'],
      ['run', 'scenarios/invoice-office.yaml', '--set', `policy={module: ${module}}`, ...short, '--json'],
      ['sweep', own, '--set', `policy.module=${module}`, '--set', 'pools.clerks.size=3..4', '--replications', '2', ...short, '--json'],
    ]) {
      const r = autoshift(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const r = autoshift(['run', own, '--set', `policy.module=${module}`, ...short, '--json']);
    expect(JSON.parse(r.stdout).policy).toBe('longest-queue-first');
    // a path that exists only next to the scenario is not found from here
    const missing = autoshift(['run', 'scenarios/invoice-office.yaml', '--set', 'policy={module: policies/longest-queue-first.js}', ...short]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`policy module policies/longest-queue-first.js: cannot load it (no such module)`);
  });

  it('--set policy.module=PATH where the scenario names a policy (policy: static) is a clean error naming the flag', () => {
    const r = autoshift(['run', 'scenarios/invoice-office.yaml', '--set', 'policy.module=p.js', ...short]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--set policy.module=p.js: .*'policy' is "static" in the scenario .*, not a mapping: set the whole field instead, e.g. --set 'policy=\{module: \.\.\.\}'/,
    );
  });
});

describe('autoshift policy check', () => {
  it('passes the bundled example module', () => {
    const r = autoshift(['policy', 'check', 'scenarios/policies/longest-queue-first.js', '--horizon', '7d', '--snapshots', '100']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/policy 'longest-queue-first'/);
    expect(r.stdout).toMatch(/decision time: median .* p99 .* max/);
    expect(r.stdout).toMatch(/ok: no problem found/);
  });

  it('finds a policy that reads Math.random (not deterministic), exit 2', () => {
    const file = write(
      'random.js',
      `export default () => ({ name: 'coin', dispatch: 'fifo', decide(s) { return { assign: s.pools.map((p) => s.queues.map((q) => p.skills.includes(q.index) && Math.random() < 0.5 ? 1 : 0)), reason: '' }; } });`,
    );
    const r = autoshift(['policy', 'check', file, '--horizon', '3d']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/problem: not deterministic: two runs with the same seed decided differently/);
  });

  it('lists the constraints a policy relied on being repaired', () => {
    const file = write(
      'greedy.js',
      `export default () => ({ name: 'greedy', dispatch: 'edf', decide(s) { return { assign: s.pools.map((p) => s.queues.map(() => p.size + 0.5)), reason: '' }; } });`,
    );
    const r = autoshift(['policy', 'check', file, '--horizon', '3d', '--snapshots', '50']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/warning: relied on the runtimes to repair fractions of a unit/);
    expect(r.stdout).toMatch(/warning: relied on the runtimes to repair units on a skill the pool does not have/);
    expect(r.stdout).toMatch(/warning: relied on the runtimes to repair more units than the pool has/);
  });

  it('finds a shape error on a random snapshot that the run never produced', () => {
    const file = write(
      'fragile.js',
      `export default () => ({ name: 'fragile', dispatch: 'fifo', decide(s) { if (s.queues.some((q) => q.waiting > 500)) return { assign: null }; return { assign: s.pools.map(() => []), reason: '' }; } });`,
    );
    const r = autoshift(['policy', 'check', file, 'test/fixtures/mmc.yaml', '--horizon', '2d']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/problem: on a random snapshot: policy module .*fragile.js: decide\(\) at .* returned assign: null/);
  });
});

describe('the policy types ship as declaration files', () => {
  beforeAll(() => {
    expect(existsSync(join(ROOT, 'dist', 'allocation', 'index.d.ts'))).toBe(true);
  });
  const tsc = (args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const flags = ['--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck'];

  it("a module written against import type { PolicyFactory } from 'autoshift' type-checks", () => {
    const r = tsc([...flags, 'test/fixtures/typed-policy/policy.ts']);
    expect(r.status, r.stdout).toBe(0);
  });

  it('and the declarations reject an unknown dispatch and an assign of the wrong type', () => {
    const r = tsc([...flags, 'test/fixtures/typed-policy/bad-policy.ts']);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/'"lifo"' is not assignable to type 'Dispatch'/);
    expect(r.stdout).toMatch(/Type 'string' is not assignable to type 'number\[\]\[\]'/);
  });
});
