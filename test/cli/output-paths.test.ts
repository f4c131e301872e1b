/**
 * Outputs are checked before the simulation (issue 8, item 9): a path that
 * cannot be written is exit code 2 with the flag, the path and the reason,
 * before anything runs; missing directories are made; Ctrl-C (SIGINT) and
 * SIGTERM remove the part files of the event log and say what was finished.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift, CLI, ROOT } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'autoshift-out-'));
const scenario = 'scenarios/invoice-office.yaml';
// long enough that a run into a bad path would take minutes before it reached the write
const long = ['--set', 'horizon=2000d', '--set', 'warmup=0d'];

describe('output paths are checked before the simulation', () => {
  const dir = tmp();
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  it.each([
    [['--out', join(file, 'out')], /--out .*a-file\/out: cannot write there: a part of the path is a file, not a directory/],
    [['--event-log', join(file, 'log.csv')], /--event-log .*a-file\/log\.csv: cannot write there: a part of the path is a file, not a directory/],
    [['--event-log', dir], /--event-log .*: cannot write there: it is a directory/],
    [['--decision-log', '/sys/autoshift-decisions.jsonl'], /--decision-log \/sys\/autoshift-decisions\.jsonl: cannot write there: permission denied|read-only/],
    [['--out', '/sys/autoshift-out'], /--out \/sys\/autoshift-out: cannot write there: permission denied|read-only/],
  ])('%j', (flags, expected) => {
    const r = autoshift(['run', scenario, ...long, ...(flags as string[])], { timeout: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(expected as RegExp);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('makes missing directories of --out and --event-log', () => {
    const base = join(tmp(), 'deep', 'er');
    const r = autoshift([
      'run',
      scenario,
      '--set',
      'horizon=3d',
      '--set',
      'warmup=0d',
      '--out',
      join(base, 'out'),
      '--event-log',
      join(base, 'logs', 'log.csv'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(base, 'out', 'summary.json'))).toBe(true);
    expect(existsSync(join(base, 'logs', 'log.csv'))).toBe(true);
  });
});

describe('an interrupted run removes its part files', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: exit ${signal === 'SIGINT' ? 130 : 143}, no .part file left, says what was finished`, async () => {
      const dir = tmp();
      const log = join(dir, 'log.csv');
      const child = spawn(
        process.execPath,
        [CLI, 'run', scenario, ...long, '--replications', '2', '--threads', '2', '--event-log', log, '--decision-log', join(dir, 'd.jsonl')],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += String(d);
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // wait until the replications write their part files (no clock in the assertion: polling for a file)
      for (let i = 0; i < 600 && !readdirSync(dir).some((f) => f.includes('.part')); i++) await new Promise((r) => setTimeout(r, 100));
      expect(readdirSync(dir).filter((f) => f.includes('.part')).length).toBeGreaterThan(0);
      child.kill(signal);
      const code = await exited;
      expect(code, stderr).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(readdirSync(dir)).toEqual([]);
      expect(stderr).toMatch(new RegExp(`interrupted \\(${signal}\\): \\d+% of 2 replications simulated, no result written; partial files removed`));
    });
  }
});
