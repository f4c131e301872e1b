/** `autoshift optimise` as a user runs it: the built CLI on the M/M/4 fixture, short horizon. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift } from '../helpers/cli.js';
import { sojournWithin } from '../../allocation/erlang-c.js';

const SHORT = ['--set', 'horizon=30d', '--set', 'warmup=2d'];

describe('autoshift optimise', () => {
  it('--json: the cheapest c meeting the target (Erlang C: 5), its intervals, rejected designs and the simulations spent', () => {
    const r = autoshift([
      'optimise',
      'test/fixtures/mmc.yaml',
      '--vary',
      'pools.agents.size=1..12',
      '--target',
      'processes.job.slaAttainment>=90%',
      '--json',
      '--threads',
      '2',
      ...SHORT,
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(sojournWithin(5, 10 / 3, 1200, 3600)).toBeGreaterThan(0.9);
    expect(sojournWithin(4, 10 / 3, 1200, 3600)).toBeLessThan(0.9);
    expect(doc).toMatchObject({
      scenario: 'M/M/4 check',
      seed: 7,
      objective: { metric: 'totalCost', sense: 'minimise' },
      confidence: 0.95,
      gridCells: 12,
      budgetExhausted: false,
    });
    expect(doc.chosen.values).toEqual({ 'pools.agents.size': 5 });
    expect(doc.chosen.targets[0]).toMatchObject({ target: 'processes.job.slaAttainment>=90%', verdict: 'met' });
    expect(doc.chosen.targets[0].bound).toBeGreaterThanOrEqual(0.9);
    const four = doc.runnersUp.find((d: any) => d.values['pools.agents.size'] === 4);
    expect(four.reason).toMatch(/^fails processes\.job\.slaAttainment>=90% \(0\.7\d+ ±[\d.]+, short by 0\.1\d*\)/);
    expect(doc.simulations).toBeGreaterThan(0);
    expect(doc.simulations).toBeLessThan(12 * 5);
  });

  it('prints the chosen design, the rejected ones and the simulations spent; --report writes them as HTML, as `report` does from --json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'autoshift-optimise-report-'));
    const html = join(dir, 'optimise.html');
    const r = autoshift([
      'optimise',
      'test/fixtures/mmc.yaml',
      '--vary',
      'pools.agents.size=1..12',
      '--target',
      'processes.job.slaAttainment>=0.9',
      ...SHORT,
      '--report',
      html,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Chosen: pools.agents.size=5');
    expect(r.stdout).toMatch(/pools\.agents\.size=4 .* fails processes\.job\.slaAttainment>=0\.9/);
    expect(r.stdout).toMatch(/Simulations spent: \d+ over \d+ designs; the full grid has 12 cells/);
    expect(r.stderr).toContain(`report written to ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h2>Chosen design: pools.agents.size=5</h2>');
    // the Pareto front chart, with the chosen design and the rejected c = 4 in it
    expect(page).toMatch(/<svg role="img"[^>]*><title id="chart-1-title">totalCost against processes\.job\.slaAttainment: the Pareto front<\/title>/);
    expect(page).toMatch(/Pareto front[^<]*pools\.agents\.size=4 \(80,640, 7\d\.\d%\); pools\.agents\.size=5/);
    // the rejected design with the target it failed and by how much
    expect(page).toMatch(
      /<th scope="row">pools\.agents\.size=4<\/th><td>80,640<\/td><td>5<\/td><td>failed<\/td><td><code>processes\.job\.slaAttainment&gt;=0\.9<\/code><\/td><td>fails processes\.job\.slaAttainment&gt;=0\.9 \(0\.7\d+ ±[\d.]+, short by 0\.1\d*\)/,
    );
    expect(page).not.toMatch(/<script|\bsrc=|href="http/);
    // the same bytes from the saved JSON through `autoshift report`
    const j = autoshift([
      'optimise',
      'test/fixtures/mmc.yaml',
      '--vary',
      'pools.agents.size=1..12',
      '--target',
      'processes.job.slaAttainment>=0.9',
      ...SHORT,
      '--json',
    ]);
    writeFileSync(join(dir, 'optimise.json'), j.stdout);
    const rep = autoshift(['report', join(dir, 'optimise.json'), '-o', join(dir, 'again.html')]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toBe(page);
  });

  it('bad input: exit code 2 naming the flag and what is expected', () => {
    let r = autoshift(['optimise', 'test/fixtures/mmc.yaml', '--vary', 'pools.agents.size=1..12', '--target', 'processes.nope.slaAttainment>=0.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target processes\.nope\.slaAttainment>=0\.9: unknown metric .* no process 'nope' \(expected one of: job\)/);
    r = autoshift(['optimise', 'test/fixtures/mmc.yaml', '--target', 'processes.job.slaAttainment>=0.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected at least one --vary/);
    r = autoshift(['optimise', 'test/fixtures/mmc.yaml', '--vary', 'pools.agents.size=5..2', '--target', 'processes.job.slaAttainment>=0.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--vary pools\.agents\.size=5\.\.2.*expected a\.\.b with a <= b/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    r = autoshift([
      'optimise',
      'test/fixtures/mmc.yaml',
      '--vary',
      'pools.agents.size=1..12',
      '--target',
      'processes.job.slaAttainment>=0.9',
      '--report',
      'no-such-folder/o.html',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--report: the folder no-such-folder of no-such-folder\/o\.html does not exist/);
  });
});
