/**
 * The labels that tell runs apart on the dashboards, the same for a live run
 * (default labels of its registry) and a what-if run exported as OpenMetrics:
 * `source` (live or sim), `run` (the run id), `scenario` (the scenario file's
 * base name, or its name when built in code) and `policy`.
 */
import type { Scenario } from '../model/scenario.js';
import type { RunLabels } from './registry.js';

/** `scenarios/invoice-office.yaml` → `invoice-office`. */
export function scenarioLabel(scenario: Scenario): string {
  const base = scenario.file.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.(ya?ml|json)$/i, '');
  return stem || scenario.name;
}

export function runLabels(source: RunLabels['source'], scenario: Scenario, run: string, policy: string): RunLabels {
  return { source, run, scenario: scenarioLabel(scenario), policy };
}
