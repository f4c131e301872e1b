/** The Grafana dashboards query only metrics that metrics/registry.ts defines. */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createMetrics, METRIC_NAMES } from '../../metrics/registry.js';
import { ROOT } from '../helpers/cli.js';

const dir = join(ROOT, 'dashboards/grafana/dashboards');

describe('Grafana dashboards', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(`${f} uses only defined metrics`, () => {
      const dash = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const exprs: string[] = dash.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
      expect(exprs.length).toBeGreaterThan(5);
      const used = new Set(exprs.flatMap((e) => e.match(/autoshift_[a-z0-9_]+/g) ?? []));
      const defined = new Set<string>(METRIC_NAMES);
      for (const name of used) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect(defined.has(name) || defined.has(base), `${name} is not defined in metrics/registry.ts`).toBe(true);
      }
    });
    it(`${f} filters and groups only by labels the metrics have`, () => {
      const dash = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const labelsOf = new Map<string, string[]>();
      for (const m of Object.values(createMetrics(new Registry()))) {
        const { name, labelNames } = m as unknown as { name: string; labelNames: string[] };
        labelsOf.set(name, [...labelNames, ...(name.endsWith('_seconds') ? ['le'] : [])]);
      }
      for (const expr of dash.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr)) as string[]) {
        for (const [, name, matchers] of expr.matchAll(/(autoshift_[a-z0-9_]+)\{([^}]*)\}/g)) {
          const base = name.replace(/_(bucket|sum|count)$/, '');
          for (const [, label] of matchers.matchAll(/([a-z_]+)\s*=/g)) expect(labelsOf.get(base), `${expr}: ${label}`).toContain(label);
        }
        const metrics = (expr.match(/autoshift_[a-z0-9_]+/g) ?? []).map((n) => n.replace(/_(bucket|sum|count)$/, ''));
        for (const [, by] of expr.matchAll(/by \(([^)]*)\)/g)) {
          for (const label of by.split(',').map((x) => x.trim())) {
            expect(metrics.some((m) => labelsOf.get(m)?.includes(label)), `${expr}: by ${label}`).toBe(true);
          }
        }
      }
    });
  }
});
