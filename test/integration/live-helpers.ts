/**
 * Helpers of the live integration tests: local infra through the project's
 * own scripts, a fresh run id per test, reading a whole topic, listing a run's
 * workflows through Temporal visibility. Real servers only: nothing is mocked.
 */
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Kafka } from 'kafkajs';
import { Client, Connection } from '@temporalio/client';
import { ROOT, CLI } from '../helpers/cli.js';
import { noteStarted } from '../helpers/infra-session.js';
import { infraSessionDeps } from '../helpers/infra-lifecycle.js';
import { loadScenario } from '../../cli/load-scenario.js';
import { createPolicy } from '../../allocation/registry.js';
import type { Scenario } from '../../model/scenario.js';
import { startLiveRun, type LiveRun, type LiveRunOptions } from '../../workers/live-run.js';
import { parseEvent, type AnyEvent } from '../../protocol/topics.js';
import { listRunning } from '../../workers/run-workflows.js';

export const FIXTURE = join(ROOT, 'test', 'fixtures', 'live-small.yaml');
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const TEMPORAL = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
/**
 * Timers of a dev server fire up to 1 s late by default (history.timerProcessorMaxTimeShift), which at
 * speed 180 is 3 simulated minutes per task: the live runtime starts Temporal with 10 ms (if it starts it).
 */
export const TEMPORAL_ARGS = process.env.AUTOSHIFT_TEMPORAL_EXTRA_ARGS ?? '--dynamic-config-value history.timerProcessorMaxTimeShift="10ms"';

/** The pid of the infra home's process for the service (infra/lib.sh service_pid), or null when none runs. */
export function servicePid(service: string): number | null {
  const r = spawnSync('bash', ['-c', 'source "$0/infra/lib.sh"; service_pid "$1"', ROOT, service], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const pid = Number(r.stdout.trim());
  return r.status === 0 && Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Starts Kafka and Temporal with infra/up.sh (idempotent); needs the compiled tree for the workflow bundle. */
export function infraUp(): void {
  if (!existsSync(join(ROOT, 'dist', 'workflows', 'index.js'))) {
    const b = spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('npx tsc -p . failed');
  }
  const env = { ...process.env, AUTOSHIFT_TEMPORAL_EXTRA_ARGS: TEMPORAL_ARGS };
  // what runs now is kept running after the tests; what this call starts, the test run stops at its end (test/helpers/infra-lifecycle.ts)
  const wanted = ['kafka', 'temporal'];
  const before = wanted.map(servicePid);
  const r = spawnSync('bash', [join(ROOT, 'infra', 'up.sh'), ...wanted], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 540_000, env });
  noteStarted(infraSessionDeps(), wanted.filter((s, i) => before[i] === null && servicePid(s) !== null));
  if (r.status !== 0) throw new Error(`bash infra/up.sh kafka temporal exited with ${r.status}`);
  // a Temporal started earlier without the timer setting (by hand, or by another suite): restart it with it
  const pidFile = join(process.env.AUTOSHIFT_INFRA_HOME ?? join(ROOT, '.infra'), 'run', 'temporal.pid');
  if (TEMPORAL_ARGS && existsSync(pidFile)) {
    const pid = readFileSync(pidFile, 'utf8').trim();
    let cmdline = '';
    try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { /* not running: up.sh would have failed */ }
    if (cmdline && !(cmdline.includes('timerProcessorMaxTimeShift') && cmdline.includes('enableActivityEagerExecution'))) {
      process.stderr.write('live tests: restarting Temporal with the settings of infra/up.sh (timers on time, eager activities)\n');
      const rr = spawnSync('bash', [join(ROOT, 'infra', 'restart.sh'), 'temporal'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000, env });
      if (rr.status !== 0) throw new Error(`bash infra/restart.sh temporal exited with ${rr.status}`);
    }
  }
}

/**
 * One live test file at a time on this machine (vitest runs files in parallel): they share the servers,
 * the fault tests restart the broker, and the KPI test measures timing. Returns the release function.
 */
export async function exclusiveLiveTests(timeoutMs = 840_000): Promise<() => void> {
  const file = join(tmpdir(), 'autoshift-live-tests.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch {
      let holder = NaN;
      try { holder = Number(readFileSync(file, 'utf8')); } catch { continue; }
      let alive = false;
      try { process.kill(holder, 0); alive = true; } catch { alive = false; }
      if (!alive || !holder) { rmSync(file, { force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`another live test (pid ${holder}) held ${file} for too long`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export function newRunId(name: string): string {
  return `t-${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

export function testLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
}

export function smallScenario(overrides: string[] = []) {
  return loadScenario(FIXTURE, overrides);
}

/**
 * The end offsets of a topic. Right after a broker restart the broker may answer "not the leader"
 * for a while (a retriable error): ask again for up to 60 s instead of failing the test on it.
 */
async function topicOffsets(kafka: Kafka, topic: string): Promise<{ partition: number; high: string }[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await admin.disconnect();
    }
  }
}

/** Every message of a topic from the beginning to its current end, parsed. */
export async function readTopic<T extends AnyEvent = AnyEvent>(kafka: Kafka, topic: string): Promise<{ events: T[]; raw: { value: string; partition: number; offset: string }[] }> {
  const offsets = await topicOffsets(kafka, topic);
  const ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  const left = new Set(offsets.filter((o) => BigInt(o.high) > 0n).map((o) => o.partition));
  const raw: { value: string; partition: number; offset: string }[] = [];
  if (left.size === 0) return { events: [], raw };
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 50 });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => { done = resolve; });
  // by position, not by the last message: the grants topic is transactional and ends in commit markers
  const reached = (partition: number, lastOffset: string) => {
    if (BigInt(lastOffset) + 1n >= ends.get(partition)!) left.delete(partition);
    if (left.size === 0) done();
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, payload.lastOffset));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (BigInt(message.offset) < ends.get(batch.partition)!) raw.push({ value: message.value?.toString('utf8') ?? '', partition: batch.partition, offset: message.offset });
      }
      reached(batch.partition, batch.lastOffset());
    },
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), 30_000); })]);
  clearTimeout(timer);
  await consumer.disconnect();
  const events: T[] = [];
  for (const r of raw) { try { events.push(parseEvent<T>(r.value)); } catch { /* not an event: the caller looks at raw */ } }
  return { events, raw };
}

/** The workflows whose id starts with `prefix`, with their status (Temporal visibility). */
export async function listWorkflows(client: Client, prefix: string): Promise<{ id: string; status: string; runId: string }[]> {
  const out: { id: string; status: string; runId: string }[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH "${prefix}"` })) {
    out.push({ id: w.workflowId, status: w.status.name, runId: w.runId });
  }
  return out;
}

/**
 * After a live test: none of the run's case workflows is still Running (a run that ends leaves none
 * behind, or terminates them). Visibility lags a little behind a termination: it is polled for a while.
 */
export async function expectNoneRunning(scenario: Scenario, runId: string): Promise<void> {
  const connection = await Connection.connect({ address: TEMPORAL });
  const client = new Client({ connection });
  let left: string[] = [];
  try {
    await waitFor(async () => { left = await listRunning(client, scenario, runId); return left.length === 0; }, 20_000, 'visibility', 500);
  } catch (err) {
    throw new Error(`${left.length} case workflows of run ${runId} are still Running, e.g. ${left.slice(0, 3).join(', ')} (${(err as Error).message})`);
  } finally {
    await connection.close();
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `node dist/cli/main.js <args>` as a child process (for kill -9); its stderr is kept in `output.text`. */
export function spawnCli(args: string[], logName: string): ChildProcess & { output: { text: string } } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, KAFKA_BROKERS: BROKERS.join(','), TEMPORAL_ADDRESS: TEMPORAL, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  const output = { text: '' };
  child.stderr!.on('data', (d: Buffer) => {
    output.text += d.toString('utf8');
    if (process.env.LIVE_TEST_VERBOSE) process.stderr.write(`[${logName}] ${d}`);
  });
  return Object.assign(child, { output });
}

/**
 * A live run of `scenario` on the test servers (its policy, speed 180 unless
 * `extra` says otherwise), returned once every demand event's case completed.
 * A run that does not finish in time is stopped before the error is thrown.
 */
export async function runToCompletion(
  name: string, scenario: Scenario, logger: Logger, extra: Partial<LiveRunOptions> = {}, timeoutMs = 120_000,
): Promise<{ run: LiveRun; runId: string }> {
  const runId = newRunId(name);
  const run = await startLiveRun({
    scenario, policy: createPolicy(scenario), brokers: BROKERS, temporalAddress: TEMPORAL, runId, speed: 180, logger, startDelayMs: 1000, ...extra,
  });
  try {
    await run.produced;
    const tally = run.collector!.tally;
    await waitFor(() => tally.demand.size > 0 && tally.cases.size >= tally.demand.size, timeoutMs, 'every case to complete');
  } catch (err) {
    await run.stop().catch(() => undefined);
    throw err;
  }
  return { run, runId };
}
