/**
 * Sets the live resilience gauges (metrics/registry.ts) from a run's time
 * series so far: the same state, by the same code, as the OpenMetrics export
 * of a `sim` run writes at each sample (metrics/resilience-series.ts).
 */
import type { Gauge } from 'prom-client';
import type { Scenario } from '../model/scenario.js';
import type { TimeSeries } from '../simulator/figures.js';
import type { Metrics } from './registry.js';
import { disruptionStates, RESILIENCE_GAUGES } from './resilience-series.js';

export function setResilienceGauges(metrics: Metrics, scenario: Scenario, ts: TimeSeries): void {
  const n = ts.time.length;
  if (n === 0) return;
  const sla = ts.slaAttainment[n - 1];
  if (sla !== null) metrics.slaAttainment.set(sla);
  for (const s of disruptionStates(scenario, ts, n)) {
    for (const g of RESILIENCE_GAUGES) {
      const v = g.value(s);
      if (v !== null) (metrics[g.metric] as Gauge<string>).set({ ...s.labels }, v);
    }
  }
}
