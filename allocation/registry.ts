/**
 * Built-in policies by name. A scenario names one (`policy: reactive`) or
 * points to a module of its own (`policy: { module: ./my-policy.js }`), which
 * the CLI loads and hands over as a factory.
 */
import type { PolicyContext, PolicyFactory, Policy } from './policy.js';
import { PolicyError } from './policy.js';
import { staticPolicy } from './static-policy.js';
import { reactivePolicy } from './reactive-policy.js';
import { slaSlackPolicy } from './sla-slack-policy.js';
import { cmuPolicy } from './cmu-policy.js';
import { forecastStaffingPolicy } from './forecast-staffing-policy.js';
import { botFirstPolicy } from './bot-first-policy.js';
import type { Scenario } from '../model/scenario.js';
import { BUILTIN_POLICY_NAMES, type BuiltinPolicyName } from '../model/policy-names.js';

export const builtinPolicies: Record<BuiltinPolicyName, PolicyFactory> = {
  static: staticPolicy,
  reactive: reactivePolicy,
  'sla-slack': slaSlackPolicy,
  cmu: cmuPolicy,
  'forecast-staffing': forecastStaffingPolicy,
  'bot-first': botFirstPolicy,
};

export function policyNames(): string[] {
  return [...BUILTIN_POLICY_NAMES];
}

export function policyContext(scenario: Scenario): PolicyContext {
  return { queues: scenario.skills, pools: scenario.pools.map((p) => ({ id: p.id, kind: p.kind, skills: p.skills })) };
}

/** The scenario's policy (or `name` instead), built with its parameters. */
export function createPolicy(scenario: Scenario, name?: string, factory?: PolicyFactory): Policy {
  const chosen = name ?? scenario.policy.name;
  const make = factory ?? (builtinPolicies as Record<string, PolicyFactory | undefined>)[chosen];
  if (!make) throw new PolicyError(`unknown policy '${chosen}' (expected one of: ${policyNames().join(', ')})`);
  const params = name && name !== scenario.policy.name ? {} : scenario.policy.params;
  return make(params, policyContext(scenario));
}
