/**
 * Stored histories of finished case workflows (test/fixtures/histories/,
 * recorded by test/integration/live-runtime.test.ts on a real Temporal server)
 * replay against the current workflow code without non-determinism errors.
 * No server needed: a change to workflows/ that would break running cases fails here.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJson } from '../../workers/history-json.js';
import { pino } from 'pino';
import { ROOT } from '../helpers/cli.js';
import { caseWorkflowBundle, installTemporalRuntime } from '../../workers/temporal-worker.js';

const dir = join(ROOT, 'test', 'fixtures', 'histories');
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

describe.skipIf(files.length === 0)('stored case workflow histories', () => {
  it('replay against the current workflow code', async () => {
    installTemporalRuntime(pino({ level: 'warn' }, pino.destination(2)));
    const histories = files.map((f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: historyFromJson(readFileSync(join(dir, f), 'utf8')),
    }));
    let n = 0;
    for await (const r of Worker.runReplayHistories({ workflowBundle: await caseWorkflowBundle() }, histories)) {
      expect(r.error, r.workflowId).toBeUndefined();
      n++;
    }
    expect(n).toBe(files.length);
  }, 120_000);
});
