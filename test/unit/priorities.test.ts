/**
 * Priority classes (processes.<p>.priority, preemptive) against queueing
 * theory computed here: the two-class non-preemptive M/M/1 against Cobham's
 * formula, and the preemptive-resume M/M/1, whose high class sees an M/M/1 of
 * its own and whose low class's sojourn time is E[S]/(1−ρ1) + R/((1−ρ1)(1−ρ)).
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runMany } from '../helpers/scenario.js';
import { estimate } from '../../simulator/summarize.js';

const twoClasses = (preemptive: boolean, perHour: number, serviceMin: number, days = 200) =>
  scenarioFrom(`
name: two classes
seed: 21
horizon: ${days}d
warmup: 5d
sampleEvery: 1d
pools: { clerk: { kind: human, size: 1, skills: [work] } }
processes:
  urgent:
    sla: 1h
    priority: 1
    preemptive: ${preemptive}
    start: serve
    steps: { serve: { skill: work, duration: { dist: exponential, mean: ${serviceMin}m } } }
  normal:
    sla: 4h
    start: serve
    steps: { serve: { skill: work, duration: { dist: exponential, mean: ${serviceMin}m } } }
demand: { urgent: { rate: ${perHour}/h }, normal: { rate: ${perHour}/h } }
`);

// equal rates and exponential services of mean 1/μ: ρ1 = ρ2 = λ/μ
const lambda = 2 / 3600,
  mean = 600,
  rho1 = lambda * mean,
  rho = 2 * rho1;
/** the mean residual work an arrival finds in service: Σ λ_i E[S_i²] / 2 (E[S²] = 2/μ² for exponential) */
const residual = 2 * lambda * mean * mean;

describe('non-preemptive priority M/M/1 against Cobham (1954)', () => {
  it('each class waits W0 / ((1 − σ_{k−1})(1 − σ_k)); the classes are reported per priority', () => {
    const reps = runMany(twoClasses(false, 2, 10), 10);
    const high = estimate(reps.map((r) => r.processes.urgent.waitMeanSeconds));
    const low = estimate(reps.map((r) => r.processes.normal.waitMeanSeconds));
    const w1 = residual / (1 - rho1),
      w2 = residual / ((1 - rho1) * (1 - rho));
    expect(Math.abs(high.mean - w1)).toBeLessThan(high.ci95 * 1.35);
    expect(Math.abs(low.mean - w2)).toBeLessThan(low.ci95 * 1.35);
    expect(low.ci95 / w2).toBeLessThan(0.1);
    // results per priority class: class "1" is the urgent process alone
    const classes = estimate(reps.map((r) => r.priorityClasses!['1'].waitMeanSeconds));
    expect(classes.mean).toBeCloseTo(high.mean, 6);
    expect(Object.keys(reps[0].priorityClasses!).sort()).toEqual(['0', '1']);
  });
});

describe('preemptive-resume priority M/M/1', () => {
  it('the high class sees an M/M/1 of its own; the low class sojourns E[S]/(1−ρ1) + R/((1−ρ1)(1−ρ))', () => {
    const reps = runMany(twoClasses(true, 2, 10), 10);
    const high = estimate(reps.map((r) => r.processes.urgent.waitMeanSeconds));
    const highCycle = estimate(reps.map((r) => r.processes.urgent.cycleMeanSeconds));
    const lowCycle = estimate(reps.map((r) => r.processes.normal.cycleMeanSeconds));
    const mm1Wait = rho1 / (1 / mean - lambda);
    expect(Math.abs(high.mean - mm1Wait)).toBeLessThan(high.ci95 * 1.35);
    expect(Math.abs(highCycle.mean - 1 / (1 / mean - lambda))).toBeLessThan(highCycle.ci95 * 1.35);
    const t2 = mean / (1 - rho1) + residual / ((1 - rho1) * (1 - rho));
    expect(Math.abs(lowCycle.mean - t2)).toBeLessThan(lowCycle.ci95 * 1.35);
    // an interrupted task resumes with its remaining work: the service done per task is still the distribution's mean
    const svc = estimate(reps.map((r) => r.steps['normal/serve'].serviceMeanSeconds));
    expect(Math.abs(svc.mean - mean)).toBeLessThan(svc.ci95 * 1.35 + 1e-9);
    // the server is busy ρ of the time whatever the order
    const util = estimate(reps.map((r) => r.pools.clerk.utilization));
    expect(Math.abs(util.mean - rho)).toBeLessThan(0.01);
  });

  it('without preemption the high class waits longer than its own M/M/1 (the test above can fail)', () => {
    const reps = runMany(twoClasses(false, 2, 10, 100), 6);
    const high = estimate(reps.map((r) => r.processes.urgent.waitMeanSeconds));
    expect(high.mean - high.ci95).toBeGreaterThan((rho1 / (1 / mean - lambda)) * 1.5);
  });
});
