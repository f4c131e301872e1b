/**
 * Benchmark of the live runtime end to end on this machine: offered load in
 * steps (cases per wall second), each step a fresh run with plenty of units
 * (no queueing, so every wait is system latency), and for each step:
 * completed cases per second, grant latency p50/p99 (request → signal, wall
 * ms), per-task overhead beyond the work itself, the Temporal start time, and
 * the CPU each process used (this node process, the Temporal server, the
 * Kafka broker: /proc of the pids in infra's run folder). The step where
 * completions stop keeping up, and who used the CPU there, names the
 * bottleneck. Figures, not a test: nothing here fails on a threshold.
 *
 *   node dist/bench/live.js [--rates 5,10,20,40] [--seconds 20] [--speed 60] [--json]
 *
 * Servers: KAFKA_BROKERS, TEMPORAL_ADDRESS (default: local infra, started by
 * `bash infra/up.sh kafka temporal` first).
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parseScenarioText } from '../model/scenario-source.js';
import { compileScenario } from '../model/compile-scenario.js';
import { createPolicy, policyNames } from '../allocation/registry.js';
import { startLiveRun } from '../workers/live-run.js';
import { installTemporalRuntime } from '../workers/temporal-worker.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const rates = flag('rates', '5,10,20,40').split(',').map(Number);
const seconds = Number(flag('seconds', '20'));
const speed = Number(flag('speed', '60'));
const json = args.includes('--json');
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const temporalAddress = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' }, pino.destination(2));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** One process, a bot step then a person's step, 60 simulated seconds each: 1 s of wall time each at speed 60. */
function benchScenario(casesPerWallSecond: number) {
  const perMinute = (casesPerWallSecond / speed) * 60;
  const units = Math.ceil(casesPerWallSecond * 3 + 20);
  const text = `
name: live-bench
seed: 11
horizon: ${seconds * speed}s
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
  return compileScenario(parseScenarioText(text, 'live-bench.yaml'), { knownPolicies: policyNames() });
}

/** CPU seconds (user + system) of a pid so far, or NaN. */
function cpuSeconds(pid: number | null): number {
  if (!pid) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch { return NaN; }
}

function infraPid(service: 'kafka' | 'temporal'): number | null {
  const home = process.env.AUTOSHIFT_INFRA_HOME ?? `${root}.infra`;
  const f = `${home}/run/${service}.pid`;
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) || null : null;
}

const q = (xs: number[], p: number) => { if (!xs.length) return NaN; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

interface Step {
  offeredPerSecond: number; arrived: number; completed: number; completedPerSecond: number; keptUp: boolean;
  grantP50Ms: number; grantP99Ms: number; overheadP50Ms: number; overheadP99Ms: number; startP50Ms: number; startP99Ms: number;
  cpu: { node: number; temporal: number; kafka: number };
  /** means in ms: a Temporal signal, a Kafka write of a grant batch */
  signalMeanMs: number; grantRecordMeanMs: number;
}

async function meanMs(h: { get(): Promise<{ values: { metricName?: string; value: number }[] }> }): Promise<number> {
  const v = (await h.get()).values;
  const sum = v.find((x) => x.metricName?.endsWith('_sum'))?.value ?? NaN;
  const count = v.find((x) => x.metricName?.endsWith('_count'))?.value ?? NaN;
  return (sum / count) * 1000;
}

async function step(rate: number): Promise<Step> {
  const scenario = benchScenario(rate);
  const runId = `bench-${rate}-${Date.now().toString(36)}`;
  const pids = { temporal: infraPid('temporal'), kafka: infraPid('kafka') };
  const run = await startLiveRun({
    scenario, policy: createPolicy(scenario), brokers, temporalAddress, runId, speed, logger, startDelayMs: 1500, reportStarted: false,
  });
  const cpu0 = { node: process.cpuUsage(), temporal: cpuSeconds(pids.temporal), kafka: cpuSeconds(pids.kafka) };
  const t0 = run.clock.startWallMs;
  await run.produced;
  // completions within the window plus the time one case needs (2 tasks of 1 s) and 3 s of slack
  const tally = run.collector!.tally;
  const deadline = Date.now() + 2000 * (60 / speed) * 2 + 3000;
  while (Date.now() < deadline && tally.cases.size < tally.demand.size) await new Promise((r) => setTimeout(r, 100));
  const wall = (Date.now() - t0) / 1000;
  const cpuNode = process.cpuUsage(cpu0.node);
  const cpu = {
    node: (cpuNode.user + cpuNode.system) / 1e6 / wall,
    temporal: (cpuSeconds(pids.temporal) - cpu0.temporal) / wall,
    kafka: (cpuSeconds(pids.kafka) - cpu0.kafka) / wall,
  };
  const overhead = [...tally.tasks.values()].map((t) => ((t.end - t.start - t.service) * 1000) / speed);
  const grants = run.allocator!.immediateLatenciesMs;
  const starts = run.intake!.startMs;
  const arrived = tally.demand.size, completed = tally.cases.size;
  const signalMeanMs = await meanMs(run.metrics.signal), grantRecordMeanMs = await meanMs(run.metrics.grantRecord);
  await run.stop();
  return {
    offeredPerSecond: rate, arrived, completed, completedPerSecond: completed / wall, keptUp: completed >= arrived * 0.99,
    grantP50Ms: q(grants, 0.5), grantP99Ms: q(grants, 0.99), overheadP50Ms: q(overhead, 0.5), overheadP99Ms: q(overhead, 0.99),
    startP50Ms: q(starts, 0.5), startP99Ms: q(starts, 0.99), cpu, signalMeanMs, grantRecordMeanMs,
  };
}

installTemporalRuntime(logger);
const steps: Step[] = [];
for (const rate of rates) {
  const s = await step(rate);
  steps.push(s);
  if (!json) {
    process.stdout.write(`offered ${s.offeredPerSecond}/s: ${s.completed}/${s.arrived} cases, ${s.completedPerSecond.toFixed(1)}/s ${s.keptUp ? 'kept up' : 'FELL BEHIND'}; `
      + `grant p50 ${s.grantP50Ms.toFixed(0)} ms p99 ${s.grantP99Ms.toFixed(0)} ms; task overhead p50 ${s.overheadP50Ms.toFixed(0)} ms p99 ${s.overheadP99Ms.toFixed(0)} ms; `
      + `start p50 ${s.startP50Ms.toFixed(0)} ms p99 ${s.startP99Ms.toFixed(0)} ms; signal ${s.signalMeanMs.toFixed(1)} ms, grant write ${s.grantRecordMeanMs.toFixed(1)} ms (means); CPU cores: node ${s.cpu.node.toFixed(2)} temporal ${s.cpu.temporal.toFixed(2)} kafka ${s.cpu.kafka.toFixed(2)}\n`);
  }
  if (!s.keptUp) break;
}
const sustained = Math.max(0, ...steps.filter((s) => s.keptUp).map((s) => s.completedPerSecond));
if (json) process.stdout.write(JSON.stringify({ speed, seconds, sustainedCasesPerSecond: sustained, steps }, null, 2) + '\n');
else process.stdout.write(`sustained: ${sustained.toFixed(1)} cases/s end to end (2 tasks per case) on ${brokers.join(',')} + ${temporalAddress}\n`);
process.exit(0);
