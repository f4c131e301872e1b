/**
 * How reading and validating a scenario grows with the size of the file:
 * the bundled invoice office with 2,000, 20,000 and 200,000 unknown keys
 * appended. Linear reading grows about 10x per 10x keys (quadratic: 100x);
 * before issue 8 item 11, 20,000 keys took ~20 s (the yaml library's
 * duplicate-key check and the line locator were quadratic); after, ~1.2 s.
 *
 *     npm run build && node dist/bench/validate-scaling.js
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseScenarioText } from '../model/scenario-source.js';
import { compileScenario } from '../model/compile-scenario.js';

const base = readFileSync(join(import.meta.dirname, '..', '..', 'scenarios', 'invoice-office.yaml'), 'utf8');
let previous: number | null = null;
console.log('keys      ms    ms/1000 keys   growth per 10x keys');
for (const n of [2_000, 20_000, 200_000]) {
  const text = `${base}${Array.from({ length: n }, (_, i) => `junk${i}: ${i}`).join('\n')}\n`;
  const t0 = performance.now();
  let problems = 0;
  try {
    compileScenario(parseScenarioText(text, 'x.yaml'));
  } catch (err) {
    problems = (err as { issues?: unknown[] }).issues?.length ?? -1;
  }
  const ms = performance.now() - t0;
  console.log(
    `${String(n).padStart(7)} ${ms.toFixed(0).padStart(7)} ${((ms / n) * 1000).toFixed(1).padStart(10)} ${previous ? (ms / previous).toFixed(1).padStart(12) + 'x' : ''}   (${problems} problems)`,
  );
  previous = ms;
}
