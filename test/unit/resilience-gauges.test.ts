/**
 * The live resilience gauges (metrics/resilience-gauges.ts, fed from the live time series) show the
 * result document's resilience block once the run is over, and while it runs the "so far" values
 * that a direct reading of the series gives: elapsed time since the start while not recovered, the
 * largest backlog since the start.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createMetrics } from '../../metrics/registry.js';
import { setResilienceGauges } from '../../metrics/resilience-gauges.js';
import { resilienceOf, seriesPrefix } from '../../simulator/resilience.js';
import { ROOT } from '../helpers/cli.js';
import { runOnce, scenarioFrom } from '../helpers/scenario.js';

const file = join(ROOT, 'scenarios/outage-and-surge.yaml');
const scenario = scenarioFrom(readFileSync(file, 'utf8'), file);
const figures = runOnce(scenario);

async function gauges(registry: Registry, disruption: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of await registry.getMetricsAsJSON()) {
    for (const v of m.values) if (v.labels.disruption === disruption) out[m.name] = v.value;
  }
  return out;
}

describe('live resilience gauges', () => {
  it("at the end of a run, equal the result document's resilience block", async () => {
    const registry = new Registry();
    setResilienceGauges(createMetrics(registry), scenario, figures.timeseries);
    const block = resilienceOf(scenario, [figures]);
    expect(block.length).toBe(2);
    for (const r of block) {
      const g = await gauges(registry, r.disruption);
      expect(g.autoshift_disruption_time_to_recover_simulated_seconds).toBeCloseTo(r.timeToRecoverSeconds!.mean, 3);
      expect(g.autoshift_disruption_loss_area_simulated_seconds).toBeCloseTo(r.lossAreaHours!.mean * 3600, 2);
      expect(g.autoshift_disruption_worst_backlog_tasks).toBeCloseTo(r.worstBacklog!.mean, 6);
      expect(g.autoshift_disruption_recovered).toBe(r.recovered!.mean);
      expect(g.autoshift_disruption_sla_in_window_ratio).toBeCloseTo(r.slaInWindow!.mean, 8); // the block rounds to 9 digits
      expect(g.autoshift_disruption_baseline_sla_ratio).toBeCloseTo(r.baselineSla!.mean, 8);
      expect(g.autoshift_disruption_active).toBe(0);
      expect(g.autoshift_disruption_length_simulated_seconds).toBe(r.end - r.start);
    }
  });

  it('during the outage, read as so far: not recovered, time since its start, worst backlog since its start', async () => {
    const outage = scenario.disruptions.find((d) => d.kind === 'outage')!;
    const ts = figures.timeseries;
    const n = ts.time.findIndex((t) => t >= outage.start + 12 * 3600) + 1; // 12 hours into the one-day outage
    const registry = new Registry();
    setResilienceGauges(createMetrics(registry), scenario, seriesPrefix(ts, n));
    const g = await gauges(registry, outage.label);
    expect(g.autoshift_disruption_active).toBe(1);
    expect(g.autoshift_disruption_recovered).toBe(0);
    expect(g.autoshift_disruption_time_to_recover_simulated_seconds).toBe(ts.time[n - 1] - outage.start);
    let worst = 0;
    for (let k = 0; k < n; k++) if (ts.time[k] > outage.start) worst = Math.max(worst, ts.backlogTotal[k]);
    expect(g.autoshift_disruption_worst_backlog_tasks).toBe(worst);
    expect(worst).toBeGreaterThan(0);
    // the surge has not started: only its in-force flag and length are there
    const surge = await gauges(registry, scenario.disruptions.find((d) => d.kind === 'surge')!.label);
    expect(Object.keys(surge).sort()).toEqual(['autoshift_disruption_active', 'autoshift_disruption_length_simulated_seconds']);
  });
});
