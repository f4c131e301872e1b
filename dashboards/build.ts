/** `npm run build:dashboards`: writes dashboards/generate.ts's files under the repository root (the current directory). */
import { writeFileSync } from 'node:fs';
import { generatedFiles } from './generate.js';

for (const f of generatedFiles()) {
  writeFileSync(f.path, f.text);
  process.stdout.write(`wrote ${f.path}\n`);
}
