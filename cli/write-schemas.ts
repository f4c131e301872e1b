/** Writes docs/scenario.schema.json and docs/results.schema.json from their sources in model/. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioSchema } from '../model/scenario-schema.js';
import { resultsSchema } from '../model/results-schema.js';

export function schemaFiles(): Record<string, string> {
  return {
    'docs/scenario.schema.json': JSON.stringify(scenarioSchema, null, 2) + '\n',
    'docs/results.schema.json': JSON.stringify(resultsSchema, null, 2) + '\n',
  };
}

if (process.argv[1]?.endsWith('write-schemas.js')) {
  const root = process.argv[2] ?? '.';
  for (const [file, text] of Object.entries(schemaFiles())) writeFileSync(join(root, file), text);
}
