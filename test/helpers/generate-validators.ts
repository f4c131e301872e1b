/**
 * Vitest global set-up: writes the scenario validator from the current
 * model/scenario-schema.ts (as `npm run build` does), so unit tests that load
 * scenarios run without a build and never against a stale validator.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { scenarioValidatorCode, scenarioValidatorPath } from '../../cli/write-validators.js';
import { ROOT } from './cli.js';

export default function setup(): void {
  const file = scenarioValidatorPath(join(ROOT, 'dist'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, scenarioValidatorCode());
}
