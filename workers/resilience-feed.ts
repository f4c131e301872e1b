/**
 * Keeps the live resilience gauges current: every few wall seconds it
 * rebuilds the run's time series from the collector's records up to the
 * simulated now (simulator/live-timeseries.ts) and sets the gauges from it with
 * the same code as the OpenMetrics export of a sim run
 * (metrics/resilience-gauges.ts → simulator/resilience.ts). Works on both
 * kinds of tally: the one that keeps its records (`autoshift live`) and the
 * long-running allocator service's, which builds the series item by item
 * (simulator/live-tally.ts).
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
  /** the run's clock, or undefined while a service has not learned it yet (no update then) */
  clock: () => Clock | undefined;
  /** @default 2000 */
  everyMs?: number;
}

/** Starts the feed; returns a function that stops it (after one last update). */
export function startResilienceFeed(options: ResilienceFeedOptions): () => void {
  const { scenario, tally, metrics } = options;
  const update = () => {
    const clock = options.clock();
    if (!clock) return;
    const now = Math.min(scenario.horizon, simNow(clock, Date.now()));
    if (now >= scenario.warmup + scenario.sampleEvery) setResilienceGauges(metrics, scenario, tally.timeseries(now));
  };
  const timer = setInterval(update, options.everyMs ?? 2000);
  timer.unref();
  return () => {
    clearInterval(timer);
    update();
  };
}
