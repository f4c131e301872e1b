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
import { meansUnreachable } from '../../workers/kafka-link.js';

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
  noteStarted(
    infraSessionDeps(),
    wanted.filter((s, i) => before[i] === null && servicePid(s) !== null),
  );
  if (r.status !== 0) throw new Error(`bash infra/up.sh kafka temporal exited with ${r.status}`);
  // a Temporal started earlier without the timer setting (by hand, or by another suite): restart it with it
  const pidFile = join(process.env.AUTOSHIFT_INFRA_HOME ?? join(ROOT, '.infra'), 'run', 'temporal.pid');
  if (TEMPORAL_ARGS && existsSync(pidFile)) {
    const pid = readFileSync(pidFile, 'utf8').trim();
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      /* not running: up.sh would have failed */
    }
    if (cmdline && !(cmdline.includes('timerProcessorMaxTimeShift') && cmdline.includes('enableActivityEagerExecution'))) {
      process.stderr.write('live tests: restarting Temporal with the settings of infra/up.sh (timers on time, eager activities)\n');
      const rr = spawnSync('bash', [join(ROOT, 'infra', 'restart.sh'), 'temporal'], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: 300_000,
        env,
      });
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
      try {
        holder = Number(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (!alive || !holder) {
        rmSync(file, { force: true });
        continue;
      }
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
 * Wall ms of the last broker restart measured in this test file (`restartBroker`): from the restart
 * script's start until a fresh consumer group read a topic again. 0 until a restart was measured.
 */
let brokerRecoveryMs = 0;

/** The last measured broker recovery in ms (0 when this file restarted no broker). */
export function measuredBrokerRecoveryMs(): number {
  return brokerRecoveryMs;
}

/**
 * A budget for waiting on Kafka: `baseMs` (what the wait needs on a healthy broker) plus twice the
 * broker recovery measured in this file, since a wait that began just before a restart sits out a
 * whole recovery and then catches up. On a loaded machine the recovery is long, and so is the budget.
 */
export function kafkaBudgetMs(baseMs: number): number {
  return baseMs + 2 * brokerRecoveryMs;
}

/** A Kafka error worth asking again after: retriable by kafkajs, or one that says the broker is (still) unreachable ("Broker not connected" is a plain Error). */
function worthRetrying(err: unknown): boolean {
  const e = err as { retriable?: boolean; name?: string; message?: string };
  return e.retriable === true || meansUnreachable(`${e.name ?? ''} ${e.message ?? ''}`);
}

/** The end offsets of a topic; a broker that is restarting or still electing leaders is asked again within `budgetMs`. */
async function topicOffsets(kafka: Kafka, topic: string, budgetMs: number): Promise<{ partition: number; high: string }[]> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (!worthRetrying(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** a message as read; `timestamp`: its Kafka timestamp (Unix ms, the producer's clock when it was sent) */
type RawMessage = { value: string; partition: number; offset: string; timestamp: number };

/**
 * One attempt at reading a topic up to `ends` with a fresh consumer group. Rejects when the consumer
 * crashes for good (kafkajs restarts it only after retriable errors; a group coordinator that moved
 * during a broker restart answers with a non-retriable one) or when it made no progress for `stallMs`.
 */
async function readOnce(kafka: Kafka, topic: string, ends: Map<number, bigint>, stallMs: number): Promise<RawMessage[]> {
  const left = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const raw: RawMessage[] = [];
  if (left.size === 0) return raw;
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 50, retry: { retries: 5 } });
  let lastProgress = Date.now();
  let settle!: (err?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  // by position, not by the last message: the grants topic is transactional and ends in commit markers
  const reached = (partition: number, lastOffset: string) => {
    lastProgress = Date.now();
    if (BigInt(lastOffset) + 1n >= ends.get(partition)!) left.delete(partition);
    if (left.size === 0) settle();
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, payload.lastOffset));
  consumer.on(consumer.events.GROUP_JOIN, () => {
    lastProgress = Date.now();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) settle(payload.error);
  });
  const watchdog = setInterval(() => {
    if (Date.now() - lastProgress > stallMs) settle(new Error(`no progress reading ${topic} for ${stallMs} ms`));
  }, 250);
  try {
    // connecting is watched too: against a broker that is restarting, it can hang or fail
    void (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (BigInt(message.offset) < ends.get(batch.partition)!)
              raw.push({
                value: message.value?.toString('utf8') ?? '',
                partition: batch.partition,
                offset: message.offset,
                timestamp: Number(message.timestamp),
              });
          }
          reached(batch.partition, batch.lastOffset());
        },
      });
    })().catch((err: Error) => settle(err));
    await finished;
    return raw;
  } finally {
    clearInterval(watchdog);
    await consumer.disconnect().catch(() => undefined);
  }
}

/**
 * Every message of a topic from the beginning to its current end, parsed. A consumer that a broker
 * restart leaves stuck or crashed is thrown away and the topic read again by a new one (a new group),
 * within a budget derived from the measured broker recovery (`kafkaBudgetMs`).
 */
export async function readTopic<T extends AnyEvent = AnyEvent>(kafka: Kafka, topic: string): Promise<{ events: T[]; raw: RawMessage[] }> {
  const budgetMs = kafkaBudgetMs(60_000);
  const deadline = Date.now() + budgetMs;
  const offsets = await topicOffsets(kafka, topic, budgetMs);
  const ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  // a healthy broker serves a new group within seconds (infra sets no initial rebalance delay); a recovering one within its recovery
  const stallMs = 20_000 + brokerRecoveryMs;
  let raw: RawMessage[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      raw = await readOnce(kafka, topic, ends, stallMs);
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`reading ${topic} failed after ${attempt} attempts in ${budgetMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const events: T[] = [];
  for (const r of raw) {
    try {
      events.push(parseEvent<T>(r.value));
    } catch {
      /* not an event: the caller looks at raw */
    }
  }
  return { events, raw };
}

/**
 * Restarts the broker with infra/restart-kafka.sh, then waits until a fresh consumer group reads
 * `probeTopic` again (the group coordinator has reloaded its state, which the script's own health check
 * does not wait for). The whole time is recorded as the broker recovery that `kafkaBudgetMs` scales with.
 */
export async function restartBroker(kafka: Kafka, probeTopic: string): Promise<{ scriptMs: number; recoveryMs: number }> {
  const t0 = Date.now();
  const r = spawnSync('bash', [join(ROOT, 'infra', 'restart-kafka.sh')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  if (r.status !== 0) throw new Error(`bash infra/restart-kafka.sh exited with ${r.status}`);
  const scriptMs = Date.now() - t0;
  brokerRecoveryMs = Math.max(brokerRecoveryMs, scriptMs);
  await readTopic(kafka, probeTopic);
  brokerRecoveryMs = Math.max(brokerRecoveryMs, Date.now() - t0);
  return { scriptMs, recoveryMs: Date.now() - t0 };
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
    await waitFor(
      async () => {
        left = await listRunning(client, scenario, runId);
        return left.length === 0;
      },
      20_000,
      'visibility',
      500,
    );
  } catch (err) {
    throw new Error(`${left.length} case workflows of run ${runId} are still Running, e.g. ${left.slice(0, 3).join(', ')} (${(err as Error).message})`);
  } finally {
    await connection.close();
  }
}

/**
 * Stops a test's live run, terminating the case workflows it left running, and checks that none of
 * them is still Running (the end of every live test).
 */
export async function stopRunChecked(run: LiveRun, scenario: Scenario, runId: string): Promise<void> {
  await run.stop({ terminate: 'test ended' }).catch(() => undefined);
  await expectNoneRunning(scenario, runId);
}

/**
 * The `afterAll` of a live test file: its run (if it got one) stopped and checked (`stopRunChecked`),
 * then the machine-wide live-test lock released, whatever happened before.
 */
export async function endLiveTests(release: (() => void) | undefined, ended: { run?: LiveRun; scenario?: Scenario; runId?: string } = {}): Promise<void> {
  try {
    if (ended.run && ended.scenario && ended.runId) await stopRunChecked(ended.run, ended.scenario, ended.runId);
  } finally {
    release?.();
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `node dist/cli/main.js <args>` as a child process (for kill -9), with `env` on top of the test's; its stderr is kept in `output.text`. */
export function spawnCli(args: string[], logName: string, env: NodeJS.ProcessEnv = {}): ChildProcess & { output: { text: string } } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, KAFKA_BROKERS: BROKERS.join(','), TEMPORAL_ADDRESS: TEMPORAL, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
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
/**
 * How late the allocator took events in this run, in simulated seconds: the largest hand-off of the last
 * minute past the settle time when it counted a late event (`autoshift_late_events_total`: one it did not
 * expect, or whose wait timed out), else 0 (the decision barrier took every event at its moment).
 */
export async function lateExcessSeconds(run: LiveRun, speed: number): Promise<{ lateEvents: number; excessSeconds: number; text: string }> {
  const lag = run.allocator!.lagSummary();
  const lateEvents = (await run.metrics.lateEvents.get()).values.reduce((n, v) => n + v.value, 0);
  const excessSeconds = lateEvents ? (Math.max(0, lag.maxMs - run.allocator!.settleMs) * speed) / 1000 : 0;
  const text = `hand-off to the allocator: p50 ${lag.p50Ms.toFixed(0)} ms, p99 ${lag.p99Ms.toFixed(0)} ms, max ${lag.maxMs.toFixed(0)} ms of ${lag.count} events; settle ${run.allocator!.settleMs} ms; ${lateEvents} late events, up to ${excessSeconds.toFixed(1)} simulated s`;
  return { lateEvents, excessSeconds, text };
}

export async function runToCompletion(
  name: string,
  scenario: Scenario,
  logger: Logger,
  extra: Partial<LiveRunOptions> = {},
  timeoutMs = 120_000,
): Promise<{ run: LiveRun; runId: string }> {
  const runId = newRunId(name);
  const run = await startLiveRun({
    scenario,
    policy: createPolicy(scenario),
    brokers: BROKERS,
    temporalAddress: TEMPORAL,
    runId,
    speed: 180,
    logger,
    startDelayMs: 1000,
    ...extra,
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
