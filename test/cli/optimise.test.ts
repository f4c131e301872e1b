/** `autoshift optimise` as a user runs it: the built CLI on the M/M/4 fixture, short horizon. */
import { describe, it, expect } from 'vitest';
import { autoshift } from '../helpers/cli.js';
import { sojournWithin } from '../../allocation/erlang-c.js';

const SHORT = ['--set', 'horizon=30d', '--set', 'warmup=2d'];

describe('autoshift optimise', () => {
  it('--json: the cheapest c meeting the target (Erlang C: 5), its intervals, rejected designs and the simulations spent', () => {
    const r = autoshift(['optimise', 'test/fixtures/mmc.yaml', '--vary', 'pools.agents.size=1..12', '--target', 'processes.job.slaAttainment>=90%', '--json', '--threads', '2', ...SHORT]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(sojournWithin(5, 10 / 3, 1200, 3600)).toBeGreaterThan(0.9);
    expect(sojournWithin(4, 10 / 3, 1200, 3600)).toBeLessThan(0.9);
    expect(doc).toMatchObject({ scenario: 'M/M/4 check', seed: 7, objective: { metric: 'totalCost', sense: 'minimise' }, confidence: 0.95, gridCells: 12, budgetExhausted: false });
    expect(doc.chosen.values).toEqual({ 'pools.agents.size': 5 });
    expect(doc.chosen.targets[0]).toMatchObject({ target: 'processes.job.slaAttainment>=90%', verdict: 'met' });
    expect(doc.chosen.targets[0].bound).toBeGreaterThanOrEqual(0.9);
    const four = doc.runnersUp.find((d: any) => d.values['pools.agents.size'] === 4);
    expect(four.reason).toMatch(/^fails processes\.job\.slaAttainment>=90% \(0\.7\d+ ±[\d.]+, short by 0\.1\d*\)/);
    expect(doc.simulations).toBeGreaterThan(0);
    expect(doc.simulations).toBeLessThan(12 * 5);
  });

  it('prints the chosen design, the rejected ones and the simulations spent', () => {
    const r = autoshift(['optimise', 'test/fixtures/mmc.yaml', '--vary', 'pools.agents.size=1..12', '--target', 'processes.job.slaAttainment>=0.9', ...SHORT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Chosen: pools.agents.size=5');
    expect(r.stdout).toMatch(/pools\.agents\.size=4 .* fails processes\.job\.slaAttainment>=0\.9/);
    expect(r.stdout).toMatch(/Simulations spent: \d+ over \d+ designs; the full grid has 12 cells/);
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
  });
});
