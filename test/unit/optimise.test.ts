/**
 * The optimiser against answers nobody here computed by simulation: M/M/c
 * call centres whose smallest c with P(time in system <= T) >= target follows
 * from Erlang C (allocation/erlang-c.ts sojournWithin, itself checked by Monte
 * Carlo in erlang-c.test.ts), and a two-pool tandem line whose answer is the
 * cheapest cell of the full grid run on many replications.
 */
import { describe, it, expect } from 'vitest';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { applyOverride } from '../../model/overrides.js';
import { policyNames } from '../../allocation/registry.js';
import { sojournWithin } from '../../allocation/erlang-c.js';
import { ThreadPool } from '../../experiments/executors/thread-pool.js';
import { runArms } from '../../experiments/arms.js';
import { parseAxes, overridesOf } from '../../experiments/design-space.js';
import { parseObjective, parseTarget } from '../../experiments/targets.js';
import { staffingStart } from '../../experiments/staffing-start.js';
import { optimise, type OptimiseOptions } from '../../experiments/optimise.js';
import { metricByName } from '../../simulator/compare.js';

const compile = (text: string, overrides: string[] = []) => {
  const source = parseScenarioText(text, 'inline.yaml');
  for (const o of overrides) applyOverride(source, o);
  return compileScenario(source, { knownPolicies: policyNames() });
};

const mmc = (perHour: number, meanMinutes: number, slaMinutes: number, seed = 7) => `
name: mmc
seed: ${seed}
horizon: 40d
warmup: 2d
sampleEvery: 1d
pools:
  agents: { kind: human, size: 1, skills: [work], costPerHour: 30 }
processes:
  job:
    sla: ${slaMinutes}m
    start: serve
    steps:
      serve: { skill: work, duration: { dist: exponential, mean: ${meanMinutes}m } }
demand:
  job: { rate: ${perHour}/h }
`;

const executor = new ThreadPool({ threads: 1 }); // the main thread: the same figures as any thread count

async function optimiseText(text: string, vary: string[], targets: string[], start?: number[], extra: Partial<OptimiseOptions> = {}) {
  const base = compile(text);
  const axes = parseAxes(vary);
  const ts = targets.map((t) => parseTarget(t, base));
  return optimise({
    axes,
    targets: ts,
    objective: parseObjective('cost', 'minimise', base),
    start: start ?? staffingStart(base, axes, ts),
    executor,
    makeArm: (overrides) => ({ scenario: compile(text, overrides) }),
    ...extra,
  });
}

describe('optimise on M/M/c: the smallest c that Erlang C says meets P(cycle <= T) >= target', () => {
  const cases = [
    { perHour: 10, mean: 20, sla: 60, target: 0.9 }, // A = 3.33: c = 5 (0.929; c = 4 gives 0.781)
    { perHour: 30, mean: 10, sla: 30, target: 0.9 }, // A = 5: c = 7 (0.935; c = 6 gives 0.862)
    { perHour: 30, mean: 10, sla: 30, target: 0.8 }, // A = 5: c = 6 (0.862; c = 5 is unstable)
  ];
  for (const k of cases) {
    const a = (k.perHour / 60) * k.mean;
    let answer = Math.floor(a) + 1;
    while (sojournWithin(answer, a, k.mean * 60, k.sla * 60) < k.target) answer++;

    it(`λ=${k.perHour}/h, mean ${k.mean}m, T=${k.sla}m, target ${k.target}: c = ${answer}, from the Erlang C start and from the top corner`, async () => {
      // the case is clear-cut: theory puts c-1 and c well apart from the target
      expect(sojournWithin(answer, a, k.mean * 60, k.sla * 60) - k.target).toBeGreaterThan(0.02);
      expect(k.target - sojournWithin(answer - 1, a, k.mean * 60, k.sla * 60)).toBeGreaterThan(0.03);
      for (const start of [undefined, [11]]) {
        const r = await optimiseText(mmc(k.perHour, k.mean, k.sla), ['pools.agents.size=1..12'], [`processes.job.slaAttainment>=${k.target}`], start);
        expect(r.chosen?.values).toEqual({ 'pools.agents.size': answer });
        expect(r.chosen?.targets[0].verdict).toBe('met');
        expect(r.simulations).toBeLessThan(12 * 5 * 2);
      }
    });
  }

  it('never returns a design that fails a target: across seeds, the chosen c meets the target in theory', async () => {
    // a target between what c = 6 (0.9458) and c = 7 (0.9491) achieve: c = 6 must never be chosen, and c = 7 is hard to prove
    const target = 0.947;
    const a = 10 / 3;
    for (const seed of [1, 2, 3, 4]) {
      const r = await optimiseText(mmc(10, 20, 60, seed), ['pools.agents.size=1..12'], [`processes.job.slaAttainment>=${target}`], undefined, {
        maxReplications: 20,
      });
      if (r.chosen) {
        const c = r.chosen.values['pools.agents.size'] as number;
        expect(sojournWithin(c, a, 1200, 3600)).toBeGreaterThanOrEqual(target);
        expect(r.chosen.targets[0].bound).toBeGreaterThanOrEqual(target);
      }
      for (const d of r.runnersUp)
        if (d.status === 'met') expect(sojournWithin(d.values['pools.agents.size'] as number, a, 1200, 3600)).toBeGreaterThanOrEqual(target);
    }
  });

  it('the start is the Erlang C answer on an M/M/c', () => {
    const base = compile(mmc(30, 10, 30));
    const axes = parseAxes(['pools.agents.size=1..12']);
    expect(staffingStart(base, axes, [parseTarget('processes.job.slaAttainment>=0.9', base)])).toEqual([6]); // value 7
  });
});

const tandem = `
name: two-pool line
seed: 11
horizon: 20d
warmup: 2d
sampleEvery: 1d
pools:
  front: { kind: human, size: 1, skills: [front], costPerHour: 30 }
  back: { kind: human, size: 1, skills: [back], costPerHour: 55 }
processes:
  job:
    sla: 90m
    start: a
    steps:
      a: { skill: front, duration: { dist: exponential, mean: 15m }, next: b }
      b: { skill: back, duration: { dist: gamma, mean: 12m, sd: 6m } }
demand:
  job: { rate: 12/h }
`;

describe('optimise on a two-pool line, checked against the full grid', () => {
  it('finds the cheapest grid cell that meets the target, running a fraction of the grid', async () => {
    const vary = ['pools.front.size=1..8', 'pools.back.size=1..8'];
    const target = 'processes.job.slaAttainment>=0.9';
    const axes = parseAxes(vary);
    // the grid (the cells up to 6 and 6: the rest cost more than the answer), 10 replications a cell
    const cells: number[][] = [];
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) cells.push([i, j]);
    const sla = metricByName('processes.job.slaAttainment', { processes: ['job'], steps: [], pools: [] });
    const cost = metricByName('totals.cost', { processes: [], steps: [], pools: [] });
    const grid = await runArms(executor, {
      arms: cells.map((c) => ({ scenario: compile(tandem, overridesOf(axes, c)) })),
      replications: 10,
      reduce: (reps) => ({ sla: reps.reduce((s, f) => s + sla.of(f), 0) / reps.length, cost: cost.of(reps[0]) }),
    });
    const meeting = grid
      .map((g, i) => ({ ...g, cell: cells[i] }))
      .filter((g) => g.sla >= 0.9)
      .sort((x, y) => x.cost - y.cost);
    const best = meeting[0];
    // clear-cut: the cheapest meeting cell is well above the target, and every cheaper cell well below it
    expect(best.sla).toBeGreaterThan(0.91);
    for (const g of grid) if (g.cost < best.cost) expect(g.sla).toBeLessThan(0.89);

    const r = await optimiseText(tandem, vary, [target]);
    expect(r.chosen?.values).toEqual({ 'pools.front.size': best.cell[0] + 1, 'pools.back.size': best.cell[1] + 1 });
    expect(r.simulations).toBeLessThan(64 * 5);
    // the front: every design on it is non-dominated
    for (const p of r.pareto) {
      for (const q of r.pareto) {
        if (p === q) continue;
        const dominates =
          q.objective.mean <= p.objective.mean &&
          q.figures['processes.job.slaAttainment'].mean >= p.figures['processes.job.slaAttainment'].mean &&
          (q.objective.mean < p.objective.mean || q.figures['processes.job.slaAttainment'].mean > p.figures['processes.job.slaAttainment'].mean);
        expect(dominates).toBe(false);
      }
    }
  });

  it('reports why cheaper designs were rejected: the target they failed and by how much', async () => {
    const r = await optimiseText(tandem, ['pools.front.size=1..8', 'pools.back.size=1..8'], ['processes.job.slaAttainment>=0.9']);
    const cheaper = r.runnersUp.filter((d) => d.objective.mean < r.chosen!.objective.mean);
    expect(cheaper.length).toBeGreaterThan(0);
    for (const d of cheaper) {
      expect(d.status).not.toBe('met');
      expect(d.reason).toMatch(/^(fails processes\.job\.slaAttainment>=0\.9 \(.*short by|undecided after)/);
    }
  });

  it('skips a design that cannot run (no unit left for a step) and says why', async () => {
    // a light M/M/c (A = 1/3): one agent meets the target, so the search looks at none
    const text = mmc(1, 20, 60);
    // as the CLI's loader does (model checks: a step no pool can ever do), a design without agents does not compile
    const makeArm = (overrides: string[]) => {
      if (overrides.includes('pools.agents.size=0')) throw new Error("no case of process 'job' can ever finish: no pool with the skill 'work' has a unit");
      return { scenario: compile(text, overrides) };
    };
    const r = await optimiseText(text, ['pools.agents.size=0..4'], ['processes.job.slaAttainment>=0.8'], [2], { makeArm });
    expect(r.chosen?.values).toEqual({ 'pools.agents.size': 1 });
    expect(r.skipped).toEqual([{ values: { 'pools.agents.size': 0 }, reason: expect.stringMatching(/no pool with the skill 'work'/) }]);
  });

  it('a budget stops the search and keeps only proven designs', async () => {
    const r = await optimiseText(tandem, ['pools.front.size=1..8', 'pools.back.size=1..8'], ['processes.job.slaAttainment>=0.9'], [0, 0], { budgetRuns: 12 });
    expect(r.budgetExhausted).toBe(true);
    expect(r.simulations).toBeLessThanOrEqual(12);
    if (r.chosen) expect(r.chosen.status).toBe('met');
  });
});

describe('targets', () => {
  const base = compile(tandem);
  it('reads shares, percentages and durations', () => {
    expect(parseTarget('processes.job.slaAttainment>=95%', base).threshold).toBeCloseTo(0.95);
    expect(parseTarget('processes.job.cycleP95Seconds<=2h', base)).toMatchObject({ op: '<=', threshold: 7200 });
    expect(parseTarget('pools.back.utilization<=0.85', base).threshold).toBe(0.85);
  });
  it('names what is expected', () => {
    expect(() => parseTarget('processes.nope.slaAttainment>=0.9', base)).toThrow(/no process 'nope' \(expected one of: job\)/);
    expect(() => parseTarget('processes.job.slaAttainment>0.9', base)).toThrow(/expected FIGURE>=VALUE or FIGURE<=VALUE/);
    expect(() => parseTarget('processes.job.cycleP95Seconds<=soon', base)).toThrow(/expected a duration like 48h/);
    expect(() => parseTarget('disruptions[0].timeToRecoverSeconds<=1d', base)).toThrow(/the scenario has 0 disruptions/);
  });
});
