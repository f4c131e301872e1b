/**
 * `autoshift live` checks its --speed against the scenario's short tasks before it connects to
 * anything (workers/speed-guard.ts): far past the faithful speed it refuses (exit code 2, naming
 * the speed it would accept), unless --force. No server is needed: the refusal comes first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoshift } from '../helpers/cli.js';
import { loadScenario } from '../../cli/load-scenario.js';
import { speedAdvice, DEFAULT_HANDOFF_MS } from '../../workers/speed-guard.js';

describe('autoshift live --speed', () => {
  it('refuses a speed ten times past the faithful one, and says which speed is faithful', () => {
    // no hand-off measured in this (empty) cache: the default is used
    process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'autoshift-cache-'));
    const advice = speedAdvice(loadScenario('test/fixtures/live-small.yaml', []), { ms: DEFAULT_HANDOFF_MS, source: 'default' });
    // the bot's extraction (lognormal, mean 40 s) is the shortest step; one in ten lasts under ~28 s
    expect(advice.step).toBe('invoice.extract');
    expect(advice.shortTaskSeconds).toBeGreaterThan(20);
    expect(advice.shortTaskSeconds).toBeLessThan(40);
    const r = autoshift(['live', 'test/fixtures/live-small.yaml', '--speed', String(Math.ceil(advice.hardLimit * 2))]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`At most --speed ${Math.floor(advice.faithfulSpeed)} is faithful`);
    expect(r.stderr).toContain('unless --force');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});
