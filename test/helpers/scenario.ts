import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { policyNames, createPolicy } from '../../allocation/registry.js';
import { simulateReplication } from '../../simulator/simulate.js';
import type { Scenario } from '../../model/scenario.js';
import type { TaskRecord } from '../../simulator/engine.js';

export function scenarioFrom(text: string, file = 'inline.yaml'): Scenario {
  return compileScenario(parseScenarioText(text, file), { knownPolicies: policyNames() });
}

export function runOnce(scenario: Scenario, replication = 0, policyName?: string, onTask?: (r: TaskRecord) => void) {
  return simulateReplication({ scenario, policy: createPolicy(scenario, policyName), replication, onTask });
}

export function runMany(scenario: Scenario, replications: number, policyName?: string) {
  return Array.from({ length: replications }, (_, r) => runOnce(scenario, r, policyName));
}
