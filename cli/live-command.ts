/**
 * `autoshift live <scenario> --speed N`: the live runtime in one process
 * (producer, intake, Temporal worker, allocator, collector) against local
 * infra (`--infra` starts it) or the servers of KAFKA_BROKERS and
 * TEMPORAL_ADDRESS. With `--json`, prints the same result document as
 * `autoshift run --json` (with `"runtime": "live"`) when the horizon ends;
 * with `--event-log`, writes the run's tasks as `autoshift run` does.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_HANDOFF_MS, speedAdvice, type Handoff } from '../workers/speed-guard.js';
import { parseArgs, intFlag } from './args.js';
import { UsageError } from '../model/errors.js';
import { timeseriesCsv } from './timeseries-csv.js';
import { loadScenario } from './load-scenario.js';
import type { OverrideSpec } from '../model/sweep-grid.js';
import { resolvePolicy } from './policy-loader.js';
import { renderSummary } from './run-command.js';
import { parseDuration } from '../model/units.js';
import { startLiveRun } from '../workers/live-run.js';
import { demandTimeline } from '../workers/producer.js';
import { checkRunSizes } from './run-size-check.js';
import { liveTaskRecords } from '../simulator/live-event-log.js';
import { EventLogWriter, attributeColumns } from './event-log-writer.js';
import { prepareOutputFile } from './output-paths.js';
import { connecting, exitWhenDone, rootLogger, runIdOf, serversFromEnv, speedOf, startLocalInfra, untilSignal } from './live-env.js';

export const liveHelp = `Usage: autoshift live <scenario.yaml> --speed N [options]

Runs the scenario on the live runtime: the seeded demand goes through Kafka,
every case is a Temporal workflow, the allocator grants units with the
scenario's policy. Servers: KAFKA_BROKERS (default 127.0.0.1:9092) and
TEMPORAL_ADDRESS (default 127.0.0.1:7233), or --infra to start local ones.
On an authenticated broker (infra/up.sh --kafka-auth): KAFKA_SASL_USERNAME,
KAFKA_SASL_PASSWORD_FILE (or KAFKA_SASL_PASSWORD) and KAFKA_SASL_MECHANISM
(default scram-sha-512), e.g. \`eval "$(bash infra/kafka-user.sh live)"\`;
the run's ACLs first: \`autoshift kafka-acls --run-id ID\` as admin.

Options:
  --speed N           simulated seconds per wall second (3600 = one hour per second; default 3600)
  --horizon D         simulated time to run, e.g. 12h (default: the scenario's horizon)
  --seed N            seed of every random stream (default: the scenario's seed)
  --set PATH=VALUE    override a scenario field (repeatable)
  --json              print the result document (docs/results.schema.json) on stdout at the horizon,
                      with its resilience block, as \`autoshift run --json\` prints it
  --timeseries        include the sampled time series in the document
  --out DIR           write summary.json and timeseries.csv into DIR (as \`autoshift run --out\`)
  --event-log FILE    write every finished task (case, activity, resource, timestamps, warm-up flag) to FILE
                      when the run ends, as \`autoshift run --event-log\` does: CSV, or IEEE 1849 XES when
                      FILE ends in .xes (\`autoshift discover FILE\` reads it back)
  --infra             start local Kafka and Temporal first (bash infra/up.sh kafka temporal)
  --run-id ID         topics, task queue and workflow ids of this run (default: a fresh id)
  --drain             stop arrivals at the horizon and run until every case has finished (figures then
                      cover every case, to the last one's end); without it, the case workflows still
                      running at the horizon are terminated (reason in Temporal) and left out.
                      The scenario's \`drain: true\` means the same; with \`cases: N\` exactly N arrivals
                      are published after the warm-up, whatever the horizon, and the run drains
  --metrics-port P    serve Prometheus metrics on 127.0.0.1:P/metrics (default 9464; 0 = none)
  --max-open-cases N  back-pressure: at most N cases in flight; past it new arrivals wait in Kafka (their
                      start lag grows and is reported) instead of slowing every case (default: no cap;
                      docs/live.md, "Past the ceiling")
  --quiet             no progress line on stderr
  --force             run even at a speed far past the faithful one (see below), or when the size
                      estimate says the run cannot fit in memory (docs/scenario.md, "How big a run is")

Speed: every stamp of a live run is simulated time, so server latency does not
lengthen tasks, and the allocator decides each simulated moment once its events
are in, so the answer is sim's. But a task that lasts less wall time than one
hand-off through the servers (p99 of the last run here, 500 ms until one was
measured) ends before its report can arrive, every later decision waits for it,
and the run falls further behind the wall clock with each task. The command
names the largest faithful speed (one that keeps up) for the scenario's short
tasks, warns above it, and refuses above ten times it unless --force. The
progress line shows the hand-off p99 (docs/live.md: Time).

Ctrl-C stops the producer, stops the services within seconds, terminates the case workflows still
running and prints what was measured (exit code 130); a second Ctrl-C exits at once.
`;

/** Where the last run's hand-off is kept: the speed advice of the next run starts from it. */
function handoffFile(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'autoshift', 'live-handoff.json');
}

function lastHandoff(): Handoff {
  try {
    const saved = JSON.parse(readFileSync(handoffFile(), 'utf8')) as { p99Ms?: unknown; at?: unknown };
    if (typeof saved.p99Ms === 'number' && saved.p99Ms > 0) return { ms: saved.p99Ms, source: `p99 of the last run here, ${String(saved.at)}` };
  } catch {
    /* none yet */
  }
  return { ms: DEFAULT_HANDOFF_MS, source: 'default: no run measured here yet' };
}

function saveHandoff(p99Ms: number): void {
  try {
    mkdirSync(dirname(handoffFile()), { recursive: true });
    writeFileSync(handoffFile(), JSON.stringify({ p99Ms: Math.round(p99Ms), at: new Date().toISOString() }) + '\n');
  } catch {
    /* a cache: not worth failing the run */
  }
}

export async function liveCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    speed: { value: true },
    horizon: { value: true },
    seed: { value: true },
    set: { value: true, repeat: true },
    json: {},
    timeseries: {},
    out: { value: true },
    'event-log': { value: true },
    infra: {},
    force: {},
    'run-id': { value: true },
    drain: {},
    'metrics-port': { value: true },
    quiet: {},
    help: {},
    'max-open-cases': { value: true },
  });
  if (flags.help) {
    process.stdout.write(liveHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one scenario file: autoshift live <scenario.yaml> --speed N');
  const overrides: OverrideSpec[] = [...((flags.set as string[]) ?? [])];
  if (flags.seed !== undefined) overrides.push({ set: `seed=${intFlag(flags, 'seed', 0)}`, flag: `--seed ${flags.seed}` });
  if (flags.horizon !== undefined) {
    if (Number.isNaN(parseDuration(String(flags.horizon))))
      throw new UsageError(`--horizon: expected a duration like 12h, got ${JSON.stringify(flags.horizon)}`);
    overrides.push({ set: `horizon=${flags.horizon}`, flag: `--horizon ${flags.horizon}` });
  }
  const scenario = loadScenario(positionals[0], overrides);
  checkRunSizes([scenario], { command: 'live', force: !!flags.force, replications: 1, threads: 1, eventLog: flags['event-log'] !== undefined });
  const policy = await resolvePolicy(scenario);
  const speed = speedOf(flags.speed, 3600);
  const advice = speedAdvice(scenario, lastHandoff());
  const why =
    `its short tasks (${advice.step}: one in ten lasts under ${advice.shortTaskSeconds.toFixed(1)} simulated s) would last ` +
    `${((advice.shortTaskSeconds / speed) * 1000).toFixed(0)} ms of wall time, against a hand-off of ${advice.handoff.ms.toFixed(0)} ms (${advice.handoff.source})`;
  if (speed > advice.hardLimit && !flags.force) {
    throw new UsageError(
      `--speed ${speed}: the run could not keep up with the wall clock: ${why}. At most --speed ${Math.floor(advice.faithfulSpeed)} is faithful; ` +
        `above ${Math.floor(advice.hardLimit)} autoshift live refuses unless --force (or shorten the run: --horizon)`,
    );
  }
  if (speed > advice.faithfulSpeed && !flags.quiet) {
    process.stderr.write(
      `warning: --speed ${speed} is above the faithful speed ${Math.floor(advice.faithfulSpeed)}: ${why}; the run will fall behind the wall clock (its figures are still sim's)\n`,
    );
  }
  const eventLog = flags['event-log'] as string | undefined;
  if (eventLog !== undefined) prepareOutputFile('--event-log', eventLog);
  const runId = runIdOf(flags['run-id']);
  const metricsPort = intFlag(flags, 'metrics-port', 9464);
  const maxOpenCases = flags['max-open-cases'] !== undefined ? intFlag(flags, 'max-open-cases', 0, 1) : undefined;
  if (flags.infra) startLocalInfra();
  const logger = rootLogger('warn');
  const servers = serversFromEnv();
  const run = await connecting(servers, () =>
    startLiveRun({
      scenario,
      policy,
      ...servers,
      runId,
      speed,
      logger,
      metricsPort: metricsPort === 0 ? null : metricsPort,
      maxOpenCases,
    }),
  );
  const tty = process.stderr.isTTY;
  const progress = flags.quiet
    ? null
    : setInterval(
        () => {
          process.stderr.write(tty ? `\r${run.summaryLine()}\x1b[K` : `${run.summaryLine()}\n`);
        },
        tty ? 500 : 5000,
      );
  const signalled = untilSignal();
  // the scenario's `drain: true` (or `cases: N`, which drains) is --drain; with `cases`, the horizon does not end arrivals
  const drain = !!flags.drain || scenario.drain === true;
  const byCount = scenario.cases !== undefined;
  let interrupted = byCount ? false : await Promise.race([run.horizonReached.then(() => false), signalled.then(() => true)]);
  let drained = false;
  if (!interrupted && drain && run.collector && run.produced) {
    // arrivals stop at the horizon or after the N-th (the producer publishes exactly those); every case started finishes
    const tally = run.collector.tally;
    const arrivals = countArrivals(scenario);
    let waiting = true;
    const allDone = (async () => {
      while (waiting && (tally.demand.size < arrivals || tally.cases.size < tally.demand.size)) await new Promise((r) => setTimeout(r, 200));
    })();
    interrupted = await Promise.race([allDone.then(() => false), signalled.then(() => true)]);
    waiting = false;
    drained = !interrupted;
  }
  if (progress) clearInterval(progress);
  if (!flags.quiet) process.stderr.write(`${tty ? '\r' : ''}${run.summaryLine()}${tty ? '\x1b[K' : ''}\n${interrupted ? 'interrupted: stopping…\n' : ''}`);
  const now = Math.max(0, ((Date.now() - run.clock.startWallMs) * speed) / 1000);
  const latest = run.collector!.tally.latest;
  // the engine's end of a draining run: the last case's end (not before the horizon, unless by `cases`)
  const until = interrupted
    ? byCount
      ? now
      : Math.min(scenario.horizon, now)
    : drained
      ? byCount
        ? latest
        : Math.max(scenario.horizon, latest)
      : scenario.horizon;
  const reason = interrupted ? 'autoshift live: interrupted' : 'autoshift live: the run ended at its horizon (no --drain)';
  const lag = run.allocator?.lagSummary();
  if (lag && lag.count >= 50) saveHandoff(lag.p99Ms);
  const { terminated } = await run.stop({ terminate: drained ? undefined : reason });
  if (terminated && !flags.quiet)
    process.stderr.write(`${terminated} case workflows still running were terminated (${interrupted ? 'interrupted' : '--drain finishes them'})\n`);
  const tally = run.collector!.tally;
  const figures = tally.figures(until);
  const doc = tally.document(
    policy.name,
    figures,
    {
      runId,
      speed,
      startedAt: new Date(run.clock.startWallMs).toISOString(),
      interrupted,
      drained,
      terminated,
      observedUntil: until,
      started: run.intake?.started ?? 0,
      duplicates: run.intake?.duplicates ?? 0,
      deadLettered: run.intake?.deadLettered ?? 0,
      grants: run.allocator?.granted ?? 0,
    },
    !!flags.timeseries,
  );
  if (flags.out) {
    const dir = String(flags.out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(doc, null, 2) + '\n');
    writeFileSync(join(dir, 'timeseries.csv'), timeseriesCsv([figures]));
  }
  if (eventLog !== undefined) {
    const writer = new EventLogWriter(eventLog, scenario.start, 0, true, scenario.name, attributeColumns(scenario));
    for (const record of liveTaskRecords(scenario, tally)) writer.write(record);
    writer.close();
  }
  if (flags.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else process.stdout.write(renderSummary(doc) + '\n');
  return exitWhenDone(interrupted ? 130 : 0);
}

/** How many demand events the run's producer publishes: its own timeline, counted. */
function countArrivals(scenario: Parameters<typeof demandTimeline>[0]): number {
  let n = 0;
  for (const e of demandTimeline(scenario, 'count', { startWallMs: 0, speed: 1 })) if (e.demand) n++;
  return n;
}
