/** The PromQL of the generated dashboards and rules, for the tests that check it (test/unit/dashboards.test.ts, test/integration/dashboards-backfill.test.ts). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './cli.js';

export interface Expression {
  where: string;
  expr: string;
}

/** Every `expr` in a dashboard JSON (panel targets, annotations) and every variable query, with where it came from. */
export function dashboardExpressions(): Expression[] {
  const dir = join(ROOT, 'dashboards/grafana/dashboards');
  const out: Expression[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const dash = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) {
        node.forEach((n, i) => walk(n, `${where}[${i}]`));
        return;
      }
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      const here = typeof o.title === 'string' ? `${where} "${o.title}"` : typeof o.name === 'string' ? `${where} ${o.name}` : where;
      if (typeof o.expr === 'string') out.push({ where: `${f}: ${here}`, expr: o.expr });
      for (const [k, v] of Object.entries(o)) if (k !== 'expr') walk(v, here);
    };
    walk(dash.panels, 'panel');
    walk(dash.annotations, 'annotation');
    for (const v of dash.templating.list as { name: string; query: unknown }[]) {
      const query = typeof v.query === 'object' && v.query ? (v.query as { query: string }).query : v.query;
      const m = typeof query === 'string' ? /^label_values\((.+),\s*([a-z_]+)\)$/.exec(query) : null;
      if (m) out.push({ where: `${f}: variable ${v.name}`, expr: `count by (${m[2]}) (${m[1]})` });
    }
  }
  return out;
}

export interface RulesFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

export function rulesFile(): RulesFile {
  return parse(readFileSync(join(ROOT, 'dashboards/prometheus/rules.yml'), 'utf8')) as RulesFile;
}

/** Replaces each recorded series name by its recording rule's expression (recording rules do not run on backfilled data). */
export function inlineRecordingRules(expr: string, rules: RulesFile): string {
  let out = expr;
  for (const g of rules.groups) for (const r of g.rules) if (r.record) out = out.split(r.record).join(`(${r.expr})`);
  return out;
}

/** Substitutes the dashboards' variables: `values` for the named ones, and fixed intervals for Grafana's built-ins. */
export function substitute(expr: string, values: Record<string, string>, rateInterval = '2m'): string {
  return expr
    .replace(/\$__rate_interval/g, rateInterval)
    .replace(/\$__interval/g, '30s')
    .replace(/\$([a-z_]+)/g, (whole, name: string) => values[name] ?? whole);
}
