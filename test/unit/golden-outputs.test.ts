/**
 * A guard for refactoring, not a check of correctness: every bundled scenario
 * (scenarios/*.yaml and the test fixtures), under every built-in policy, must
 * give byte-identical results, event logs and decision logs to the ones whose
 * SHA-256 hashes are stored in test/fixtures/golden-hashes.json. Correctness
 * is checked elsewhere against theory and peers; this test says that a change
 * meant to move code (issue 9: one case walker, one set of figures) moved no
 * behaviour. A change meant to alter behaviour rewrites the file, in the same
 * commit, with `UPDATE_GOLDEN=1 npx vitest run test/unit/golden-outputs.test.ts`
 * (and the commit says why the figures changed).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../cli/load-scenario.js';
import { runReplications } from '../../cli/replications.js';
import { addResilience } from '../../simulator/resilience.js';
import { summarize } from '../../simulator/summarize.js';
import { policyNames } from '../../allocation/registry.js';

const HASHES = 'test/fixtures/golden-hashes.json';
const update = process.env.UPDATE_GOLDEN === '1';
const stored: Record<string, { result: string; events: string; decisions: string }> = update ? {} : JSON.parse(readFileSync(HASHES, 'utf8'));
const fresh: typeof stored = {};

const files = [
  ...readdirSync('scenarios')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('scenarios', f)),
  'test/fixtures/mmc.yaml',
  'test/fixtures/live-small.yaml',
];
// each scenario's own horizon (every disruption happens), but the 400-day M/M/c fixture is cut short to keep the
// test fast; two replications check the joining of logs and the figures across replications
const overrides = (file: string) => (file.endsWith('mmc.yaml') ? ['horizon=60d'] : []);
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'autoshift-golden-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (update) writeFileSync(HASHES, JSON.stringify(Object.fromEntries(Object.entries(fresh).sort()), null, 2) + '\n');
});

describe('outputs are byte-identical to the stored hashes', () => {
  for (const file of files) {
    for (const policy of [undefined, ...policyNames()]) {
      const name = `${file} ${policy ?? '(its own policy)'}`;
      it(name, async () => {
        const scenario = loadScenario(file, overrides(file));
        const eventLog = join(dir, 'events.csv'),
          decisionLog = join(dir, 'decisions.jsonl');
        const reps = await runReplications({ scenario, policyName: policy, replications: 2, threads: 1, eventLog, decisionLog });
        const doc = summarize(scenario, policy ?? scenario.policy.name, reps, true);
        addResilience(doc, scenario, reps);
        const got = { result: sha(JSON.stringify(doc, null, 2)), events: sha(readFileSync(eventLog)), decisions: sha(readFileSync(decisionLog)) };
        fresh[name] = got;
        if (!update) expect(got, name).toEqual(stored[name]);
      });
    }
  }
});
