/**
 * Reads a scenario file, applies command-line overrides (`--set path=value`,
 * `--seed`, `--horizon`) and compiles it. The only place scenario files are read.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseScenarioText, type ScenarioSource } from '../model/scenario-source.js';
import { compileScenario } from '../model/compile-scenario.js';
import { ScenarioError, formatIssue, formatPath, type ScenarioIssue } from '../model/errors.js';
import { analyseFeasibility, type FeasibilityIssue } from '../model/feasibility.js';
import type { Scenario } from '../model/scenario.js';
import { applyOverride } from '../model/overrides.js';
import { policyNames } from '../allocation/registry.js';
import { attributeError, attributeToOverrides, overrideAssignment, overrideFlag, type OverrideSpec } from '../model/sweep-grid.js';

export function readScenarioSource(file: string): ScenarioSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError([
      { file, line: 0, path: '', message: `cannot read the scenario: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` },
    ]);
  }
  return parseScenarioText(text, file);
}

/** The raw scenario's `policy.module`, when it is a text. */
function policyModuleOf(raw: unknown): string | undefined {
  const policy = (raw as { policy?: unknown } | null)?.policy;
  const module = policy !== null && typeof policy === 'object' ? (policy as { module?: unknown }).module : undefined;
  return typeof module === 'string' ? module : undefined;
}

/**
 * The compiled scenario. A problem caused by an override names its flag
 * (`--set pools.clerks.size=abc: ...`, `--seed 1e20: ...`), not the line of the
 * value it replaced; `context` is added to the others (e.g. a sweep cell).
 */
export function loadScenario(file: string, overrides: readonly OverrideSpec[] = [], context?: string, onWarning?: (warning: string) => void): Scenario {
  const source = readScenarioSource(file);
  try {
    for (const o of overrides) {
      const before = policyModuleOf(source.raw);
      applyOverride(source, overrideAssignment(o), overrideFlag(o));
      // a module path given on the command line (--set policy.module=PATH) is relative to the current directory, not to the scenario
      const after = policyModuleOf(source.raw);
      if (after !== undefined && after !== before) (source.raw as { policy: { module: string } }).policy.module = resolve(after);
    }
    const scenario = compileScenario(source, {
      readCompanion: (rel) => readFileSync(resolve(dirname(file), rel), 'utf8'),
      knownPolicies: policyNames(),
    });
    // can a case finish? (model/feasibility.ts): an error where none can, a warning where some cannot
    const found = analyseFeasibility(scenario);
    const issue = (f: FeasibilityIssue): ScenarioIssue => ({ file: source.file, line: source.locate(f.path), path: formatPath(f.path), message: f.message });
    if (found.errors.length) throw new ScenarioError(found.errors.map(issue));
    if (onWarning) for (const w of attributeToOverrides(found.warnings.map(issue), overrides, context)) onWarning(formatIssue(w));
    return scenario;
  } catch (err) {
    throw attributeError(err, overrides, context);
  }
}
