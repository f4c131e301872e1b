/**
 * Which servers a test run started, so that it stops those and only those
 * (issue 8, item 13). A server found running when a test run began — started
 * by hand, by `npm run infra:up`, or by another worktree's test run — is kept
 * running. Several test runs may share one infra home at once: each holds a
 * lease (a file named by its pid); the last one to end stops what any of them
 * started.
 *
 *   run/test-sessions/<pid>   one per live test run
 *   run/started-by-tests      services a test run started, one per line
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InfraSessionDeps {
  /** the infra home's run directory */
  runDir: string;
  /** whether a process is alive */
  alive: (pid: number) => boolean;
  /** stops the named services (infra/down.sh) */
  stop: (services: string[]) => void;
  log?: (line: string) => void;
}

const sessionsDir = (d: InfraSessionDeps) => join(d.runDir, 'test-sessions');
const startedFile = (d: InfraSessionDeps) => join(d.runDir, 'started-by-tests');

function liveSessions(d: InfraSessionDeps, except: number): number[] {
  if (!existsSync(sessionsDir(d))) return [];
  return readdirSync(sessionsDir(d))
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== except && d.alive(pid));
}

export function startedByTests(d: InfraSessionDeps): string[] {
  if (!existsSync(startedFile(d))) return [];
  return [...new Set(readFileSync(startedFile(d), 'utf8').split('\n').filter(Boolean))];
}

/** A test run begins: its lease; servers a crashed earlier run started are now "found running", not ours to stop. */
export function beginTestSession(d: InfraSessionDeps, pid: number): void {
  mkdirSync(sessionsDir(d), { recursive: true });
  for (const f of readdirSync(sessionsDir(d))) if (!d.alive(Number(f))) rmSync(join(sessionsDir(d), f), { force: true });
  if (liveSessions(d, pid).length === 0) rmSync(startedFile(d), { force: true });
  writeFileSync(join(sessionsDir(d), String(pid)), '');
}

/** A test started these services (they were not running before it asked). */
export function noteStarted(d: InfraSessionDeps, services: string[]): void {
  if (services.length === 0) return;
  mkdirSync(d.runDir, { recursive: true });
  appendFileSync(startedFile(d), services.map((s) => `${s}\n`).join(''));
}

/** A test run ends: the last one out stops what test runs started; returns what it stopped. */
export function endTestSession(d: InfraSessionDeps, pid: number): string[] {
  rmSync(join(sessionsDir(d), String(pid)), { force: true });
  const others = liveSessions(d, pid);
  const started = startedByTests(d);
  if (started.length === 0) return [];
  if (others.length > 0) {
    d.log?.(`infra: leaving ${started.join(', ')} running for the test run(s) still going (pid ${others.join(', ')})`);
    return [];
  }
  d.log?.(`infra: stopping ${started.join(', ')} (started by this test run; servers found running are left alone)`);
  d.stop(started);
  rmSync(startedFile(d), { force: true });
  return started;
}
