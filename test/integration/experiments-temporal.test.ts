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
import { exclusiveLiveTests, infraUp, newRunId, spawnCli, TEMPORAL, TEMPORAL_ARGS } from './live-helpers.js';

const QUEUE = newRunId('experiments');
const SWEEP = (seed: number, horizon = '30d') => [
  'sweep',
  'scenarios/invoice-office.yaml',
  '--set',
  'pools.clerks.size=2..7',
  '--set',
  'pools.ocr-bot.size=1..4',
  '--set',
  `horizon=${horizon}`,
  '--set',
  `seed=${seed}`,
  '--replications',
  '3',
  '--json',
];

let release: (() => void) | undefined;
const workers: ChildProcess[] = [];

function startWorker(name: string): ChildProcess {
  const w = spawnCli(['experiment-worker', '--threads', '1', '--task-queue', QUEUE], name);
  workers.push(w);
  return w;
}

function kill9(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) {
      resolve();
      return;
    }
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
      cwd: ROOT,
      env: { ...process.env, AUTOSHIFT_EXPERIMENT_QUEUE: QUEUE, AUTOSHIFT_VERBOSE: '1' },
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      const m = /experiment workflow (\S+)/.exec(stderr);
      if (m && onWorkflow) {
        onWorkflow(m[1]);
        onWorkflow = undefined;
      }
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Freezes (SIGSTOP) every live worker as soon as the server shows a batch of the sweep started on one of
 * them: a frozen worker cannot finish the batch it holds, so it is certainly mid-batch, on a machine of
 * any speed. The holder and the others come back frozen; between two looks the workers run on.
 */
async function freezeMidSweep(client: Client, id: () => string): Promise<{ holder: ChildProcess; others: ChildProcess[]; pending: number }> {
  let seen = 'the experiment workflow id not told yet';
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    if (id() === '') continue;
    const live = workers.filter((w) => w.exitCode === null && w.signalCode === null);
    for (const w of live) w.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 300)); // a completion already on the wire lands first
    const d = await client.workflow.getHandle(id()).describe();
    const pending = d.raw.pendingActivities ?? [];
    seen = `status ${d.status.name}, workers ${live.map((w) => w.pid).join(',')}, pending: ${pending.map((a) => `${String(a.state)}@${String(a.lastWorkerIdentity)}`).join(' ') || 'none'}`;
    if (d.status.name !== 'RUNNING') break;
    const holder = live.find((w) =>
      pending.some((a) => Number(a.state) === 2 /* STARTED */ && Number(String(a.lastWorkerIdentity ?? '').split('@')[0]) === w.pid),
    );
    if (holder) return { holder, others: live.filter((w) => w !== holder), pending: pending.length };
    for (const w of live) w.kill('SIGCONT');
  }
  throw new Error(`no worker was caught holding a batch of the sweep; last seen: ${seen}`);
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
      [
        'compare',
        'scenarios/invoice-office.yaml',
        '--policies',
        'static,reactive',
        '--replications',
        '4',
        '--set',
        'horizon=30d',
        '--set',
        'seed=105',
        '--json',
      ],
      [
        'optimise',
        'test/fixtures/mmc.yaml',
        '--vary',
        'pools.agents.size=1..12',
        '--target',
        'processes.job.slaAttainment>=0.9',
        '--set',
        'horizon=30d',
        '--set',
        'warmup=2d',
        '--json',
      ],
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
    const expected = local(SWEEP(102, '182d')); // replications long enough that a worker is caught mid-batch
    let id = '';
    const running = onTemporal(SWEEP(102, '182d'), (w) => {
      id = w;
    });
    const { holder: victim, others } = await freezeMidSweep(client, () => id);
    for (const w of others) w.kill('SIGCONT');
    await kill9(victim);
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
    const expected = local(SWEEP(103, '182d'));
    let id = '';
    const running = onTemporal(SWEEP(103, '182d'), (w) => {
      id = w;
    });
    // mid-sweep for sure, on any machine: the workers stay frozen (SIGSTOP) through the restart, so no batch
    // can finish meanwhile, and the server holds a batch started on one of them when it goes down
    const { holder, others, pending } = await freezeMidSweep(client, () => id);
    const live = [holder, ...others];
    const rr = spawnSync('bash', [join(ROOT, 'infra', 'restart.sh'), 'temporal'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 300_000,
      env: { ...process.env, AUTOSHIFT_TEMPORAL_EXTRA_ARGS: TEMPORAL_ARGS },
    });
    for (const w of live) w.kill('SIGCONT');
    expect(rr.status).toBe(0);
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);
    console.log(`Temporal restarted with ${pending} batches pending; the sweep finished with the local JSON`);
  }, 600_000);
});
