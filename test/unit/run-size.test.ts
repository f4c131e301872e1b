/**
 * The size of a run, estimated before it starts (issue 8, item 11), checked
 * against queueing theory: arrivals of a Poisson stream (λT), visits of a
 * rework loop (geometric: 1/(1−p)), the fluid backlog of an overloaded queue
 * ((λ − cμ)T); and the CLI refuses what cannot fit, unless --force.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { estimateRunSize, expectedVisits } from '../../simulator/run-size.js';
import { autoshift, CLI, ROOT } from '../helpers/cli.js';

const scenario = (rate: string, servers: number, loop: number) =>
  compileScenario(
    parseScenarioText(
      `name: size
horizon: 100d
sampleEvery: 1h
pools:
  staff: { kind: human, size: ${servers}, skills: [work] }
processes:
  job:
    sla: 1h
    start: work
    steps:
      work:
        skill: work
        duration: { dist: exponential, mean: 10m }
        next:
          branch:
            - { to: work, p: ${loop} }
            - { to: end, p: ${1 - loop} }
demand:
  job: { rate: ${rate} }
`,
      'size.yaml',
    ),
  );

describe('estimateRunSize', () => {
  it('arrivals λT, tasks λT/(1−p) for a rework loop taken with probability p', () => {
    const s = scenario('6/h', 4, 0.25);
    expect(expectedVisits(s, 0)[0]).toBeCloseTo(1 / (1 - 0.25), 6);
    const size = estimateRunSize(s, { replications: 1, threads: 1, eventLog: true });
    expect(size.cases).toBeCloseTo(6 * 24 * 100, 6);
    expect(size.tasks).toBeCloseTo((6 * 24 * 100) / 0.75, 3);
    expect(size.samples).toBe(100 * 24 + 1);
    expect(size.backlogAtEnd).toBe(0); // load 6/h × 10m / 0.75 = 1.33 of 4 servers
  });

  it("cases: N: N arrivals after the warm-up (and the warm-up's λ·warmup), whatever the horizon", () => {
    const s = { ...scenario('6/h', 4, 0), warmup: 86_400, drain: true, cases: 50_000 };
    const size = estimateRunSize(s, { replications: 1, threads: 1, eventLog: false });
    expect(size.cases).toBeCloseTo(50_000 + 6 * 24, 3);
    expect(size.samples).toBe(Math.floor(50_000 / 6) + 1);
  });

  it('an overloaded queue: the backlog at the horizon is the fluid (λ − cμ)T', () => {
    const size = estimateRunSize(scenario('60/h', 4, 0), { replications: 1, threads: 1, eventLog: false });
    // λ = 60/h, cμ = 4 × 6/h = 24/h: 36 tasks/h pile up for 2,400 h
    expect(size.backlogAtEnd).toBeCloseTo(36 * 2400, 0);
  });

  it('memory grows with the units and with the samples kept of every replication', () => {
    const base = estimateRunSize(scenario('6/h', 4, 0), { replications: 1, threads: 1, eventLog: false });
    const huge = estimateRunSize(scenario('6/h', 1e12, 0), { replications: 1, threads: 1, eventLog: false });
    expect(huge.memoryBytes).toBeGreaterThan(1e13);
    const eight = estimateRunSize(scenario('6/h', 4, 0), { replications: 8, threads: 1, eventLog: false });
    expect(eight.memoryBytes - base.memoryBytes).toBeCloseTo(7 * base.samples * base.seriesPerSample * 12, 0);
  });
});

describe('the CLI refuses a run that cannot fit, and --force lets it through', () => {
  it.each([
    [['--set', 'pools.clerks.size=1e12'], /fewer units \(size\)/],
    [['--set', 'sampleEvery=1ms'], /a longer sampleEvery/],
    [['--set', 'demand.invoice.rate=1000000000/h', '--set', 'horizon=1000000d'], /demand exceeds capacity/],
  ])('%j', (flags, hint) => {
    const r = autoshift(['run', 'scenarios/invoice-office.yaml', ...(flags as string[])], { timeout: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^autoshift run: this run would need about [\d.]+ [GM]B of memory and this process may use [\d.]+ [GM]B/);
    expect(r.stderr).toMatch(hint as RegExp);
    expect(r.stderr).toMatch(/or --force to run it anyway/);
  });

  it.each([
    ['compare', ['--policies', 'static,bot-first', '--set', 'pools.clerks.size=1e12']],
    ['sweep', ['--set', 'pools.clerks.size=1e12', '--set', 'pools.seniors.size=1..2']],
    ['optimise', ['--set', 'sampleEvery=1ms', '--vary', 'pools.clerks.size=1..3', '--target', 'processes.invoice.slaAttainment>=0.9']],
    ['optimise', ['--vary', 'pools.clerks.size=1,1000000000000', '--target', 'processes.invoice.slaAttainment>=0.9']],
    ['live', ['--set', 'pools.clerks.size=1e12', '--speed', '60']],
  ])('%s refuses it too, before anything runs (one shared check)', (command, flags) => {
    const r = autoshift([command as string, 'scenarios/invoice-office.yaml', ...(flags as string[])], { timeout: 60_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^autoshift ${command as string}: this run would need about [\\d.]+ [GM]B of memory`));
    expect(r.stderr).toMatch(/or --force to run it anyway/);
  });

  it('with a small heap: refused without --force, run with it', () => {
    const args = [
      '--max-old-space-size=48',
      CLI,
      'run',
      'scenarios/invoice-office.yaml',
      '--set',
      'sampleEvery=5m',
      '--replications',
      '8',
      '--threads',
      '2',
      '--json',
    ];
    const refused = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/this run would need about/);
    const forced = spawnSync(process.execPath, [...args, '--force'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    expect(forced.status, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).replications).toBe(8);
  });
});
