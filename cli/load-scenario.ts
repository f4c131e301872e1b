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

export function readScenarioSource(file: string): ScenarioSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError([{ file, line: 0, path: '', message: `cannot read the scenario: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return parseScenarioText(text, file);
}

export function loadScenario(file: string, overrides: string[] = []): Scenario {
  const source = readScenarioSource(file);
  for (const o of overrides) applyOverride(source, o);
  return compileScenario(source, {
    readCompanion: (rel) => readFileSync(resolve(dirname(file), rel), 'utf8'),
    knownPolicies: policyNames(),
  });
}
