/**
 * docs/policies.md says what the code does (issue 8, "Done when"): each
 * built-in policy's table of parameters lists exactly the parameters the
 * policy accepts, and a parameter it does not know is an error naming it
 * (a typo would otherwise be ignored: `static` ignored them).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { builtinPolicies, policyContext } from '../../allocation/registry.js';
import { scenarioFrom } from '../helpers/scenario.js';

const docs = readFileSync('docs/policies.md', 'utf8');
const scenario = scenarioFrom(`name: docs
horizon: 1d
pools:
  staff: { kind: human, size: 2, skills: [work] }
processes:
  job: { sla: 4h, start: work, steps: { work: { skill: work, duration: { dist: constant, value: 10m } } } }
demand:
  job: { rate: 1/h }
`);

/** The parameter names of a policy's section of docs/policies.md (the first column of its `| param |` table). */
function documented(name: string): string[] {
  const section = docs.split(/^### /m).find((s) => s.startsWith(`\`${name}\``));
  if (!section) return [];
  const table = section.split('| param | default | meaning |')[1] ?? '';
  return [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
}

/** The parameters a policy accepts, as its error for an unknown one lists them. */
function accepted(name: keyof typeof builtinPolicies): string[] {
  try {
    builtinPolicies[name]({ noSuchParam: 1 }, policyContext(scenario));
  } catch (e) {
    const m = /policy\.params\.noSuchParam: unknown parameter of policy '[\w-]+' \(expected one of: ([^)]*)\)/.exec((e as Error).message);
    return m ? m[1].split(', ') : [];
  }
  return [];
}

describe("docs/policies.md lists each built-in policy's parameters", () => {
  for (const name of Object.keys(builtinPolicies) as (keyof typeof builtinPolicies)[]) {
    it(name, () => {
      const known = accepted(name);
      expect(known.length, `${name} accepts an unknown parameter silently`).toBeGreaterThan(0);
      expect(documented(name).sort()).toEqual([...known].sort());
    });
  }
});
