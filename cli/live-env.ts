/**
 * What the live commands share: the servers from the environment
 * (`KAFKA_BROKERS`, `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `LOG_LEVEL`;
 * on an authenticated broker `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD` or
 * `KAFKA_SASL_PASSWORD_FILE`, `KAFKA_SASL_MECHANISM`),
 * one pino root logger per process (on stderr), local infra started through
 * `infra/up.sh`, and a wait for SIGINT/SIGTERM. Composition roots only: the
 * libraries in workers/ take all of this as parameters.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { UsageError } from '../model/errors.js';
import { retrying } from '../workers/retry.js';
import { SASL_MECHANISMS, credentials, kafkaRefusal, refusalMessage, type KafkaCredentials, type SaslMechanism } from '../workers/kafka-credentials.js';

export interface Servers {
  brokers: string[];
  /** the SASL login, when KAFKA_SASL_USERNAME is set */
  sasl?: KafkaCredentials;
  temporalAddress: string;
  namespace: string;
}

export function serversFromEnv(env: NodeJS.ProcessEnv = process.env): Servers {
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    ...(env.KAFKA_SASL_USERNAME ? { sasl: saslFromEnv(env) } : {}),
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
  };
}

/**
 * The SASL login of KAFKA_SASL_USERNAME: the password from KAFKA_SASL_PASSWORD_FILE (its first line; preferred,
 * as a variable's value shows in the process's environment) or KAFKA_SASL_PASSWORD; KAFKA_SASL_MECHANISM
 * scram-sha-512 (default), scram-sha-256 or plain. Errors name the variable or file, never the password.
 */
function saslFromEnv(env: NodeJS.ProcessEnv): KafkaCredentials {
  const mechanism = (env.KAFKA_SASL_MECHANISM ?? 'scram-sha-512').toLowerCase() as SaslMechanism;
  if (!SASL_MECHANISMS.includes(mechanism)) {
    throw new UsageError(`KAFKA_SASL_MECHANISM: expected one of ${SASL_MECHANISMS.join(', ')}, got ${JSON.stringify(env.KAFKA_SASL_MECHANISM)}`);
  }
  let password = env.KAFKA_SASL_PASSWORD;
  const file = env.KAFKA_SASL_PASSWORD_FILE;
  if (file) {
    try {
      password = readFileSync(file, 'utf8').split(/\r?\n/)[0];
    } catch (err) {
      throw new UsageError(`KAFKA_SASL_PASSWORD_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (!password) throw new UsageError(`KAFKA_SASL_PASSWORD_FILE: ${file} is empty`);
  }
  if (!password)
    throw new UsageError(`KAFKA_SASL_USERNAME is set (${env.KAFKA_SASL_USERNAME}) but neither KAFKA_SASL_PASSWORD_FILE nor KAFKA_SASL_PASSWORD is`);
  return credentials(mechanism, env.KAFKA_SASL_USERNAME!, password);
}

/** The process's root logger: JSON lines on stderr, level from LOG_LEVEL. */
export function rootLogger(defaultLevel: string, env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({ level: env.LOG_LEVEL ?? defaultLevel, base: { pid: process.pid } }, pino.destination(2));
}

/** Starts local Kafka and Temporal with the project's scripts (idempotent). */
export function startLocalInfra(parts: string[] = ['kafka', 'temporal']): void {
  // dist/cli/ → the checkout's root; cli/ when run from source
  const script = ['../../infra/up.sh', '../infra/up.sh'].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p));
  if (!script) throw new UsageError("--infra: infra/up.sh not found (expected the project's infra scripts next to dist/)");
  // a dev server's timers fire up to 1 s late by default; the live runtime's work is timers (docs/live.md)
  const env = {
    ...process.env,
    AUTOSHIFT_TEMPORAL_EXTRA_ARGS: process.env.AUTOSHIFT_TEMPORAL_EXTRA_ARGS ?? '--dynamic-config-value history.timerProcessorMaxTimeShift="10ms"',
  };
  const r = spawnSync('bash', [script, ...parts], { stdio: ['ignore', 2, 2], env });
  if (r.status !== 0) throw new UsageError(`--infra: bash infra/up.sh ${parts.join(' ')} failed with exit code ${r.status}`);
}

/** A run id from a flag, or a fresh one: letters, digits, dot, dash, underscore. */
export function runIdOf(flag: unknown, fresh = true): string {
  if (flag === undefined) {
    if (!fresh) throw new UsageError('--run-id is required (the same id for every service of one run)');
    return `r${Date.now().toString(36)}`;
  }
  const id = String(flag);
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(id)) throw new UsageError(`--run-id: expected letters, digits, '.', '_' or '-', got ${JSON.stringify(id)}`);
  return id;
}

export function speedOf(flag: unknown, fallback: number): number {
  if (flag === undefined) return fallback;
  const n = Number(flag);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--speed: expected simulated seconds per wall second above 0, got ${JSON.stringify(flag)}`);
  return n;
}

const CONNECTION_ERRORS = new Set([
  'ServiceError',
  'TransportError',
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSNonRetriableError',
  'KafkaJSBrokerNotFound',
]);

function unreachable(servers: Servers, e: Error): UsageError {
  return new UsageError(
    `cannot reach the servers (Kafka ${servers.brokers.join(',')}, Temporal ${servers.temporalAddress}): ${e.message}; ` +
      'start them with --infra or `bash infra/up.sh kafka temporal`, or set KAFKA_BROKERS and TEMPORAL_ADDRESS',
  );
}

/** A broker's refusal of the login or of a right (ACL) as a user-facing error; null for any other error. */
export function refusalError(servers: Servers, err: unknown): UsageError | null {
  const refusal = kafkaRefusal(err);
  return refusal ? new UsageError(refusalMessage(refusal, servers.brokers, servers.sasl), { cause: err }) : null;
}

/**
 * Runs `start`; a server that cannot be reached, or a broker that refuses the login or a right, becomes a
 * user-facing error (exit code 2, no stack trace).
 */
export async function connecting<T>(servers: Servers, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const refused = refusalError(servers, err);
    if (refused) throw refused;
    const e = err as Error;
    if (!CONNECTION_ERRORS.has(e.name)) throw err;
    throw unreachable(servers, e);
  }
}

/** Wall ms a service waits at start for servers that do not answer yet (`untilServersAnswer`). */
export const SERVICE_START_WAIT_MS = 120_000;

/** Asks Kafka (metadata) and Temporal (system info) once each; throws when either does not answer. */
export async function probeServers(servers: Servers): Promise<void> {
  // loaded here: the experiment worker imports this module too, and needs neither client library
  const [{ Kafka, logLevel }, { Connection }] = await Promise.all([import('kafkajs'), import('@temporalio/client')]);
  const kafka = new Kafka({
    clientId: 'autoshift-probe',
    brokers: servers.brokers,
    ...(servers.sasl ? { sasl: servers.sasl } : {}),
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (err) {
    throw new Error(`Kafka ${servers.brokers.join(',')}: ${(err as Error).message}`, { cause: err });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  let connection: Awaited<ReturnType<typeof Connection.connect>> | undefined;
  try {
    connection = await Connection.connect({ address: servers.temporalAddress, connectTimeout: 3000 });
    await connection.workflowService.getSystemInfo({});
  } catch (err) {
    throw new Error(`Temporal ${servers.temporalAddress}: ${(err as Error).message}`, { cause: err });
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * Until Kafka and Temporal both answer (`probe`), or `forMs` has passed: a service started before its
 * servers, or while one restarts (a broker restart takes tens of seconds on a busy machine), waits for
 * them as it would under a supervisor: one warning when it starts waiting, one line when they answer.
 * Past `forMs` it gives up with the user-facing error of `connecting` (exit code 2); a broker that refuses
 * the login (wrong user or password) at once, since waiting does not change that.
 */
export async function untilServersAnswer(
  servers: Servers,
  logger: Logger,
  forMs = SERVICE_START_WAIT_MS,
  probe: (s: Servers) => Promise<void> = probeServers,
): Promise<void> {
  const t0 = Date.now();
  let waiting = false;
  try {
    await retrying(() => probe(servers), {
      giveUp: (err) => Date.now() - t0 >= forMs || kafkaRefusal(err) !== null,
      onRetry: (err) => {
        if (waiting) return;
        waiting = true;
        logger.warn({ err: (err as Error).message, waitSeconds: forMs / 1000 }, 'servers not answering yet; waiting for them');
      },
    });
  } catch (err) {
    throw refusalError(servers, err) ?? unreachable(servers, err as Error);
  }
  if (waiting) logger.warn({ waitedSeconds: Math.round((Date.now() - t0) / 100) / 10 }, 'servers answer; starting');
}

/** Wall ms after the first SIGINT/SIGTERM past which a process that is still stopping exits anyway. */
export const STOP_GRACE_MS = 15_000;

/**
 * Resolves on the first SIGINT or SIGTERM. From then on the process exits within `graceMs` even if a
 * server does not answer (the services' stops are bounded well below it); a second signal exits at once.
 */
export function untilSignal(graceMs = STOP_GRACE_MS): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (sig: NodeJS.Signals) => {
      if (seen) process.exit(130);
      seen = true;
      setTimeout(() => {
        process.stderr.write(`autoshift: still stopping ${graceMs / 1000} s after ${sig}; exiting\n`);
        process.exit(130);
      }, graceMs).unref();
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * After a live command has done its work: the process exits with `code` once its output is written,
 * even if a client library left a socket or a timer behind (kafkajs after a broker restart).
 */
export function exitWhenDone(code: number, afterMs = 2000): number {
  setTimeout(() => process.exit(code), afterMs).unref();
  return code;
}
