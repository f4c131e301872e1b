/** The Grafana dashboards query only metrics that metrics/registry.ts defines. */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_NAMES } from '../../metrics/registry.js';
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
  }
});
