/** workers/run-workflows.ts: which workflow ids are a run's cases (the others are left alone when a run ends). */
import { describe, expect, it } from 'vitest';
import { isCaseOfRun } from '../../workers/run-workflows.js';
import { scenarioFrom } from '../helpers/scenario.js';

const scenario = scenarioFrom(`
name: ids
seed: 1
horizon: 1h
pools:
  clerks: { kind: human, size: 1, skills: [entry], costPerHour: 30 }
processes:
  order:
    sla: 1h
    start: enter
    steps:
      enter: { skill: entry, duration: { dist: constant, value: 60s } }
demand:
  order: { rate: 1/h }
`);

describe('isCaseOfRun', () => {
  it('takes <runId>.<process>.<caseNo> of this run only', () => {
    expect(isCaseOfRun(scenario, 'r1', 'r1.order.0')).toBe(true);
    expect(isCaseOfRun(scenario, 'r1', 'r1.order.1234')).toBe(true);
    // another run whose id starts with this one's
    expect(isCaseOfRun(scenario, 'r1', 'r1.x.order.3')).toBe(false);
    expect(isCaseOfRun(scenario, 'r1', 'r10.order.3')).toBe(false);
    expect(isCaseOfRun(scenario, 'r1', 'r1.other.3')).toBe(false);
    expect(isCaseOfRun(scenario, 'r1', 'r1.order.x')).toBe(false);
  });
});
