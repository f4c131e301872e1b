/**
 * SLA at the boundary (issue 8, item 1): a case whose cycle equals its SLA is
 * within it. Every step takes exactly 10 minutes and the SLA is 10 minutes,
 * with no queueing (more units than work): by definition every case meets it,
 * so attainment is exactly 1, not 0.99996 (floating-point `now − arrival`).
 */
import { describe, it, expect } from 'vitest';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { createPolicy } from '../../allocation/registry.js';
import { simulateReplication } from '../../simulator/simulate.js';
import { withinSla, SLA_TOLERANCE_SECONDS } from '../../model/sla.js';

const scenario = compileScenario(
  parseScenarioText(
    `name: boundary
horizon: 60d
pools:
  staff: { kind: human, size: 50, skills: [work] }
processes:
  job:
    sla: 10m
    start: work
    steps:
      work:
        skill: work
        duration: { dist: constant, value: 10m }
demand:
  job: { rate: 4/h }
`,
    'boundary.yaml',
  ),
);

describe('SLA at the boundary', () => {
  it('every cycle equal to the SLA: attainment exactly 1, in the process and the totals', () => {
    const f = simulateReplication({ scenario, policy: createPolicy(scenario), replication: 0 });
    expect(f.processes.job.completed).toBeGreaterThan(5000);
    expect(f.processes.job.slaAttainment).toBe(1);
    expect(f.totals.slaAttainment).toBe(1);
  });

  it('the tolerance is 1 ms: rounding is within, a real breach is not', () => {
    expect(SLA_TOLERANCE_SECONDS).toBe(0.001);
    const arrival = 5_000_000.123; // ~58 days in
    expect(withinSla(arrival + 600 - arrival, 600)).toBe(true);
    expect(withinSla(600.0005, 600)).toBe(true);
    expect(withinSla(600.01, 600)).toBe(false);
  });
});
