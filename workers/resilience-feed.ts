/**
 * Keeps the live resilience gauges current: every few wall seconds it
 * rebuilds the run's time series from the collector's records up to the
 * simulated now (simulator/live-timeseries.ts) and sets the gauges from it with
 * the same code as the OpenMetrics export of a sim run
 * (metrics/resilience-gauges.ts → simulator/resilience.ts). Needs a tally that
 * keeps its records (`autoshift live`); the long-running allocator service
 * keeps counts only and exports no resilience gauges.
 */
import type { Scenario } from '../model/scenario.js';
import type { Metrics } from '../metrics/registry.js';
import { setResilienceGauges } from '../metrics/resilience-gauges.js';
import type { LiveTally } from '../simulator/live-tally.js';
import { simNow, type Clock } from '../protocol/clock.js';

export interface ResilienceFeedOptions {
  scenario: Scenario;
  tally: LiveTally;
  metrics: Metrics;
  clock: Clock;
  /** @default 2000 */
  everyMs?: number;
}

/** Starts the feed; returns a function that stops it (after one last update). */
export function startResilienceFeed(options: ResilienceFeedOptions): () => void {
  const { scenario, tally, metrics, clock } = options;
  if (!tally.retain) return () => undefined;
  const update = () => {
    const now = Math.min(scenario.horizon, simNow(clock, Date.now()));
    if (now >= scenario.warmup + scenario.sampleEvery) setResilienceGauges(metrics, scenario, tally.timeseries(now));
  };
  const timer = setInterval(update, options.everyMs ?? 2000);
  timer.unref();
  return () => { clearInterval(timer); update(); };
}
