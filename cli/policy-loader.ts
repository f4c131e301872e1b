/**
 * The policy a run uses: a built-in by name, or a user module whose default
 * export (or `createPolicy` export) is a PolicyFactory. A module named in the
 * scenario (`policy: { module: ./my-policy.js }`) is resolved against the
 * scenario file; one given on the command line (`--policy module:./p.js`)
 * against the current directory. A module's factory and every answer of its
 * `decide` are checked (allocation/policy-guard.ts): what it does wrong is a
 * PolicyError naming the module, not an internal error.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from '../model/scenario.js';
import type { Policy, PolicyFactory } from '../allocation/policy.js';
import { PolicyError } from '../allocation/policy.js';
import { createPolicy, policyContext } from '../allocation/registry.js';
import { guardFactory } from '../allocation/policy-guard.js';

export const MODULE_PREFIX = 'module:';

/** A `--policy module:./p.js` as an absolute module reference (relative to the current directory), so worker threads and the scenario's directory do not change its meaning. */
export function policyFromCommandLine(name: string | undefined): string | undefined {
  if (!name?.startsWith(MODULE_PREFIX)) return name;
  return MODULE_PREFIX + resolve(process.cwd(), name.slice(MODULE_PREFIX.length));
}

/** The module a policy name refers to, as an absolute path and as the user should read it; null for a built-in. */
export function policyModulePath(scenario: Scenario, name?: string): { path: string; shown: string } | null {
  const fromName = name?.startsWith(MODULE_PREFIX) ? name.slice(MODULE_PREFIX.length) : null;
  const ref = fromName ?? (!name ? scenario.policy.module : null);
  if (!ref) return null;
  const base = fromName !== null ? process.cwd() : scenario.file ? dirname(scenario.file) : process.cwd();
  const path = resolve(base, ref);
  const rel = relative(process.cwd(), path);
  return { path, shown: !rel || rel.startsWith('..') || isAbsolute(rel) ? path : rel };
}

export async function loadPolicyFactory(path: string, shown: string): Promise<PolicyFactory> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ERR_MODULE_NOT_FOUND' ? 'no such module' : `${e.name}: ${e.message.split('\n')[0]}`;
    throw new PolicyError(`policy module ${shown}: cannot load it (${why})`);
  }
  const factory = (mod.default ?? mod.createPolicy) as PolicyFactory | undefined;
  if (typeof factory !== 'function')
    throw new PolicyError(`policy module ${shown}: exports no policy factory (expected a default export (params, context) => Policy)`);
  return factory;
}

export async function resolvePolicy(scenario: Scenario, name?: string): Promise<Policy> {
  const module = policyModulePath(scenario, name);
  if (!module) return createPolicy(scenario, name);
  const factory = await loadPolicyFactory(module.path, module.shown);
  // the scenario's parameters belong to the scenario's own module
  const own = scenario.policy.module ? resolve(scenario.file ? dirname(scenario.file) : process.cwd(), scenario.policy.module) : null;
  const params = !name || own === module.path ? scenario.policy.params : {};
  return guardFactory(factory, module.shown)(params, policyContext(scenario));
}
