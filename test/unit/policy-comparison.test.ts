/**
 * Policies on the bundled disruption scenario, with common random numbers:
 * a dynamic policy beats `static` on SLA attainment with non-overlapping
 * intervals and recovers faster; pairing narrows the interval of a difference.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { applyOverride } from '../../model/overrides.js';
import { policyNames } from '../../allocation/registry.js';
import { runMany } from '../helpers/scenario.js';
import { estimate } from '../../simulator/summarize.js';
import { resilienceOf } from '../../simulator/resilience.js';
import { ROOT } from '../helpers/cli.js';

function load(file: string, overrides: string[] = []) {
  const source = parseScenarioText(readFileSync(join(ROOT, file), 'utf8'), file);
  for (const o of overrides) applyOverride(source, o);
  return compileScenario(source, { knownPolicies: policyNames() });
}

describe('policy comparison on scenarios/outage-and-surge.yaml', () => {
  const scenario = load('scenarios/outage-and-surge.yaml');
  const R = 6;
  const stat = runMany(scenario, R);
  const dynamic = runMany(scenario, R, 'bot-first');

  it('bot-first beats static on SLA attainment, with non-overlapping 95% intervals', () => {
    const a = estimate(stat.map((r) => r.totals.slaAttainment));
    const b = estimate(dynamic.map((r) => r.totals.slaAttainment));
    expect(b.mean - b.ci95).toBeGreaterThan(a.mean + a.ci95);
  });

  it('recovers from the bot outage faster, with a smaller worst backlog', () => {
    const rs = resilienceOf(scenario, stat)[0];
    const rd = resilienceOf(scenario, dynamic)[0];
    expect(rs.disruption).toMatch(/outage extraction-bot/);
    expect(rd.worstBacklog!.mean).toBeLessThan(rs.worstBacklog!.mean / 2);
    expect(rd.lossAreaHours!.mean).toBeLessThan(rs.lossAreaHours!.mean);
    expect(rd.slaInWindow!.mean).toBeGreaterThan(rs.slaInWindow!.mean);
  });
});

describe('common random numbers narrow the interval of a difference', () => {
  it('paired (same seeds) is narrower than independent seeds', () => {
    const base = load('scenarios/invoice-office.yaml', ['horizon=30d']);
    const other = load('scenarios/invoice-office.yaml', ['horizon=30d', 'seed=999']);
    const R = 8;
    const a = runMany(base, R).map((r) => r.processes.invoice.cycleMeanSeconds);
    const b = runMany(base, R, 'sla-slack').map((r) => r.processes.invoice.cycleMeanSeconds);
    const bIndependent = runMany(other, R, 'sla-slack').map((r) => r.processes.invoice.cycleMeanSeconds);
    const paired = estimate(a.map((x, i) => b[i] - x));
    const independent = estimate(a.map((x, i) => bIndependent[i] - x));
    expect(paired.ci95).toBeLessThan(independent.ci95 / 2);
  });
});
