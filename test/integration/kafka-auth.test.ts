/**
 * The live runtime on an authenticated Kafka broker: a second, SASL/SCRAM
 * broker with ACLs, started by the project's own scripts (`infra/up.sh
 * --kafka-auth`) in a fresh infra home on other ports, so the shared broker
 * on 9092 is left as it is; Temporal is the shared one. Three checks:
 *   1. a short run whose producer, intake, worker and allocator each log in as
 *      their own user (only the rights of protocol/topic-access.ts) turns every
 *      demand event into one completed case, as many as sim draws;
 *   2. a service with a wrong password is refused: exit code 2, a message that
 *      names the user, no stack trace, no password;
 *   3. the producer's user may write demand but not grants.
 * The broker it started is stopped and its home removed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { ROOT } from '../helpers/cli.js';
import { createPolicy } from '../../allocation/registry.js';
import { simulateReplication } from '../../simulator/simulate.js';
import type { Scenario } from '../../model/scenario.js';
import { startLiveRun, type LiveRun, type LiveRunOptions } from '../../workers/live-run.js';
import { createKafka, producerConfig } from '../../workers/kafka.js';
import { credentials, kafkaRefusal, type KafkaCredentials } from '../../workers/kafka-credentials.js';
import { grantRunAccess } from '../../workers/kafka-acls.js';
import { topicNames, type CaseCompletedEvent, type DemandEvent, type GrantEvent } from '../../protocol/topics.js';
import { installTemporalRuntime } from '../../workers/temporal-worker.js';
import { TEMPORAL, exclusiveLiveTests, expectNoneRunning, infraUp, newRunId, readTopic, smallScenario, spawnCli, testLogger, waitFor } from './live-helpers.js';

const PORT = Number(process.env.AUTOSHIFT_AUTH_KAFKA_PORT ?? 29192);
const BROKERS = [`127.0.0.1:${PORT}`];
const HOME = join(tmpdir(), `autoshift-kafka-auth-${process.pid}`);
// the download cache of the shared home: the second broker installs nothing
const CACHE = process.env.AUTOSHIFT_INFRA_CACHE ?? join(process.env.AUTOSHIFT_INFRA_HOME ?? join(ROOT, '.infra'), 'cache');
const INFRA_ENV = {
  ...process.env,
  AUTOSHIFT_INFRA_HOME: HOME,
  AUTOSHIFT_INFRA_CACHE: CACHE,
  KAFKA_PORT: String(PORT),
  KAFKA_CONTROLLER_PORT: String(PORT + 1),
};
const SPEED = 180;

function infra(script: string, args: string[]): void {
  const r = spawnSync('bash', [join(ROOT, 'infra', script), ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: INFRA_ENV, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`bash infra/${script} ${args.join(' ')} exited with ${r.status}`);
}

const login = (user: string): KafkaCredentials =>
  credentials('scram-sha-512', user, readFileSync(join(HOME, 'secrets', 'kafka', `${user}.password`), 'utf8').trim());

describe('live runtime on an authenticated Kafka (SASL/SCRAM + ACLs)', () => {
  const logger = testLogger();
  let release: (() => void) | undefined;
  let admin: Kafka;
  let scenario: Scenario;
  const runId = newRunId('auth');
  const deniedRunId = newRunId('auth-deny');
  const runs: { run: LiveRun; terminate?: string }[] = [];
  let started = false;

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp(); // the shared Temporal (and broker) of the other live tests
    installTemporalRuntime(logger);
    started = true;
    infra('up.sh', ['--kafka-auth', 'kafka']);
    admin = createKafka({ brokers: BROKERS, clientId: 'auth-test-admin', logger, sasl: login('admin') });
    await grantRunAccess(admin, runId);
    await grantRunAccess(admin, deniedRunId, ['producer']);
    scenario = smallScenario(['horizon=30m']);
  }, 600_000);

  afterAll(async () => {
    try {
      // intake stops before the allocator and worker; its stop terminates what is still Running
      for (const r of runs) await r.run.stop(r.terminate ? { terminate: r.terminate } : undefined).catch(() => undefined);
      if (runs.length) await expectNoneRunning(scenario, runId);
    } finally {
      try {
        if (started) infra('down.sh', ['kafka']);
        rmSync(HOME, { recursive: true, force: true });
      } finally {
        release?.();
      }
    }
  }, 180_000);

  it('runs every case when each service logs in as its own user', async () => {
    const policy = createPolicy(scenario);
    const base: Omit<LiveRunOptions, 'services' | 'sasl'> = { scenario, policy, brokers: BROKERS, temporalAddress: TEMPORAL, runId, speed: SPEED, logger };
    // as `autoshift allocator|worker|intake` start: every service but the producer learns the clock from the first event
    const service = async (user: string, services: LiveRunOptions['services'], extra: Partial<LiveRunOptions> = {}) => {
      const run = await startLiveRun({ ...base, services, sasl: login(user), clock: null, retainOutcomes: true, ...extra });
      runs.push({ run, terminate: services!.includes('intake') ? 'test ended' : undefined });
      return run;
    };
    const allocator = await service('allocator', ['allocator', 'collector'], { lease: true });
    await service('worker', ['worker']);
    await service('intake', ['intake']);
    const producer = await service('producer', ['producer'], { clock: { startWallMs: Date.now() + 1500, speed: SPEED } });
    runs.unshift(runs.pop()!); // stopped first
    await producer.produced;
    const tally = allocator.collector!.tally;
    await waitFor(() => tally.demand.size > 0 && tally.cases.size >= tally.demand.size, 150_000, 'every case to complete');

    const t = topicNames(runId);
    const demand = (await readTopic<DemandEvent>(admin, t.demand)).events;
    const completed = (await readTopic<CaseCompletedEvent>(admin, t.cases)).events.filter((e) => e.type === 'case.completed');
    const grants = (await readTopic<GrantEvent>(admin, t.grants)).events;
    const sim = simulateReplication({ scenario, policy, replication: 0 });
    expect(demand.length).toBe(Object.values(sim.processes).reduce((n, p) => n + p.arrived, 0));
    expect(new Set(completed.map((c) => c.caseId))).toEqual(new Set(demand.map((d) => d.id)));
    // human tasks were granted under the allocator's user (its transactional id)
    expect(grants.length).toBeGreaterThan(0);
  }, 300_000);

  it('refuses a wrong password: exit code 2, the user named, no stack trace, no password', async () => {
    const wrong = 'not-the-intake-password-7f3a';
    const child = spawnCli(['intake', join(ROOT, 'test', 'fixtures', 'live-small.yaml'), '--run-id', runId, '--wait-for-servers', '30s'], 'intake-wrong', {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_SASL_USERNAME: 'intake',
      KAFKA_SASL_PASSWORD: wrong,
      KAFKA_SASL_PASSWORD_FILE: '',
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(child.output.text).toMatch(/refused the login of user 'intake' \(SCRAM-SHA-512\)/);
    expect(child.output.text).not.toMatch(/\n\s+at /);
    expect(child.output.text).not.toContain(wrong);
  }, 60_000);

  it("lets the producer's user write demand but not grants", async () => {
    const kafka = createKafka({ brokers: BROKERS, clientId: 'auth-test-producer', logger, sasl: login('producer') });
    const producer = kafka.producer(producerConfig({ retry: { retries: 1 } }));
    await producer.connect();
    const t = topicNames(deniedRunId);
    try {
      await producer.send({ topic: t.demand, messages: [{ value: 'allowed' }] });
      const denied = await producer.send({ topic: t.grants, messages: [{ value: 'forged grant' }] }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(kafkaRefusal(denied)).toMatchObject({ kind: 'authorization', detail: expect.stringMatching(/^TOPIC_AUTHORIZATION_FAILED/) });
    } finally {
      await producer.disconnect();
    }
    // the grants topic holds nothing: the write was refused, not merely reported as failed
    expect((await readTopic(admin, t.grants)).raw).toEqual([]);
  }, 60_000);
});
