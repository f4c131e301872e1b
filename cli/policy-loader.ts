/**
 * The policy a run uses: a built-in by name, or a user module named in the
 * scenario (`policy: { module: ./my-policy.js }`, resolved against the
 * scenario file) whose default export (or `createPolicy` export) is a
 * PolicyFactory.
 */
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from '../model/scenario.js';
import type { Policy, PolicyFactory } from '../allocation/policy.js';
import { PolicyError } from '../allocation/policy.js';
import { createPolicy, policyContext } from '../allocation/registry.js';

export async function resolvePolicy(scenario: Scenario, name?: string): Promise<Policy> {
  const moduleRef = name?.startsWith('module:') ? name.slice('module:'.length) : (!name ? scenario.policy.module : null);
  if (!moduleRef) return createPolicy(scenario, name);
  const path = resolve(scenario.file ? dirname(scenario.file) : process.cwd(), moduleRef);
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (err) {
    throw new PolicyError(`policy.module: cannot load '${moduleRef}' (${path}): ${(err as Error).message}`);
  }
  const factory = (mod.default ?? mod.createPolicy) as PolicyFactory | undefined;
  if (typeof factory !== 'function') throw new PolicyError(`policy.module: '${moduleRef}' exports no policy factory (expected a default export (params, context) => Policy)`);
  const policy = factory(scenario.policy.params, policyContext(scenario));
  if (!policy || typeof policy.decide !== 'function') throw new PolicyError(`policy.module: the factory in '${moduleRef}' returned no policy with a decide(snapshot) method`);
  return policy;
}
