/**
 * A figure computed over an empty set has no value (issue 8, item 5): the
 * result document gives null and the reason under `notApplicable`, not a 0
 * that reads as a measurement. The class, beyond the per-case means: the mean
 * age of open cases when none is open, a pool's utilisation without available
 * time, a priority class's means without a completed case. Pure: the same
 * `summarize` serves `run` and the live collector.
 */
import { describe, it, expect } from 'vitest';
import { summarize } from '../../simulator/summarize.js';
import { scenarioFrom, runMany } from '../helpers/scenario.js';

const text = (drain: boolean) => `name: empty sets
horizon: 2d
drain: ${drain}
pools:
  staff: { kind: human, size: 3, skills: [work] }
  other: { kind: human, size: 3, skills: [slow] }
  night: { kind: human, size: 0, skills: [work] }
processes:
  quick:
    sla: 4h
    start: work
    steps:
      work: { skill: work, duration: { dist: constant, value: 10m } }
  long:
    sla: 4d
    priority: 1
    start: slow
    steps:
      slow: { skill: slow, duration: { dist: constant, value: 3d } }
demand:
  quick: { rate: 2/h }
  long: { rate: 1/d }
`;

describe('figures over an empty set are null, with the reason', () => {
  // drained: every case ends; not drained, no 3-day case ends in a 2-day run
  const drained = scenarioFrom(text(true));
  const doc = summarize(drained, 'static', runMany(drained, 2));
  const why = doc.notApplicable ?? {};
  const cut = scenarioFrom(text(false));
  const cutDoc = summarize(cut, 'static', runMany(cut, 2));
  const cutWhy = cutDoc.notApplicable ?? {};

  it('drained: no case open at the end, so no mean age of the open cases', () => {
    expect(doc.processes.quick.openAtEnd.mean).toBe(0);
    expect(doc.processes.quick.openAgeMeanSeconds).toBeNull();
    expect(why['processes.quick.openAgeMeanSeconds']).toBe('no case open at the end');
  });

  it('a pool of no units has no utilisation (not 0%)', () => {
    expect(doc.pools.night.availableHours.mean).toBe(0);
    expect(doc.pools.night.utilization).toBeNull();
    expect(why['pools.night.utilization']).toMatch(/no unit of this pool available/);
    expect(doc.pools.staff.utilization!.mean).toBeGreaterThan(0);
  });

  it('a priority class with no completed case has no wait, cycle or SLA attainment', () => {
    const cls = cutDoc.priorityClasses!['1'];
    expect(cls.arrived!.mean).toBeGreaterThan(0);
    expect(cls.completed!.mean).toBe(0);
    for (const k of ['waitMeanSeconds', 'cycleMeanSeconds', 'slaAttainment']) {
      expect(cls[k], k).toBeNull();
      expect(cutWhy[`priorityClasses.1.${k}`], k).toBe('no case completed');
    }
    // the other class measured its cases: each took its 10-minute task at least
    expect(cutDoc.priorityClasses!['0'].cycleMeanSeconds!.mean).toBeGreaterThanOrEqual(600);
    // drained, the 3-day cases end: measured
    expect(doc.priorityClasses!['1'].cycleMeanSeconds!.mean).toBeGreaterThanOrEqual(3 * 86_400);
  });

  it('the figures that have a set keep their values, and nothing is null without a reason', () => {
    expect(cutDoc.processes.quick.cycleMeanSeconds!.mean).toBeGreaterThanOrEqual(600);
    expect(cutDoc.processes.long.cycleMeanSeconds).toBeNull();
    expect(cutDoc.cycleTimeQuantiles!.processes.long).toBeNull();
    expect(cutWhy['cycleTimeQuantiles.processes.long']).toMatch(/^no case completed \([\d.]+ arrived after the warm-up\)$/);
    const nulls = Object.entries(cutDoc.processes).flatMap(([id, p]) =>
      Object.entries(p)
        .filter(([, v]) => v === null)
        .map(([k]) => `processes.${id}.${k}`),
    );
    expect(nulls).toContain('processes.long.automationShare');
    for (const p of nulls) expect(cutWhy[p], p).toBeDefined();
  });
});
