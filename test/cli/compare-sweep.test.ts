/**
 * `autoshift compare` and `autoshift sweep`, run as a user runs them: the built
 * CLI (`npx tsc -p .` first) on the M/M/4 fixture, short horizon, few replications.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHORT = ['--set', 'horizon=20d', '--set', 'warmup=2d'];

/** Runs the CLI; returns its exit code, stdout and stderr (execFileSync throws on a non-zero exit). */
function autoshift(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ['dist/cli/main.js', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number | null; stdout: string; stderr: string };
    return { code: e.status ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('autoshift compare', () => {
  it('--json: one document; static against itself differs by exactly 0 ± 0', () => {
    const r = autoshift(['compare', 'test/fixtures/mmc.yaml', '--policies', 'static,static', '--replications', '3', '--threads', '2', '--json', ...SHORT]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout); // throws unless stdout is exactly one JSON document
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['scenario', 'seed', 'replications', 'policies', 'differences', 'ranking']));
    expect(doc).toMatchObject({ scenario: 'M/M/4 check', seed: 7, replications: 3, baseline: 'static' });
    expect(Object.keys(doc.policies)).toEqual(['static', 'static#2']);
    for (const p of Object.values(doc.policies) as any[]) {
      expect(p).toMatchObject({ policy: 'static', replications: 3, seed: 7 });
      expect(p.totals.slaAttainment.mean).toBeGreaterThan(0.5);
      expect(p.processes.job.completed.mean).toBeGreaterThan(0);
    }
    expect(Object.keys(doc.differences)).toEqual(['static#2']);
    const diffs = doc.differences['static#2'];
    for (const metric of ['slaAttainment', 'cycleMeanSeconds', 'costPerCase', 'worstBacklog', 'utilization']) {
      expect(diffs[metric]).toMatchObject({ mean: 0, ci95: 0 });
    }
    expect(diffs.slaAttainment.unpairedCi95).toBeGreaterThan(0);
    expect(doc.ranking.map((e: any) => [e.rank, e.name, e.tied, e.tiedWith])).toEqual([
      [1, 'static', false, ['static#2']],
      [1, 'static#2', true, ['static']],
    ]);
  });

  it('prints the KPI table, the paired differences and the ranking', () => {
    const r = autoshift(['compare', 'test/fixtures/mmc.yaml', '--policies', 'static,static', '--replications', '2', ...SHORT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^policy\s+SLA met\s+cycle\s+cost\/case\s+worst backlog\s+utilisation/m);
    expect(r.stdout).toContain('Paired differences against static');
    expect(r.stdout).toMatch(/tied with static#2/);
  });

  it('--metric adds a figure path to the differences and ranks by it first', () => {
    const r = autoshift([
      'compare',
      'test/fixtures/mmc.yaml',
      '--policies',
      'static,reactive',
      '--replications',
      '2',
      '--metric',
      'processes.job.cycleP95Seconds',
      '--json',
      ...SHORT,
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.rankedBy).toEqual(['processes.job.cycleP95Seconds', 'costPerCase']);
    expect(Object.keys(doc.differences.reactive)).toContain('processes.job.cycleP95Seconds');
    expect(doc.ranking.map((e: any) => e.name).sort()).toEqual(['reactive', 'static']);
    const bad = autoshift(['compare', 'test/fixtures/mmc.yaml', '--policies', 'static,reactive', '--metric', 'speed']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--metric: unknown metric 'speed'");
  });

  it('a bad --set exits 2 and names the field', () => {
    const r = autoshift(['compare', 'test/fixtures/mmc.yaml', '--policies', 'static,static', '--set', 'pools.agents.size=-1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('pools.agents.size');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('an unknown policy exits 2 before anything runs', () => {
    const r = autoshift(['compare', 'test/fixtures/mmc.yaml', '--policies', 'static,no-such-policy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown policy 'no-such-policy'");
  });
});

describe('autoshift sweep', () => {
  it('--json over pools.agents.size=4..6: one document, cells in order, SLA attainment non-decreasing in size', () => {
    const r = autoshift(['sweep', 'test/fixtures/mmc.yaml', '--set', 'pools.agents.size=4..6', '--replications', '3', '--json', ...SHORT]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ scenario: 'M/M/4 check', replications: 3, axes: [{ path: 'pools.agents.size', values: [4, 5, 6] }] });
    expect(doc.cells.map((c: any) => c.values)).toEqual([4, 5, 6].map((n) => ({ 'pools.agents.size': n })));
    const sla = doc.cells.map((c: any) => c.result.kpis.slaAttainment.mean);
    for (let i = 1; i < sla.length; i++) expect(sla[i]).toBeGreaterThanOrEqual(sla[i - 1]);
    const cost = doc.cells.map((c: any) => c.result.kpis.totalCost.mean);
    expect(cost[0]).toBeLessThan(cost[1]);
    expect(doc.cells[0].result.pools.agents.utilization.mean).toBeGreaterThan(doc.cells[2].result.pools.agents.utilization.mean);
  });

  it('marks the cheapest cell that meets the target', () => {
    const r = autoshift(['sweep', 'test/fixtures/mmc.yaml', '--set', 'pools.agents.size=4..6', '--replications', '2', '--target-sla', '0.9', ...SHORT]);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\s+[456]\s/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows.filter((l) => l.includes('cheapest'))).toEqual([expect.stringMatching(/^\s+5\s.*yes ◀ cheapest$/)]);
    expect(rows[2]).toMatch(/\syes$/);
    expect(r.stdout).toContain('Cheapest cell meeting SLA attainment ≥ 90.0%: pools.agents.size=5');
  });

  it('a bad range exits 2 with the expected form', () => {
    const r = autoshift(['sweep', 'test/fixtures/mmc.yaml', '--set', 'pools.agents.size=5..2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set pools.agents.size=5..2: expected a..b with a <= b');
  });

  it('a cell that does not validate exits 2, naming the --set and the field', () => {
    const r = autoshift(['sweep', 'test/fixtures/mmc.yaml', '--set', 'pools.agents.size=-1..1', ...SHORT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set pools.agents.size=-1');
    expect(r.stderr).toContain('pools.agents.size: expected');
    const unknown = autoshift(['sweep', 'test/fixtures/mmc.yaml', '--set', 'pools.agents.speed=1..2', ...SHORT]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown key 'speed'");
  });
});
