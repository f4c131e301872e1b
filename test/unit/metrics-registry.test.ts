/** metrics/registry.ts: METRIC_NAMES is exactly what createMetrics registers (once each), and every name keeps the conventions. */
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createMetrics, METRIC_NAMES, serveMetrics } from '../../metrics/registry.js';

describe('metrics registry', () => {
  it('lists every metric it defines, on the injected registry only', async () => {
    const registry = new Registry();
    createMetrics(registry);
    const defined = (await registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
    expect(defined.map((m) => m.name).sort()).toEqual([...METRIC_NAMES].sort());
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
    expect(METRIC_NAMES.length).toBeGreaterThan(30);
    for (const m of defined) {
      expect(m.name).toMatch(/^autoshift_[a-z0-9_]+$/);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      else expect(m.name).toMatch(/_(seconds|tasks|units|ratio|bytes|active|recovered)$/); // active, recovered: 0/1 states
    }
  });

  it('serves /metrics', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.grants.inc({ pool: 'clerks' });
    const server = await serveMetrics(registry, 0);
    try {
      const body = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      expect(body).toContain('autoshift_grants_total{pool="clerks"} 1');
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
