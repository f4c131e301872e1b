/**
 * Each disruption kind of model/disruptions.ts does what docs/scenario.md
 * says, checked against arithmetic or a Poisson count, not the code's own
 * output: an outage or absence takes units off duty (the capacity it leaves
 * is the roster minus units × length), a surge multiplies the arrival count,
 * a slowdown multiplies task durations. Every kind in `DISRUPTION_KINDS` has
 * a case here.
 */
import { describe, it, expect } from 'vitest';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { DISRUPTION_KINDS } from '../../model/disruptions.js';
import type { DisruptionKind } from '../../model/scenario.js';
import { createPolicy } from '../../allocation/registry.js';
import { simulateReplication } from '../../simulator/simulate.js';
import { capacityHours } from '../../simulator/capacity.js';
import { ScenarioError } from '../../model/errors.js';

const DAY = 86_400;

function scenarioWith(disruption: string, rate = '4/h', staff = 50, bots = 2) {
  return compileScenario(
    parseScenarioText(
      `name: kinds
horizon: 60d
pools:
  staff: { kind: human, size: ${staff}, skills: [work] }
  bot: { kind: bot, size: ${bots}, skills: [work] }
processes:
  job:
    sla: 1h
    start: work
    steps:
      work:
        skill: work
        duration: { dist: constant, value: 10m }
demand:
  job: { rate: ${rate} }
disruptions:
  - ${disruption}
`,
      'kinds.yaml',
    ),
  );
}

const cases: Record<DisruptionKind, () => void> = {
  outage: () => {
    const s = scenarioWith('{ kind: outage, pool: staff, units: 30, start: 10d, duration: 20d }');
    expect(capacityHours(s, 0, 0, 60 * DAY).available).toBe((50 * 60 - 30 * 20) * DAY);
    const whole = scenarioWith('{ kind: outage, pool: bot, start: 10d, duration: 20d }');
    expect(capacityHours(whole, 1, 0, 60 * DAY).available).toBe(2 * 40 * DAY); // no units: the whole pool
  },
  absence: () => {
    const s = scenarioWith('{ kind: absence, pool: staff, units: 5, start: 0d, duration: 30d }');
    expect(capacityHours(s, 0, 0, 60 * DAY).available).toBe((50 * 60 - 5 * 30) * DAY);
    expect(() => scenarioWith('{ kind: absence, pool: bot, units: 1, start: 0d, duration: 1d }')).toThrow(/kinds\.yaml.*bot pool.*expected a human pool/s);
  },
  surge: () => {
    // 10/h for 60 days, tripled over the first 30: 10·24·(3·30 + 30) = 28,800 arrivals expected (Poisson, sd ≈ 170)
    const s = scenarioWith('{ kind: surge, process: job, factor: 3, start: 0d, duration: 30d }', '10/h');
    const f = simulateReplication({ scenario: s, policy: createPolicy(s), replication: 0 });
    expect(Math.abs(f.processes.job.arrived - 28_800)).toBeLessThan(4 * Math.sqrt(28_800));
  },
  slowdown: () => {
    // every unit far from busy, a constant 10 m step, twice as slow the whole horizon: every cycle is 20 m
    const s = scenarioWith('{ kind: slowdown, pool: staff, factor: 2, start: 0d, duration: 60d }', '4/h', 200, 0);
    const f = simulateReplication({ scenario: s, policy: createPolicy(s), replication: 0 });
    expect(f.processes.job.completed).toBeGreaterThan(5000);
    expect(f.processes.job.cycleMeanSeconds).toBeCloseTo(1200, 6);
  },
};

describe('disruption kinds', () => {
  it('every kind in DISRUPTION_KINDS has a case here', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(DISRUPTION_KINDS).sort());
  });
  for (const [kind, check] of Object.entries(cases)) it(kind, check);

  it('a field of another kind is refused with its line', () => {
    expect(() => scenarioWith('{ kind: surge, pool: staff, factor: 2, start: 0d, duration: 1d }')).toThrow(ScenarioError);
  });
});
