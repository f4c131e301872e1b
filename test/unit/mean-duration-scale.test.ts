/**
 * The mean of a step's duration with its `durationScale` (simulator/case-attributes.ts), which the
 * policies' mean service times, the cμ keys, the staffing start and the run-size estimate read: checked
 * against the mean computed by hand from the attribute's distribution (a linear scale of a lognormal
 * amount has mean 0.5 + E[amount] / 8000; amount / 3000 has mean E[amount] / 3000), within four standard
 * errors of the estimate.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../cli/load-scenario.js';
import { SCALE_SAMPLE_CASES, meanDurationScale, meanStepDuration } from '../../simulator/case-attributes.js';
import { UnitBoard, type BoardItem } from '../../simulator/unit-board.js';
import { createPolicy } from '../../allocation/registry.js';
import { ROOT } from '../helpers/cli.js';

describe('mean duration scale', () => {
  // live-calendar: review takes gamma(mean 6m) × "0.5 + amount / 8000", amount lognormal(mean 4000, sd 6000)
  const scenario = loadScenario(join(ROOT, 'test', 'fixtures', 'live-calendar.yaml'));
  const invoice = scenario.processes.find((p) => p.id === 'invoice')!;
  const review = invoice.steps.find((s) => s.id === 'review')!;
  const standardError = 6000 / 8000 / Math.sqrt(SCALE_SAMPLE_CASES);

  it('averages the scale over the attributes: 0.5 + E[amount] / 8000 = 1', () => {
    const m = meanDurationScale(invoice, review, scenario.seed);
    expect(Math.abs(m - 1)).toBeLessThan(4 * standardError);
    // another seed draws other attributes, and gives about the same mean
    expect(Math.abs(meanDurationScale(invoice, review, scenario.seed + 1) - 1)).toBeLessThan(4 * standardError);
    // a step without a scale: 1, and its plain mean
    const query = invoice.steps.find((s) => s.id === 'query')!;
    expect(meanDurationScale(invoice, query, scenario.seed)).toBe(1);
    expect(meanStepDuration(invoice, query, false, scenario.seed)).toBe(180);
  });

  it('is the mean service time the policies see: a check that takes 8 min × amount / 3000 takes 6.7 min on average', () => {
    // live-operations: the back office's check, exponential(mean 8m) × "amount / 3000", amount lognormal(mean 2500, sd 2500)
    const ops = loadScenario(join(ROOT, 'test', 'fixtures', 'live-operations.yaml'));
    const board = new UnitBoard<BoardItem>(ops, {
      policy: createPolicy(ops),
      clock: { now: 0 },
      host: { startWork: () => undefined, switchOver: () => undefined },
      disruptions: 'schedule',
    });
    const q = ops.skills.indexOf('check');
    const expected = 480 * (2500 / 3000);
    const se = (480 * (2500 / 3000)) / Math.sqrt(SCALE_SAMPLE_CASES);
    expect(Math.abs(board.meanService.human[q] - expected)).toBeLessThan(4 * se);
  });
});
