/**
 * Benchmark of the live runtime end to end on this machine, against the bare
 * ceiling of the same Temporal server. Offered load in steps (cases per wall
 * second, the same seeded arrivals for both), each step twice, back to back:
 *
 *  - **bare**: workflows of a case's shape (bench/bare-case-workflow.ts: the
 *    same signal, timers, activity and local activities per task) started
 *    straight from this process, the grant signalled straight back: what the
 *    server and one worker process sustain with nothing of autoshift around;
 *  - **autoshift**: a fresh live run (producer → Kafka → intake → case
 *    workflows → Kafka → allocator → grant signal, collector) of the same
 *    process, with plenty of units (nobody queues: every wait is system latency).
 *
 * For each: completed cases per second, whether it kept up, per-task overhead
 * beyond the work itself, signal and start latencies, and the CPU each
 * process used (this node process, the Temporal server, the Kafka broker:
 * /proc of the pids in infra's run folder); then autoshift's share of the
 * bare ceiling, and for autoshift where the time of a task goes (grant
 * latency, the grant write, the signal). Figures, not a test: nothing here
 * fails on a threshold; run the two sides back to back on a machine whose
 * load does not change much in between.
 *
 *   node dist/bench/live.js [--rates 5,10,15,20] [--seconds 20] [--speed 60] [--only bare|autoshift] [--max-open N] [--all] [--warmup 5] [--worker-process] [--json]
 *
 * --max-open N: autoshift with back-pressure, at most N cases in flight (LiveRunOptions.maxOpenCases);
 * --all: every offered load, also past the first at which both sides fell behind (what happens past the ceiling).
 *
 * Servers: KAFKA_BROKERS, TEMPORAL_ADDRESS (default: local infra, started by
 * `bash infra/up.sh kafka temporal` first).
 */
import { readFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { parseScenarioText } from '../model/scenario-source.js';
import { compileScenario } from '../model/compile-scenario.js';
import { createPolicy, policyNames } from '../allocation/registry.js';
import { startLiveRun, type ServiceName } from '../workers/live-run.js';
import { createCaseWorker, installTemporalRuntime } from '../workers/temporal-worker.js';
import { createBotActivities } from '../workers/bot-activities.js';
import { demandTimeline } from '../workers/producer.js';
import { wallAt, type Clock } from '../protocol/clock.js';
import { grantSignal } from '../protocol/signals.js';
import type { BareActivities, BareCaseInput } from './bare-case-workflow.js';

const args = process.argv.slice(2);
const USAGE = `usage: node dist/bench/live.js [--rates 5,10,15,20] [--seconds 20] [--speed 60] [--only bare|autoshift] [--max-open N] [--all] [--warmup 5] [--worker-process] [--json]
  --rates      offered loads, cases per wall second, each run on both sides back to back
  --seconds    wall seconds of demand per load
  --speed      simulated seconds per wall second
  --only       one side only
  --max-open N autoshift with back-pressure: at most N cases in flight
  --all        every load, also past the first at which both sides fell behind
  --warmup S   first a run of S seconds at the lowest load on each side, not counted (servers just
               started are slower: the broker JVM compiles its hot code); 0: none
  --worker-process  autoshift's Temporal worker in a process of its own (\`autoshift worker\`), as deployed
  --json       the figures as JSON
servers: KAFKA_BROKERS, TEMPORAL_ADDRESS (default: local infra; bash infra/up.sh kafka temporal)`;
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const KNOWN = new Set(['--rates', '--seconds', '--speed', '--only', '--max-open', '--all', '--warmup', '--worker-process', '--json']);
const VALUED = new Set(['--rates', '--seconds', '--speed', '--only', '--max-open', '--warmup']);
for (let i = 0; i < args.length; i++) {
  if (!KNOWN.has(args[i])) {
    console.error(`bench/live: unknown argument '${args[i]}'\n${USAGE}`);
    process.exit(2);
  }
  if (VALUED.has(args[i])) i++;
}
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const rates = flag('rates', '5,10,15,20').split(',').map(Number);
const seconds = Number(flag('seconds', '20'));
const warmupSeconds = Number(flag('warmup', '5'));
const separateWorker = args.includes('--worker-process');
const speed = Number(flag('speed', '60'));
const only = flag('only', '');
const json = args.includes('--json');
const all = args.includes('--all');
const maxOpenCases = args.includes('--max-open') ? Number(flag('max-open', '0')) : undefined;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const temporalAddress = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' }, pino.destination(2));
const root = fileURLToPath(new URL('../..', import.meta.url));
/** wall ms of one task's work: 60 simulated seconds */
const TASK_MS = (60 / speed) * 1000;

/** One process, a bot step then a person's step, 60 simulated seconds each: 1 s of wall time each at speed 60. */
function benchScenario(casesPerWallSecond: number, windowSeconds = seconds) {
  return compileScenario(parseScenarioText(benchScenarioText(casesPerWallSecond, windowSeconds), 'live-bench.yaml'), { knownPolicies: policyNames() });
}

function benchScenarioText(casesPerWallSecond: number, windowSeconds: number): string {
  const perMinute = (casesPerWallSecond / speed) * 60;
  const units = Math.ceil(casesPerWallSecond * 3 + 20);
  const text = `
name: live-bench
seed: 11
horizon: ${windowSeconds * speed}s
policy: static
rebalanceEvery: 10m
pools:
  bots: { kind: bot, size: ${units}, skills: [extract], costPerHour: 1 }
  people: { kind: human, size: ${units}, skills: [check], costPerHour: 30 }
processes:
  order:
    sla: 1h
    start: extract
    steps:
      extract: { skill: extract, duration: { dist: constant, value: 60s }, next: check }
      check: { skill: check, duration: { dist: constant, value: 60s } }
demand:
  order: { rate: ${perMinute}/m }
`;
  return text;
}

/** CPU seconds (user + system) of a pid so far, or NaN. */
function cpuSeconds(pid: number | null): number {
  if (!pid) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

function infraPid(service: 'kafka' | 'temporal'): number | null {
  const home = process.env.AUTOSHIFT_INFRA_HOME ?? `${root}.infra`;
  const f = `${home}/run/${service}.pid`;
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) || null : null;
}

const q = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Cpu = { node: number; temporal: number; kafka: number; worker?: number };

/** CPU cores each process used from now until `done()` is called, over `wallSeconds`. */
function cpuMeter(workerPid?: number) {
  const pids = { temporal: infraPid('temporal'), kafka: infraPid('kafka') };
  const node0 = process.cpuUsage();
  const t0 = { temporal: cpuSeconds(pids.temporal), kafka: cpuSeconds(pids.kafka), worker: cpuSeconds(workerPid ?? null) };
  return (wallSeconds: number): Cpu => {
    const n = process.cpuUsage(node0);
    return {
      node: (n.user + n.system) / 1e6 / wallSeconds,
      temporal: (cpuSeconds(pids.temporal) - t0.temporal) / wallSeconds,
      kafka: (cpuSeconds(pids.kafka) - t0.kafka) / wallSeconds,
      ...(workerPid ? { worker: (cpuSeconds(workerPid) - t0.worker) / wallSeconds } : {}),
    };
  };
}

/**
 * `autoshift worker` in a process of its own (--worker-process), as a deployment runs it: the scenario
 * written to a file, the process started and waited for until it says it runs. Returns it, to stop after.
 */
async function workerProcess(scenarioText: string, runId: string): Promise<ChildProcess> {
  const file = join(mkdtempSync(join(tmpdir(), 'autoshift-bench-')), 'live-bench.yaml');
  writeFileSync(file, scenarioText);
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'worker', file, '--run-id', runId], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, KAFKA_BROKERS: brokers.join(','), TEMPORAL_ADDRESS: temporalAddress, LOG_LEVEL: 'info' },
  });
  let text = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      if (text.includes('"msg":"worker running"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`autoshift worker exited (${code}) before it ran:\n${text.slice(-2000)}`)));
  });
  return child;
}

interface Common {
  offeredPerSecond: number;
  arrived: number;
  completed: number;
  completedPerSecond: number;
  keptUp: boolean;
  overheadP50Ms: number;
  overheadP99Ms: number;
  startP50Ms: number;
  startP99Ms: number;
  cpu: Cpu;
}
interface BareStep extends Common {
  signalP50Ms: number;
  signalP99Ms: number;
}
interface AutoshiftStep extends Common {
  grantP50Ms: number;
  grantP99Ms: number;
  /** means in ms: a Temporal signal, a Kafka write of a grant batch */
  signalMeanMs: number;
  grantRecordMeanMs: number;
  /** wall seconds demand waited for admission (--max-open), summed over intake's partitions */
  heldSeconds: number;
}

/** Completions are awaited until every case is done or the window plus one case's time (two tasks) and 3 s of slack. */
async function untilDrained(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 2 * TASK_MS * 2 + 3000;
  while (Date.now() < deadline && !done()) await sleep(100);
}

async function bareStep(rate: number, windowSeconds = seconds): Promise<BareStep> {
  const scenario = benchScenario(rate, windowSeconds);
  const runId = `bare-${rate}-${Date.now().toString(36)}`;
  const taskQueue = `autoshift-${runId}`;
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: temporalAddress });
  const signalMs: number[] = [];
  const overhead: number[] = [];
  const startMs: number[] = [];
  const requested = new Map<string, number>();
  let completed = 0;
  const activities: BareActivities & ReturnType<typeof createBotActivities> = {
    ...createBotActivities({ logger }),
    async request(workflowId, taskId) {
      const t0 = Date.now();
      requested.set(taskId, t0);
      // as the allocator does after its Kafka round trip: a signal, not awaited by the case
      void client.workflow
        .getHandle(workflowId)
        .signal(grantSignal, {
          v: 1,
          type: 'grant',
          grantId: `${runId}-g${requested.size}`,
          taskId,
          caseId: workflowId,
          unit: 'bots#0',
          pool: 'bots',
          at: 0,
          slowdown: 1,
        } as never)
        .then(
          () => {
            signalMs.push(Date.now() - t0);
          },
          () => undefined,
        );
    },
    async finished(_workflowId, taskId) {
      if (taskId === null) completed++;
      else overhead.push(Date.now() - requested.get(taskId)! - TASK_MS);
    },
  };
  const worker = await createCaseWorker({ connection: native, taskQueue, activities: activities as never, workflowsPath: bareWorkflowsPath() });
  const running = worker.run();
  const clock: Clock = { startWallMs: Date.now() + 1500, speed };
  const arrivals = [...demandTimeline(scenario, runId, clock)].flatMap((e) => (e.demand ? [e.demand] : []));
  const meter = cpuMeter();
  const starts: Promise<void>[] = [];
  for (const d of arrivals) {
    const wait = wallAt(clock, d.at) - Date.now();
    if (wait > 0) await sleep(wait);
    const t0 = Date.now();
    const input: BareCaseInput = {
      caseId: d.id,
      tasks: [
        { bot: true, ms: TASK_MS },
        { bot: false, ms: TASK_MS },
      ],
      slaMs: 3600_000 / speed,
    };
    starts.push(
      client.workflow.start('bareCaseWorkflow', { taskQueue, workflowId: d.id, args: [input] }).then(() => {
        startMs.push(Date.now() - t0);
      }),
    );
  }
  await Promise.all(starts);
  await untilDrained(() => completed >= arrivals.length);
  const wall = (Date.now() - clock.startWallMs) / 1000;
  const cpu = meter(wall);
  worker.shutdown();
  await running.catch(() => undefined);
  await native.close();
  await connection.close();
  return {
    offeredPerSecond: rate,
    arrived: arrivals.length,
    completed,
    completedPerSecond: completed / wall,
    keptUp: completed >= arrivals.length * 0.99,
    overheadP50Ms: q(overhead, 0.5),
    overheadP99Ms: q(overhead, 0.99),
    startP50Ms: q(startMs, 0.5),
    startP99Ms: q(startMs, 0.99),
    cpu,
    signalP50Ms: q(signalMs, 0.5),
    signalP99Ms: q(signalMs, 0.99),
  };
}

function bareWorkflowsPath(): string {
  return fileURLToPath(new URL('./bare-case-workflow.js', import.meta.url));
}

async function meanMs(h: { get(): Promise<{ values: { metricName?: string; value: number }[] }> }): Promise<number> {
  const v = (await h.get()).values;
  const sum = v.find((x) => x.metricName?.endsWith('_sum'))?.value ?? NaN;
  const count = v.find((x) => x.metricName?.endsWith('_count'))?.value ?? NaN;
  return (sum / count) * 1000;
}

async function autoshiftStep(rate: number, windowSeconds = seconds): Promise<AutoshiftStep> {
  const scenario = benchScenario(rate, windowSeconds);
  const runId = `bench-${rate}-${Date.now().toString(36)}`;
  const worker = separateWorker ? await workerProcess(benchScenarioText(rate, windowSeconds), runId) : undefined;
  const run = await startLiveRun({
    ...(worker ? { services: ['intake', 'allocator', 'collector', 'producer'] as ServiceName[] } : {}),
    scenario,
    policy: createPolicy(scenario),
    brokers,
    temporalAddress,
    runId,
    speed,
    logger,
    startDelayMs: 1500,
    reportStarted: false,
    maxOpenCases,
  });
  const meter = cpuMeter(worker?.pid);
  const t0 = run.clock.startWallMs;
  await run.produced;
  const tally = run.collector!.tally;
  await untilDrained(() => tally.cases.size >= tally.demand.size);
  const wall = (Date.now() - t0) / 1000;
  const cpu = meter(wall);
  const grants = run.allocator!.immediateLatenciesMs;
  const starts = run.intake!.startMs;
  const arrived = tally.demand.size,
    completed = tally.cases.size;
  // logical time stamps every task exactly: what the hand-offs cost shows as lag (an event's wall arrival behind its simulated moment)
  const lag = run.allocator!.lagSummary();
  const signalMeanMs = await meanMs(run.metrics.signal),
    grantRecordMeanMs = await meanMs(run.metrics.grantRecord);
  const heldMs = run.intake!.heldMs;
  await run.stop({ terminate: 'benchmark step ended' });
  if (worker) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  return {
    offeredPerSecond: rate,
    arrived,
    completed,
    completedPerSecond: completed / wall,
    keptUp: completed >= arrived * 0.99,
    grantP50Ms: q(grants, 0.5),
    grantP99Ms: q(grants, 0.99),
    overheadP50Ms: lag.p50Ms,
    overheadP99Ms: lag.p99Ms,
    startP50Ms: q(starts, 0.5),
    startP99Ms: q(starts, 0.99),
    cpu,
    signalMeanMs,
    grantRecordMeanMs,
    heldSeconds: heldMs / 1000,
  };
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const cpuText = (c: Cpu) =>
  `CPU cores node ${c.node.toFixed(2)}${c.worker !== undefined ? ` worker ${c.worker.toFixed(2)}` : ''} temporal ${c.temporal.toFixed(2)} kafka ${c.kafka.toFixed(2)}`;

installTemporalRuntime(logger);
if (warmupSeconds > 0) {
  // servers just started run the first minute slower (measured: autoshift 8.4/s at 15/s offered right after
  // infra/up.sh, 12.4 and 11.9/s in the next two runs): warm them up on each side, and count nothing of it
  const lowest = Math.min(...rates);
  if (only !== 'autoshift') await bareStep(lowest, warmupSeconds);
  if (only !== 'bare') await autoshiftStep(lowest, warmupSeconds);
  if (!json) process.stdout.write(`warm-up: ${warmupSeconds} s at ${lowest}/s on each side, not counted\n`);
}
const bare: BareStep[] = [];
const auto: AutoshiftStep[] = [];
for (const rate of rates) {
  if (only !== 'autoshift') {
    const b = await bareStep(rate);
    bare.push(b);
    if (!json)
      process.stdout.write(
        `bare      ${rate}/s: ${b.completed}/${b.arrived} cases, ${b.completedPerSecond.toFixed(1)}/s ${b.keptUp ? 'kept up' : 'FELL BEHIND'}; ` +
          `task overhead p50 ${f0(b.overheadP50Ms)} ms p99 ${f0(b.overheadP99Ms)} ms; start p50 ${f0(b.startP50Ms)} ms p99 ${f0(b.startP99Ms)} ms; signal p50 ${f0(b.signalP50Ms)} ms p99 ${f0(b.signalP99Ms)} ms; ${cpuText(b.cpu)}\n`,
      );
  }
  if (only !== 'bare') {
    const s = await autoshiftStep(rate);
    auto.push(s);
    if (!json)
      process.stdout.write(
        `autoshift ${rate}/s: ${s.completed}/${s.arrived} cases, ${s.completedPerSecond.toFixed(1)}/s ${s.keptUp ? 'kept up' : 'FELL BEHIND'}; ` +
          `grant p50 ${f0(s.grantP50Ms)} ms p99 ${f0(s.grantP99Ms)} ms; lag p50 ${f0(s.overheadP50Ms)} ms p99 ${f0(s.overheadP99Ms)} ms; ` +
          `start p50 ${f0(s.startP50Ms)} ms p99 ${f0(s.startP99Ms)} ms; held ${s.heldSeconds.toFixed(1)} s; signal ${s.signalMeanMs.toFixed(1)} ms, grant write ${s.grantRecordMeanMs.toFixed(1)} ms (means); ${cpuText(s.cpu)}\n`,
      );
  }
  const b = bare[bare.length - 1],
    s = auto[auto.length - 1];
  if (!all && (!b || !b.keptUp) && (!s || !s.keptUp)) break;
}
/** the highest completed rate among the steps that kept up (or, if none did, the highest reached) */
const sustained = (steps: Common[]) => {
  const kept = steps.filter((s) => s.keptUp);
  return Math.max(0, ...(kept.length ? kept : steps).map((s) => s.completedPerSecond));
};
const ceiling = sustained(bare),
  reached = sustained(auto);
if (!json) {
  // step by step: autoshift's completions over the bare ones at the same offered load (past the ceiling too)
  for (const b of bare) {
    const s = auto.find((a) => a.offeredPerSecond === b.offeredPerSecond);
    if (s)
      process.stdout.write(
        `share at ${b.offeredPerSecond}/s offered: ${((100 * s.completedPerSecond) / b.completedPerSecond).toFixed(0)}% (${s.completedPerSecond.toFixed(1)} / ${b.completedPerSecond.toFixed(1)} cases/s)\n`,
      );
  }
}
if (json)
  process.stdout.write(
    JSON.stringify(
      { speed, seconds, bareCeilingCasesPerSecond: ceiling, autoshiftCasesPerSecond: reached, share: reached / ceiling, bare, autoshift: auto },
      null,
      2,
    ) + '\n',
  );
else {
  process.stdout.write(
    `sustained: bare ${ceiling.toFixed(1)} cases/s, autoshift ${reached.toFixed(1)} cases/s (2 tasks per case) on ${brokers.join(',')} + ${temporalAddress}` +
      (bare.length && auto.length ? `: autoshift reaches ${((100 * reached) / ceiling).toFixed(0)}% of the bare ceiling\n` : '\n'),
  );
}
process.exit(0);
