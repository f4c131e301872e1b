/**
 * The Grafana dashboards and Prometheus rules are generated (npm run build:dashboards, from
 * dashboards/*.ts with @grafana/grafana-foundation-sdk): the committed files are what the code
 * generates, every panel has a unit, and every query uses metrics and labels that
 * metrics/registry.ts defines. (That the queries return data is test/integration/dashboards-backfill.test.ts.)
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createMetrics, METRIC_NAMES } from '../../metrics/registry.js';
import { generatedFiles } from '../../dashboards/generate.js';
import { ROOT } from '../helpers/cli.js';
import { dashboardExpressions, inlineRecordingRules, rulesFile } from '../helpers/promql.js';

const RUN_LABELS = ['source', 'run', 'scenario', 'policy', 'replication'];

describe('generated dashboards and rules', () => {
  for (const f of generatedFiles()) {
    it(`${f.path} is what npm run build:dashboards generates`, () => {
      expect(readFileSync(join(ROOT, f.path), 'utf8'), `run npm run build:dashboards and commit ${f.path}`).toBe(f.text);
    });
  }

  it('every panel has a unit', () => {
    for (const f of generatedFiles().filter((x) => x.path.endsWith('.json'))) {
      for (const p of JSON.parse(f.text).panels) {
        if (p.type === 'row') continue;
        expect(p.fieldConfig?.defaults?.unit, `${f.path}: "${p.title}"`).toMatch(/\S/);
      }
    }
  });

  const labelsOf = new Map<string, string[]>();
  for (const m of Object.values(createMetrics(new Registry()))) {
    const { name, labelNames } = m as unknown as { name: string; labelNames: string[] };
    labelsOf.set(name, [...labelNames, ...RUN_LABELS, ...(name.endsWith('_seconds') ? ['le'] : [])]);
  }
  const rules = rulesFile();
  const all = [
    ...dashboardExpressions(),
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rules.yml ${r.record ?? r.alert}`, expr: inlineRecordingRules(r.expr, rules) }))),
  ];

  it('has queries in every dashboard and rule group', () => {
    expect(all.length).toBeGreaterThan(30);
  });

  it('queries only metrics that metrics/registry.ts defines', () => {
    const defined = new Set<string>(METRIC_NAMES);
    for (const { where, expr } of all) {
      const used = expr.match(/autoshift_[a-z0-9_]+/g) ?? [];
      expect(used.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of used) {
        expect(defined.has(name) || defined.has(name.replace(/_(bucket|sum|count)$/, '')), `${where}: ${name} is not defined in metrics/registry.ts`).toBe(
          true,
        );
      }
    }
  });

  it('filters and groups only by labels the metrics have', () => {
    for (const { where, expr } of all) {
      for (const [, name, matchers] of expr.matchAll(/(autoshift_[a-z0-9_]+)\{([^}]*)\}/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        for (const [, label] of matchers.matchAll(/([a-z_]+)\s*=~?/g)) expect(labelsOf.get(base), `${where}: ${label} on ${name}`).toContain(label);
      }
      const metrics = (expr.match(/autoshift_[a-z0-9_]+/g) ?? []).map((n) => n.replace(/_(bucket|sum|count)$/, ''));
      for (const [, by] of expr.matchAll(/(?:by|on) \(([^)]*)\)/g)) {
        for (const label of by
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)) {
          expect(metrics.some((m) => labelsOf.get(m)?.includes(label)) || label === 'target', `${where}: by ${label}`).toBe(true);
        }
      }
    }
  });
});
