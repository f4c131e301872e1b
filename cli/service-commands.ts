/**
 * One service of the live runtime per process, for several machines:
 * `autoshift worker | allocator | intake | producer`. Every service of one run
 * takes the same `--run-id`; servers come from KAFKA_BROKERS and
 * TEMPORAL_ADDRESS. Each runs until SIGINT/SIGTERM (the producer until it
 * has published up to the horizon) and then stops cleanly.
 */
import { parseArgs, intFlag } from './args.js';
import { UsageError } from '../model/errors.js';
import { loadScenario } from './load-scenario.js';
import type { OverrideSpec } from '../model/sweep-grid.js';
import { resolvePolicy } from './policy-loader.js';
import { parseDuration } from '../model/units.js';
import { startLiveRun, type ServiceName } from '../workers/live-run.js';
import {
  connecting,
  exitWhenDone,
  refusalError,
  rootLogger,
  runIdOf,
  serversFromEnv,
  speedOf,
  untilServersAnswer,
  untilSignal,
  SERVICE_START_WAIT_MS,
} from './live-env.js';

const common = `  --run-id ID         the run (topics autoshift.<ID>.*, task queue autoshift-<ID>); required
  --set PATH=VALUE    override a scenario field (repeatable)
  --horizon D         simulated time of the run (default: the scenario's)
  --metrics-port P    serve /metrics on 127.0.0.1:P (default: none)
  --wait-for-servers D  at start, wait this long for servers that do not answer yet
                      (started later, or restarting; default 2m, 0s = fail at once)
Servers: KAFKA_BROKERS (default 127.0.0.1:9092), TEMPORAL_ADDRESS (default 127.0.0.1:7233).
On an authenticated broker (infra/up.sh --kafka-auth): KAFKA_SASL_USERNAME and
KAFKA_SASL_PASSWORD_FILE (or KAFKA_SASL_PASSWORD), KAFKA_SASL_MECHANISM
(default scram-sha-512); \`bash infra/kafka-user.sh <service>\` prints them.
`;

export const serviceHelp: Record<ServiceName, string> = {
  worker: `Usage: autoshift worker <scenario.yaml> --run-id ID [options]

The Temporal worker of the case workflows and their activities.
Options:
${common}`,
  allocator: `Usage: autoshift allocator <scenario.yaml> --run-id ID [options]

The allocator: replays the run's grants and task events, then grants units
with the scenario's policy; its /metrics also carries the run's outcomes
(cases completed, cycle times, SLA breaches) and the resilience gauges of
each disruption (docs/dashboards.md). Start it on two machines for a hot standby: one
holds the lease and grants, the other takes over within seconds if it dies
(and fences it if it was only paused; docs/live.md).
Options:
  --capped-intake     the intake caps the cases in flight (autoshift intake --max-open-cases): do not
                      hold decisions for the first request of each seeded arrival, which the intake
                      may hold back (docs/live.md, "Time: logical, with a measured lag")
${common}`,
  intake: `Usage: autoshift intake <scenario.yaml> --run-id ID [options]

Starts one case workflow per demand event (consumer group autoshift.<ID>.intake).
Options:
  --max-open-cases N  back-pressure: at most N cases started by this intake in flight; past it new
                      arrivals wait in Kafka (their start lag grows and is reported) instead of
                      slowing every case (default: no cap). The intake then follows the run's case
                      events to see completions (docs/live.md, "Past the ceiling")
${common}`,
  producer: `Usage: autoshift producer <scenario.yaml> --run-id ID --speed N [options]

Publishes the scenario's seeded demand and disruptions at scaled wall-clock time.
Options:
  --speed N           simulated seconds per wall second (default 3600)
  --start-ms T        Unix ms of simulated time 0 (default: now + 1.5 s)
${common}`,
  collector: '',
};

async function runService(name: ServiceName, argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, {
    'run-id': { value: true },
    set: { value: true, repeat: true },
    horizon: { value: true },
    'metrics-port': { value: true },
    speed: { value: true },
    'start-ms': { value: true },
    'wait-for-servers': { value: true },
    // intake only (autoshift live has the same flag)
    ...(name === 'intake' ? { 'max-open-cases': { value: true } } : {}),
    ...(name === 'allocator' ? { 'capped-intake': {} } : {}),
    help: {},
  });
  if (flags.help) {
    process.stdout.write(serviceHelp[name]);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file: autoshift ${name} <scenario.yaml> --run-id ID`);
  const overrides: OverrideSpec[] = [...((flags.set as string[]) ?? [])];
  if (flags.horizon !== undefined) {
    if (Number.isNaN(parseDuration(String(flags.horizon))))
      throw new UsageError(`--horizon: expected a duration like 12h, got ${JSON.stringify(flags.horizon)}`);
    overrides.push({ set: `horizon=${flags.horizon}`, flag: `--horizon ${flags.horizon}` });
  }
  const scenario = loadScenario(positionals[0], overrides);
  const policy = await resolvePolicy(scenario);
  const runId = runIdOf(flags['run-id'], false);
  const speed = speedOf(flags.speed, 3600);
  const metricsPort = flags['metrics-port'] !== undefined ? intFlag(flags, 'metrics-port', 0) : null;
  const maxOpenCases = flags['max-open-cases'] !== undefined ? intFlag(flags, 'max-open-cases', 0, 1) : undefined;
  const logger = rootLogger('info').child({ service: name, runId });
  const startMs = flags['start-ms'] !== undefined ? Number(flags['start-ms']) : undefined;
  if (startMs !== undefined && !Number.isFinite(startMs))
    throw new UsageError(`--start-ms: expected Unix milliseconds, got ${JSON.stringify(flags['start-ms'])}`);
  let waitMs = SERVICE_START_WAIT_MS;
  if (flags['wait-for-servers'] !== undefined) {
    const seconds = parseDuration(String(flags['wait-for-servers']));
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new UsageError(`--wait-for-servers: expected a duration like 30s or 2m, got ${JSON.stringify(flags['wait-for-servers'])}`);
    waitMs = seconds * 1000;
  }
  const servers = serversFromEnv();
  // a service started before its servers, or while one restarts, waits for them
  await untilServersAnswer(servers, logger, waitMs);
  const run = await connecting(servers, () =>
    startLiveRun({
      // the allocator also follows the run's outcomes, so its /metrics carries them (cases, cycle times, SLA)
      scenario,
      policy,
      ...servers,
      runId,
      speed,
      logger,
      // intake with a cap follows the completions too (the same back-pressure as `autoshift live`); the
      // allocator service exports the outcome metrics, so this collector only feeds the cap
      services: name === 'allocator' || (name === 'intake' && maxOpenCases) ? [name, 'collector'] : [name],
      maxOpenCases,
      expectArrivals: !flags['capped-intake'],
      outcomeMetrics: name !== 'intake',
      metricsPort,
      lease: name === 'allocator',
      // a service runs as long as the run: its outcome metrics must not keep every record
      retainOutcomes: false,
      // only the producer sets the clock; the others learn it from the first event
      clock: name === 'producer' ? { startWallMs: startMs ?? Date.now() + 1500, speed } : null,
    }),
  );
  logger.info({ taskQueue: run.taskQueue }, `${name} running`);
  const signalled = untilSignal();
  if (name === 'producer') {
    const result = await Promise.race([run.produced!, signalled.then(() => null)]).catch(async (err: unknown) => {
      // a broker that refuses a write (an ACL) is the user's to fix: its message, not a stack trace
      await run.stop();
      throw refusalError(servers, err) ?? err;
    });
    logger.info({ result }, 'producer finished');
  } else {
    await signalled;
  }
  await run.stop();
  logger.info(`${name} stopped`);
  return exitWhenDone(0);
}

export const workerCommand = (argv: string[]) => runService('worker', argv);
export const allocatorCommand = (argv: string[]) => runService('allocator', argv);
export const intakeCommand = (argv: string[]) => runService('intake', argv);
export const producerCommand = (argv: string[]) => runService('producer', argv);
