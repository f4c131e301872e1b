/**
 * Distributed experiments on a real Temporal server (issue 14): a sweep run as
 * an experiment workflow on two `autoshift experiment-worker` processes gives
 * the same JSON, byte for byte, as the local sweep; so does one whose worker is
 * killed with SIGKILL mid-sweep, and one during which the Temporal server is
 * restarted; and `run --replications`, `compare` and `optimise` with
 * `--on temporal` print the same JSON as locally. The server is shared with the other live tests: this file holds
 * the machine-wide live-test lock throughout (it restarts the server).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ROOT, CLI } from '../helpers/cli.js';
import { exclusiveLiveTests, infraUp, newRunId, spawnCli, TEMPORAL, TEMPORAL_ARGS, waitFor } from './live-helpers.js';
import { progressQuery } from '../../protocol/experiment.js';

const QUEUE = newRunId('experiments');
const SWEEP = (seed: number, horizon = '30d') => ['sweep', 'scenarios/invoice-office.yaml', '--set', 'pools.clerks.size=2..7', '--set', 'pools.ocr-bot.size=1..4',
  '--set', `horizon=${horizon}`, '--set', `seed=${seed}`, '--replications', '3', '--json'];

let release: (() => void) | undefined;
const workers: ChildProcess[] = [];

function startWorker(name: string): ChildProcess {
  const w = spawnCli(['experiment-worker', '--threads', '1', '--task-queue', QUEUE], name);
  workers.push(w);
  return w;
}

function kill9(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) { resolve(); return; }
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
}

function local(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args, '--threads', '2'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** The CLI with --on temporal, as a child; resolves with its stdout, and tells the experiment workflow id as soon as it is known. */
function onTemporal(args: string[], onWorkflow?: (id: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--on', `temporal:${TEMPORAL}`], {
      cwd: ROOT, env: { ...process.env, AUTOSHIFT_EXPERIMENT_QUEUE: QUEUE, AUTOSHIFT_VERBOSE: '1' },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      const m = /experiment workflow (\S+)/.exec(stderr);
      if (m && onWorkflow) { onWorkflow(m[1]); onWorkflow = undefined; }
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function progressOf(client: Client, id: string): Promise<number> {
  try {
    const p = await client.workflow.getHandle(id).query(progressQuery);
    return p.done;
  } catch {
    return 0;
  }
}

describe('experiments on Temporal (real server, two experiment workers)', () => {
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    connection = await Connection.connect({ address: TEMPORAL, channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 } });
    client = new Client({ connection });
    startWorker('w1');
    startWorker('w2');
  }, 900_000);

  afterEach(async () => {
    // every test ends with two live workers
    for (let i = workers.length - 1; i >= 0; i--) if (workers[i].exitCode !== null || workers[i].signalCode !== null) workers.splice(i, 1);
    while (workers.length < 2) startWorker(`w${workers.length + 1}`);
  });

  afterAll(async () => {
    for (const w of workers.splice(0)) await kill9(w);
    await connection?.close();
    release?.();
  }, 60_000);

  it('a sweep on two workers gives the same JSON as the local sweep', async () => {
    const expected = local(SWEEP(101));
    const r = await onTemporal(SWEEP(101));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);
  }, 300_000);

  it('run --replications, compare and optimise on two workers give the same JSON as locally', async () => {
    const commands = [
      ['run', 'scenarios/outage-and-surge.yaml', '--replications', '6', '--set', 'horizon=21d', '--set', 'seed=104', '--json', '--timeseries'],
      ['compare', 'scenarios/invoice-office.yaml', '--policies', 'static,reactive', '--replications', '4', '--set', 'horizon=30d', '--set', 'seed=105', '--json'],
      ['optimise', 'test/fixtures/mmc.yaml', '--vary', 'pools.agents.size=1..12', '--target', 'processes.job.slaAttainment>=0.9', '--set', 'horizon=30d', '--set', 'warmup=2d', '--json'],
    ];
    const outputs: string[] = [];
    for (const args of commands) {
      const expected = local(args);
      const r = await onTemporal(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(r.stderr, args[0]).toMatch(/experiment workflow \S+/); // it did run on Temporal
      expect(r.stdout, `autoshift ${args.join(' ')} --on temporal`).toBe(expected);
      outputs.push(r.stdout);
    }
    expect(JSON.parse(outputs[0]).replications).toBe(6);
    expect(JSON.parse(outputs[1]).ranking).toHaveLength(2);
    expect(JSON.parse(outputs[2]).chosen.values).toEqual({ 'pools.agents.size': 5 });
  }, 420_000);

  it('kill -9 of a worker mid-sweep: the sweep finishes with the same JSON, every cell with its replications once', async () => {
    const expected = local(SWEEP(102, '91d')); // replications long enough that the killed worker is mid-batch
    let id = '';
    const running = onTemporal(SWEEP(102, '91d'), (w) => { id = w; });
    // The worker to kill is one that is running a batch now (its identity is pid@host). To know that for sure
    // on a loaded machine, each worker is frozen (SIGSTOP) before it is looked at: a frozen worker cannot finish
    // the batch it holds, so a batch the server shows as started on it is still mid-run when it is killed.
    let victim: ChildProcess | undefined;
    await waitFor(async () => {
      if (id === '' || (await progressOf(client, id)) < 3) return false;
      for (const w of workers) {
        if (w.exitCode !== null || w.signalCode !== null) continue;
        w.kill('SIGSTOP');
        await new Promise((r) => setTimeout(r, 300)); // a completion already on the wire lands first
        const d = await client.workflow.getHandle(id).describe();
        const holding = (d.raw.pendingActivities ?? []).some((a) => Number(a.state) === 2 /* STARTED */
          && Number(String(a.lastWorkerIdentity ?? '').split('@')[0]) === w.pid);
        if (holding) { victim = w; return true; }
        w.kill('SIGCONT');
      }
      return false;
    }, 120_000, 'a worker running a batch mid-sweep', 20);
    await kill9(victim!);
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);
    const doc = JSON.parse(r.stdout);
    expect(doc.cells).toHaveLength(24);
    for (const c of doc.cells) expect(c.result.replications).toBe(3);
    // the killed worker's batch was run again (a second attempt), and its figures counted once
    const history = await client.workflow.getHandle(id).fetchHistory();
    const attempts = (history.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('a restart of the Temporal server mid-sweep: the sweep finishes with the same JSON', async () => {
    const expected = local(SWEEP(103));
    let id = '';
    const running = onTemporal(SWEEP(103), (w) => { id = w; });
    await waitFor(async () => id !== '' && (await progressOf(client, id)) >= 3, 120_000, 'the sweep to be under way');
    const done = await progressOf(client, id);
    const rr = spawnSync('bash', [join(ROOT, 'infra', 'restart.sh'), 'temporal'], {
      cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000, env: { ...process.env, AUTOSHIFT_TEMPORAL_EXTRA_ARGS: TEMPORAL_ARGS },
    });
    expect(rr.status).toBe(0);
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);
    console.log(`Temporal restarted with ${done} of 72 replications done; the sweep finished with the local JSON`);
  }, 600_000);
});
