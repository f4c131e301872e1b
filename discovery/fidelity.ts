/**
 * How close a simulation of a discovered scenario comes to the log it was
 * discovered from, figure by figure: arrivals, activity frequencies, mean and
 * 90% quantile of each activity's duration and waiting time, cycle time (mean,
 * p90 and the earth mover's distance between the two cycle-time
 * distributions, divided by the log's mean cycle time, as Simod reports it
 * normalised), and pool utilisation. Both sides are profiles built by the same
 * aggregation (log-profile.ts), so a difference is the model's, not the reader's.
 */
import type { LogProfile, StepFacts } from './log-profile.js';
import { quantileOf, type SampleStats } from './sample-stats.js';

export interface FidelityRow {
  figure: string;
  log: number;
  sim: number;
  unit: 'count' | 'seconds' | 'share' | 'ratio';
}

export interface PoolUse {
  pool: string;
  logBusyHours: number;
  simBusyHours: number;
  availableHours: number;
}

export function fidelityRows(log: LogProfile, sim: LogProfile, pools: PoolUse[]): FidelityRow[] {
  const rows: FidelityRow[] = [];
  const processName = (p: LogProfile, i: number) => p.table.processes.list[i];
  const simProcess = new Map([...sim.processes.keys()].map((i) => [processName(sim, i), sim.processes.get(i)!]));
  for (const [i, lp] of log.processes) {
    const name = processName(log, i) || [...simProcess.keys()][0];
    const sp = simProcess.get(name) ?? (log.processes.size === 1 ? [...sim.processes.values()][0] : undefined);
    const label = log.processes.size > 1 ? `${name}: ` : '';
    rows.push({ figure: `${label}arrivals`, log: lp.cases, sim: sp?.cases ?? 0, unit: 'count' });
    if (!sp) continue;
    rows.push({ figure: `${label}cycle time, mean`, log: lp.cycle.mean, sim: sp.cycle.mean, unit: 'seconds' });
    rows.push({ figure: `${label}cycle time, p90`, log: lp.cycle.quantile(0.9), sim: sp.cycle.quantile(0.9), unit: 'seconds' });
    rows.push({
      figure: `${label}cycle time, EMD / log mean`,
      log: 0,
      sim: earthMovers(lp.cycle.sorted(), sp.cycle.sorted()) / (lp.cycle.mean || 1),
      unit: 'ratio',
    });
  }
  const simSteps = new Map<string, StepFacts>();
  for (const s of sim.steps.values()) simSteps.set(`${processName(sim, s.process)}:${sim.table.activities.list[s.activity]}`, s);
  for (const s of [...log.steps.values()].sort((a, b) => a.process - b.process || b.count - a.count)) {
    const activity = log.table.activities.list[s.activity];
    const pname = processName(log, s.process);
    const t =
      simSteps.get(`${pname || [...simProcess.keys()][0]}:${activity}`) ??
      [...sim.steps.values()].find((x) => sim.table.activities.list[x.activity] === activity);
    const a = log.processes.size > 1 ? `${pname}.${activity}` : activity;
    const logCases = log.processes.get(s.process)?.cases ?? 1;
    const simCases = t ? (sim.processes.get(t.process)?.cases ?? 1) : 1;
    rows.push({ figure: `${a}: tasks per case`, log: s.count / logCases, sim: t ? t.count / simCases : 0, unit: 'ratio' });
    if (!t) continue;
    const ld = combined(s.human, s.bot),
      sd = combined(t.human, t.bot);
    rows.push({ figure: `${a}: duration, mean`, log: ld.mean, sim: sd.mean, unit: 'seconds' });
    rows.push({ figure: `${a}: duration, p90`, log: ld.p90, sim: sd.p90, unit: 'seconds' });
    rows.push({ figure: `${a}: waiting, mean`, log: s.waiting.mean, sim: t.waiting.mean, unit: 'seconds' });
    rows.push({ figure: `${a}: waiting, p90`, log: s.waiting.quantile(0.9), sim: t.waiting.quantile(0.9), unit: 'seconds' });
  }
  for (const p of pools) {
    if (p.availableHours <= 0) continue;
    rows.push({ figure: `pool ${p.pool}: utilisation`, log: p.logBusyHours / p.availableHours, sim: p.simBusyHours / p.availableHours, unit: 'share' });
  }
  return rows;
}

/** Mean and p90 of people's and bots' durations together (the reservoirs merged in proportion to their counts). */
function combined(a: SampleStats, b: SampleStats): { mean: number; p90: number } {
  const n = a.n + b.n;
  if (!n) return { mean: NaN, p90: NaN };
  const mean = (a.sum + b.sum) / n;
  const merged: number[] = [];
  for (const [s, w] of [
    [a, a.n / n],
    [b, b.n / n],
  ] as [SampleStats, number][]) {
    const k = Math.round(w * 4096);
    const sorted = s.sorted();
    for (let i = 0; i < k && sorted.length; i++) merged.push(quantileOf(sorted, (i + 0.5) / k));
  }
  merged.sort((x, y) => x - y);
  return { mean, p90: quantileOf(merged, 0.9) };
}

/** The earth mover's (1st Wasserstein) distance between two samples: the area between their distribution functions. */
export function earthMovers(a: number[], b: number[]): number {
  if (!a.length || !b.length) return NaN;
  const points = 512;
  let sum = 0;
  for (let i = 0; i < points; i++) {
    const q = (i + 0.5) / points;
    sum += Math.abs(quantileOf(a, q) - quantileOf(b, q));
  }
  return sum / points;
}
