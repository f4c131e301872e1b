/**
 * Provenance (issue 8, item 7): the result records the overrides and the
 * policy's own name (a module's `name`, not its path); the header shows them;
 * "cost/case" is one figure in run, compare and sweep (rostered cost per
 * completed case), and the per-process work cost has its own name.
 */
import { describe, it, expect } from 'vitest';
import { autoshift } from '../helpers/cli.js';

const short = ['--set', 'horizon=20d', '--set', 'warmup=2d'];

describe('what a result says about how it was made', () => {
  it('run --json records the overrides (--set, --seed) and the policy module by its own name; the header shows both', () => {
    const args = ['run', 'scenarios/invoice-office.yaml', ...short, '--seed', '5', '--policy', 'module:scenarios/policies/longest-queue-first.js'];
    const json = autoshift([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.policy).toBe('longest-queue-first');
    expect(doc.overrides).toEqual(['horizon=20d', 'warmup=2d', 'seed=5']);
    const text = autoshift(args);
    expect(text.stdout).toMatch(/— policy longest-queue-first, seed 5,/);
    expect(text.stdout).toMatch(/^overrides: horizon=20d, warmup=2d, seed=5$/m);
    expect(text.stdout).toMatch(/work cost\/case/);
  });

  it('cost/case is the same figure in run (totals), compare and sweep: rostered cost per completed case', () => {
    const run = JSON.parse(autoshift(['run', 'test/fixtures/mmc.yaml', ...short, '--replications', '2', '--json']).stdout);
    const compare = JSON.parse(
      autoshift(['compare', 'test/fixtures/mmc.yaml', ...short, '--policies', 'static,reactive', '--replications', '2', '--json']).stdout,
    );
    const sweep = JSON.parse(
      autoshift(['sweep', 'test/fixtures/mmc.yaml', ...short, '--set', 'pools.agents.size=4,5', '--replications', '2', '--json']).stdout,
    );
    const rostered = run.totals.costPerCase.mean;
    expect(rostered).toBeCloseTo(run.totals.cost.mean / run.totals.completed.mean, 1);
    expect(compare.policies.static.totals.costPerCase.mean).toBe(rostered);
    expect(sweep.cells[0].result.kpis.costPerCase.mean).toBe(rostered);
    // the per-process figure is the work cost, a different number with a different name
    expect(run.processes.job.costPerCase.mean).toBeLessThan(rostered);
  });
});
