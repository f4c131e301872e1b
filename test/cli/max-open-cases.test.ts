/**
 * `--max-open-cases N` (back-pressure at intake) is one flag of `autoshift
 * live` and of the standalone `autoshift intake` service: a bad value exits 2
 * naming the flag, before any server is contacted; the other services refuse
 * it; both --help texts describe it. (That the cap holds on the real servers:
 * test/integration/intake-cap.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { autoshift } from '../helpers/cli.js';

const scenario = 'test/fixtures/live-small.yaml';

describe('--max-open-cases', () => {
  it.each([
    ['intake', '0'],
    ['intake', '-3'],
    ['intake', '2.5'],
    ['intake', 'many'],
    ['live', '0'],
    ['live', 'many'],
  ])('autoshift %s --max-open-cases %s exits 2 naming the flag', (command, value) => {
    const args =
      command === 'live'
        ? ['live', scenario, '--speed', '10', '--max-open-cases', value]
        : ['intake', scenario, '--run-id', 'flagcheck', '--max-open-cases', value];
    const r = autoshift(args, { timeout: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`autoshift ${command}: --max-open-cases: expected an integer >= 1, got ${JSON.stringify(value)}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['worker', 'allocator', 'producer'])("autoshift %s refuses it (the cap is intake's)", (service) => {
    const r = autoshift([service, scenario, '--run-id', 'flagcheck', '--max-open-cases', '4'], { timeout: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/unknown option --max-open-cases/);
  });

  it.each(['intake', 'live'])('autoshift %s --help describes it', (command) => {
    const r = autoshift([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--max-open-cases N\s+back-pressure: at most N cases/);
  });
});
