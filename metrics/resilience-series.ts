/**
 * The resilience state of every disruption at one sample of a run's time
 * series: what the resilience gauges show. Both runtimes call it: the live
 * runtime on its time series rebuilt from events (simulator/live-timeseries.ts)
 * up to the current simulated time, the OpenMetrics export of a `sim` run at
 * each sample of the engine's series. The measure itself is
 * simulator/resilience.ts `measureDisruption`, the code of the result
 * document's resilience block, applied to the series known so far.
 *
 * Label cardinality: one series per disruption of the scenario (its label,
 * kind and target come from the scenario file), never per case.
 *
 * ```ts
 * for (const s of disruptionStates(scenario, timeseries, timeseries.time.length)) console.log(s.labels, s.active, s.measure);
 * ```
 */
import type { Disruption, Scenario } from '../model/scenario.js';
import type { TimeSeries } from '../simulator/figures.js';
import { measureDisruption, seriesPrefix, type DisruptionMeasure } from '../simulator/resilience.js';
import type { Metrics } from './registry.js';
import { poolOf, processOf } from '../model/disruptions.js';

export interface DisruptionLabelSet {
  disruption: string;
  kind: string;
  target: string;
}

export interface DisruptionState {
  labels: DisruptionLabelSet;
  /** the disruption is in force during the sample interval */
  active: boolean;
  lengthSeconds: number;
  /** null before the disruption starts */
  measure: DisruptionMeasure | null;
}

/** The labels of a disruption's series: its label, kind, and the pool or process it hits ("all" for every process). */
export function disruptionLabelSet(scenario: Scenario, d: Disruption): DisruptionLabelSet {
  const pool = poolOf(d),
    process = processOf(d);
  const target = pool >= 0 ? scenario.pools[pool].id : process >= 0 ? scenario.processes[process].id : 'all';
  return { disruption: d.label, kind: d.kind, target };
}

/** Each disruption's state after the first `n` samples of `ts` (n >= 1). */
export function disruptionStates(scenario: Scenario, ts: TimeSeries, n: number): DisruptionState[] {
  const dt = scenario.sampleEvery;
  const t = ts.time[n - 1];
  let prefix: TimeSeries | null = null;
  return scenario.disruptions.map((d) => {
    const started = t > d.start;
    if (started && !prefix) prefix = n === ts.time.length ? ts : seriesPrefix(ts, n);
    return {
      labels: disruptionLabelSet(scenario, d),
      active: t > d.start && t - dt < d.end,
      lengthSeconds: d.end - d.start,
      measure: started ? measureDisruption(prefix!, d.start, d.end, dt) : null,
    };
  });
}

/**
 * Each resilience gauge of metrics/registry.ts and its value in a state
 * (null: no series yet). The live gauges and the OpenMetrics export both read this table.
 */
export const RESILIENCE_GAUGES: { metric: keyof Metrics; value: (s: DisruptionState) => number | null }[] = [
  { metric: 'disruptionActive', value: (s) => (s.active ? 1 : 0) },
  { metric: 'disruptionLength', value: (s) => s.lengthSeconds },
  { metric: 'disruptionRecovered', value: (s) => (s.measure ? (s.measure.recovered ? 1 : 0) : null) },
  { metric: 'disruptionTimeToRecover', value: (s) => s.measure?.timeToRecoverSeconds ?? null },
  { metric: 'disruptionLossArea', value: (s) => (s.measure ? s.measure.lossAreaHours * 3600 : null) },
  { metric: 'disruptionWorstBacklog', value: (s) => s.measure?.worstBacklog ?? null },
  { metric: 'disruptionBaselineSla', value: (s) => s.measure?.baselineSla ?? null },
  { metric: 'disruptionBaselineBacklog', value: (s) => s.measure?.baselineBacklog ?? null },
  { metric: 'disruptionSlaInWindow', value: (s) => s.measure?.slaInWindow ?? null },
];
