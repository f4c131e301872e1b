/**
 * Reads a scenario file, applies command-line overrides (`--set path=value`,
 * `--seed`, `--horizon`) and compiles it. The only place scenario files are read.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseScenarioText, type ScenarioSource } from '../model/scenario-source.js';
import { compileScenario } from '../model/compile-scenario.js';
import { ScenarioError } from '../model/scenario-error.js';
import type { Scenario } from '../model/scenario.js';
import { applyOverride } from '../model/overrides.js';
import { policyNames } from '../allocation/registry.js';
import { attributeError, overrideAssignment, overrideFlag, type OverrideSpec } from '../model/sweep-grid.js';

export function readScenarioSource(file: string): ScenarioSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError([{ file, line: 0, path: '', message: `cannot read the scenario: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return parseScenarioText(text, file);
}

/**
 * The compiled scenario. A problem caused by an override names its flag
 * (`--set pools.clerks.size=abc: ...`, `--seed 1e20: ...`), not the line of the
 * value it replaced; `context` is added to the others (e.g. a sweep cell).
 */
export function loadScenario(file: string, overrides: readonly OverrideSpec[] = [], context?: string): Scenario {
  const source = readScenarioSource(file);
  try {
    for (const o of overrides) applyOverride(source, overrideAssignment(o), overrideFlag(o));
    return compileScenario(source, {
      readCompanion: (rel) => readFileSync(resolve(dirname(file), rel), 'utf8'),
      knownPolicies: policyNames(),
    });
  } catch (err) {
    throw attributeError(err, overrides, context);
  }
}
