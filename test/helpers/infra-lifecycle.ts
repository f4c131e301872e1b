/**
 * vitest global setup: a test run stops the servers it started and keeps the
 * ones it found running (see infra-session.ts). The live tests start what is
 * missing through live-helpers' infraUp, which notes what it started.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { beginTestSession, endTestSession, type InfraSessionDeps } from './infra-session.js';

export function infraSessionDeps(): InfraSessionDeps {
  const home = process.env.AUTOSHIFT_INFRA_HOME ?? join(ROOT, '.infra');
  return {
    runDir: join(home, 'run'),
    alive: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    stop: (services) => {
      const r = spawnSync('bash', [join(ROOT, 'infra', 'down.sh'), ...services], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 180_000 });
      if (r.status !== 0) process.stderr.write(`infra/down.sh ${services.join(' ')} exited with ${r.status}\n`);
    },
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

export default function setup(): () => void {
  const deps = infraSessionDeps();
  beginTestSession(deps, process.pid);
  return () => {
    endTestSession(deps, process.pid);
  };
}
