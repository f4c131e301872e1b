/**
 * A test run stops the servers it started and keeps the ones it found running
 * (issue 8, item 13), also when several test runs share one infra home.
 * The processes and infra/down.sh are injected fakes: nothing real is stopped here.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beginTestSession, endTestSession, noteStarted, startedByTests, type InfraSessionDeps } from '../helpers/infra-session.js';

function world(alivePids: number[]) {
  const alive = new Set(alivePids);
  const stopped: string[][] = [];
  const deps: InfraSessionDeps = {
    runDir: join(mkdtempSync(join(tmpdir(), 'infra-session-')), 'run'),
    alive: (pid) => alive.has(pid),
    stop: (s) => stopped.push(s),
  };
  return { deps, stopped, alive };
}

describe('infra session: stop what the tests started, keep what was found running', () => {
  it('servers found running are not stopped', () => {
    const { deps, stopped } = world([100]);
    beginTestSession(deps, 100);
    // infraUp found kafka and temporal running: it notes nothing
    noteStarted(deps, []);
    expect(endTestSession(deps, 100)).toEqual([]);
    expect(stopped).toEqual([]);
  });

  it('a server the test run started is stopped at its end, once', () => {
    const { deps, stopped } = world([100]);
    beginTestSession(deps, 100);
    noteStarted(deps, ['kafka', 'temporal']);
    noteStarted(deps, ['kafka']); // a second test file found it running again: still one entry
    expect(startedByTests(deps)).toEqual(['kafka', 'temporal']);
    expect(endTestSession(deps, 100)).toEqual(['kafka', 'temporal']);
    expect(stopped).toEqual([['kafka', 'temporal']]);
    expect(startedByTests(deps)).toEqual([]);
  });

  it('two test runs at once: the last one out stops what either started', () => {
    const { deps, stopped, alive } = world([100, 200]);
    beginTestSession(deps, 100);
    beginTestSession(deps, 200);
    noteStarted(deps, ['kafka']); // run 100 started kafka; run 200 uses it
    expect(endTestSession(deps, 100)).toEqual([]);
    alive.delete(100);
    expect(stopped).toEqual([]);
    expect(endTestSession(deps, 200)).toEqual(['kafka']);
    expect(stopped).toEqual([['kafka']]);
  });

  it('a second run that begins while the first is going does not forget what the first started', () => {
    const { deps, stopped } = world([100, 200]);
    beginTestSession(deps, 100);
    noteStarted(deps, ['temporal']);
    beginTestSession(deps, 200);
    expect(startedByTests(deps)).toEqual(['temporal']);
    endTestSession(deps, 200);
    expect(stopped).toEqual([]);
    expect(endTestSession(deps, 100)).toEqual(['temporal']);
  });

  it('servers a crashed earlier run started are found running by the next run, and kept', () => {
    const { deps, stopped } = world([300]);
    mkdirSync(join(deps.runDir, 'test-sessions'), { recursive: true });
    writeFileSync(join(deps.runDir, 'test-sessions', '100'), ''); // pid 100 is dead
    writeFileSync(join(deps.runDir, 'started-by-tests'), 'kafka\n');
    beginTestSession(deps, 300);
    expect(startedByTests(deps)).toEqual([]);
    expect(endTestSession(deps, 300)).toEqual([]);
    expect(stopped).toEqual([]);
  });
});
