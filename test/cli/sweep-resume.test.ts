/**
 * A sweep keeps its cells as they finish and can resume (issue 8, item 9):
 * Ctrl-C keeps the cells done in DIR/cells.jsonl and says so; --resume runs
 * only the others, and the result is byte-identical to an uninterrupted sweep.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift, CLI, ROOT } from '../helpers/cli.js';

const grid = [
  'test/fixtures/mmc.yaml',
  '--set',
  'pools.agents.size=4..15',
  '--set',
  'horizon=150d',
  '--set',
  'warmup=5d',
  '--replications',
  '2',
  '--threads',
  '2',
];
const cellsOf = (dir: string) => (existsSync(join(dir, 'cells.jsonl')) ? readFileSync(join(dir, 'cells.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0);

describe('autoshift sweep --out / --resume', () => {
  it('Ctrl-C keeps the cells done; --resume finishes with the same result as one uninterrupted sweep', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'autoshift-sweep-')), 'out');
    const child = spawn(process.execPath, [CLI, 'sweep', ...grid, '--out', dir, '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 1200 && cellsOf(dir) < 2; i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const code = await exited;
    const kept = cellsOf(dir);
    expect(code, stderr).toBe(130);
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(12);
    expect(stderr).toMatch(new RegExp(`interrupted \\(SIGINT\\): ${kept} of 12 cells done, kept in .*cells\\.jsonl \\(run again with --resume to finish\\)`));

    const resumed = autoshift(['sweep', ...grid, '--out', dir, '--resume', '--json'], { timeout: 300_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming: ${kept} of 12 cells done`));
    expect(cellsOf(dir)).toBe(12);
    const fresh = autoshift(['sweep', ...grid, '--json'], { timeout: 300_000 });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(resumed.stdout).toBe(fresh.stdout);
    expect(readFileSync(join(dir, 'sweep.json'), 'utf8')).toBe(fresh.stdout);
  }, 600_000);

  it('--resume without --out is a usage error; a changed scenario runs its cells again', () => {
    expect(autoshift(['sweep', ...grid, '--resume']).stderr).toMatch(/--resume needs --out DIR/);
    const dir = join(mkdtempSync(join(tmpdir(), 'autoshift-sweep-')), 'out');
    const small = [
      'test/fixtures/mmc.yaml',
      '--set',
      'pools.agents.size=4..5',
      '--set',
      'horizon=10d',
      '--set',
      'warmup=1d',
      '--replications',
      '2',
      '--out',
      dir,
    ];
    expect(autoshift(['sweep', ...small]).code).toBe(0);
    const again = autoshift(['sweep', ...small, '--set', 'seed=8', '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming: 0 of 2 cells done/);
  });
});
