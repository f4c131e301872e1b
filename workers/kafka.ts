/**
 * Kafka plumbing shared by the services: the client (kafkajs logging through
 * pino), topic creation, an idempotent producer whose `send` keeps trying
 * through a broker restart, and a reader that consumes topics from the
 * beginning up to their current end (the allocator's replay).
 */
import { FencedError } from '../model/errors.js';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type ConsumerRunConfig,
  type KafkaMessage,
  type Producer,
  type Message,
  type ProducerConfig,
} from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaLink, meansUnreachable } from './kafka-link.js';
import { retrying } from './retry.js';
import { Topics, topicNames, type TopicId } from '../protocol/topics.js';
import { kafkaRefusal, type KafkaCredentials } from './kafka-credentials.js';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** SASL login on an authenticated broker (workers/kafka-credentials.ts); none = PLAINTEXT */
  sasl?: KafkaCredentials;
}

/**
 * kafkajs warnings that say nothing to an operator here: every idempotent producer warns that its
 * bounded retries "may invalidate EoS guarantees", but a send that runs out of retries is retried
 * whole by its caller (ReliableProducer, TransactionalLog, or Temporal for an activity), so nothing
 * is lost; a message that this writes twice is dropped by its consumers, which deduplicate by id.
 * A consumer re-joining its group after a rebalance is routine.
 */
const QUIET = [
  'Limiting retries for the idempotent producer',
  'The group is rebalancing, re-joining',
  'Restarting the consumer in',
  'The coordinator is not aware of this member, re-joining the group',
  // an idempotent producer's sequence lost in a broker restart: ReliableProducer replaces the producer and says so
  'The broker received an out of order sequence number',
];

const links = new WeakMap<Kafka, KafkaLink>();

/** The link state of a client made by `createKafka` (one per process: one warning per outage). */
export function linkOf(kafka: Kafka): KafkaLink | undefined {
  return links.get(kafka);
}

/**
 * How a kafkajs log line is told to the operator. `Response …` lines are the broker's answers to one
 * request (the group coordinator still loading at start-up, a transaction still being committed):
 * kafkajs retries the retriable ones and hands the others to the caller, who reports them, so they
 * are debug. A line that says the broker cannot be reached goes to the link (one warning per outage).
 */
export function kafkaLogRoute(level: logLevel, message: string, error?: string): 'link' | 'debug' | 'warn' | 'error' {
  if (level > logLevel.WARN) return 'debug';
  if (meansUnreachable(`${message} ${error ?? ''}`)) return 'link';
  if (
    message.startsWith('Response ') ||
    message.startsWith('Crash: ') ||
    message.startsWith('Failed to send messages') ||
    QUIET.some((q) => message.startsWith(q))
  )
    return 'debug';
  return level <= logLevel.ERROR ? 'error' : 'warn';
}

export function createKafka({ brokers, clientId, logger, sasl }: KafkaOptions): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  const link = new KafkaLink(logger.child({ component: 'kafka' }));
  const kafka = new Kafka({
    clientId,
    brokers,
    ...(sasl ? { sasl } : {}),
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, maxRetryTime: 3000, retries: 12 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...extra } = entry;
        const route = kafkaLogRoute(level, message, typeof extra.error === 'string' ? extra.error : undefined);
        if (route === 'link') link.trouble(new Error(`${message}${extra.error ? `: ${String(extra.error)}` : ''}`), 'kafkajs');
        else log[route](extra, message);
      },
  });
  links.set(kafka, link);
  return kafka;
}

/** The producer settings of every writer here: the partitioner chosen explicitly (kafkajs's default since 2.0, murmur2 as Java's). */
export function producerConfig(extra: ProducerConfig = {}): ProducerConfig {
  return { createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, ...extra };
}

/**
 * Runs a consumer and keeps it running. A fetch tells the link the broker answers. kafkajs restarts a
 * consumer itself only after a retriable error; one that a Kafka error stopped for good (a group
 * coordinator that moved or forgot the member while the broker restarted) is connected and run again
 * here, with back-off, until the consumer is disconnected by its owner: a service never goes on alive
 * with a dead consumer. Either is part of the outage (the link's one warning). A crash that is not a
 * Kafka error (the handler threw) is an error of `what`, and the consumer stays down.
 */
export async function keepConsuming(consumer: Consumer, kafka: Kafka, log: Logger, what: string, config: ConsumerRunConfig): Promise<void> {
  const link = linkOf(kafka);
  let disconnected = false;
  const disconnect = consumer.disconnect.bind(consumer);
  consumer.disconnect = async () => {
    disconnected = true;
    await disconnect();
  };
  consumer.on(consumer.events.FETCH, () => link?.ok());
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    const err = payload.error;
    const kafkaError = /^KafkaJS/.test(err?.name ?? '') || meansUnreachable(`${err?.name} ${err?.message}`);
    if (disconnected) return;
    if (!kafkaError) {
      log.error({ err: err?.message, restart: payload.restart }, `${what} crashed`);
      return;
    }
    if (link) link.trouble(err, what);
    else log.warn({ err: err.message, restart: payload.restart }, `${what} crashed`);
    if (payload.restart) return;
    void (async () => {
      for (let waitMs = 500; !disconnected; waitMs = Math.min(2 * waitMs, 5000)) {
        await new Promise((r) => setTimeout(r, waitMs));
        if (disconnected) return;
        try {
          await consumer.connect();
          await consumer.run(config);
          log.debug(`${what} running again`);
          return;
        } catch (e) {
          log.debug({ err: (e as Error).message }, `${what} not running again yet`);
        }
      }
    })();
  });
  await consumer.run(config);
}

/**
 * Creates the run's topics that do not exist yet (idempotent). A broker that has just started may not yet
 * know of topics it just created when asked for their leaders (UNKNOWN_TOPIC_OR_PARTITION, measured right
 * after `infra/up.sh`): that is taken as "not yet", and the whole step is tried again for up to 30 s.
 */
export async function ensureTopics(kafka: Kafka, runId: string, only?: TopicId[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  const notYet = (err: unknown) => ['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE'].includes((err as { type?: string }).type ?? '');
  await retrying(() => createMissingTopics(kafka, runId, only), { giveUp: (err) => !notYet(err) || Date.now() > deadline, onRetry: () => undefined });
}

async function createMissingTopics(kafka: Kafka, runId: string, only?: TopicId[]): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const names = topicNames(runId);
    const existing = new Set(await admin.listTopics());
    const ids = (only ?? (Object.keys(Topics) as TopicId[])).filter((id) => !existing.has(names[id]));
    if (ids.length) {
      await admin
        .createTopics({
          waitForLeaders: true,
          topics: ids.map((id) => ({ topic: names[id], numPartitions: Topics[id].partitions, replicationFactor: 1 })),
        })
        .catch((err: Error & { type?: string }) => {
          if (err.type !== 'TOPIC_ALREADY_EXISTS' && !/already exists/i.test(err.message)) throw err;
        });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Retries a Kafka write (workers/retry.ts) until it succeeds; gives up only when halted, fenced, or refused by the broker (credentials, ACLs). */
async function untilDone<T>(attempt: () => Promise<T>, how: { halt: AbortSignal; logger: Logger; link?: KafkaLink; what: string; topic: string }): Promise<T> {
  const result = await retrying(attempt, {
    giveUp: (err) => err instanceof FencedError || kafkaRefusal(err) !== null,
    signal: how.halt,
    onRetry: (err, n, wait) => {
      if (how.link) how.link.trouble(err, `${how.what} ${how.topic}`);
      else how.logger.warn({ err: (err as Error).message, topic: how.topic, attempt: n, wait }, `${how.what} failed; retrying`);
    },
  });
  how.link?.ok();
  return result;
}

/**
 * An idempotent producer whose `send` retries until it succeeds or `stop()`:
 * a broker restart delays events but loses none. Keys keep order per key.
 *
 * A broker restart can leave an idempotent producer's sequence numbers out of
 * step with the broker's (a request the broker wrote before it went down, that
 * the producer counts as failed): every later send then fails with
 * OUT_OF_ORDER_SEQUENCE_NUMBER, and kafkajs never recovers. So on that error
 * (or UNKNOWN_PRODUCER_ID) a new producer, with a new producer id, takes the
 * old one's place (`renewAfter`); the retried send may repeat an event, which
 * every consumer drops by id (at least once, never lost).
 */
export class ReliableProducer {
  private current: Producer;
  readonly link?: KafkaLink;
  private readonly halted = new AbortController();
  private connected: Promise<void> | null = null;
  /** producers replaced after their sequence was lost */
  renewed = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {
    this.current = this.create();
    this.link = linkOf(kafka);
  }

  private create(): Producer {
    return this.kafka.producer(producerConfig({ idempotent: true, maxInFlightRequests: 1 }));
  }

  get producer(): Producer {
    return this.current;
  }

  connect(): Promise<void> {
    this.connected ??= this.current.connect();
    return this.connected;
  }

  /**
   * After `err` from `failed` (the producer a send used): when the error says its sequence is lost, a new
   * producer replaces it (once, however many sends saw the error) and the next attempt connects it.
   */
  async renewAfter(err: unknown, failed: Producer): Promise<void> {
    if (!isSequenceLost(err) || failed !== this.current) return;
    this.current = this.create();
    this.connected = null;
    this.renewed++;
    // part of recovering from the broker restart that the link already warned of: info, not another warning
    this.logger.info({ renewed: this.renewed }, 'Kafka producer lost its sequence in a broker restart; a new producer takes its place');
    await failed.disconnect().catch(() => undefined);
  }

  async send(topic: string, messages: Message[]): Promise<void> {
    await untilDone(
      async () => {
        await this.connect();
        const used = this.current;
        try {
          await used.send({ topic, messages, acks: -1 });
        } catch (err) {
          await this.renewAfter(err, used);
          throw err;
        }
      },
      {
        halt: this.halted.signal,
        logger: this.logger,
        link: this.link,
        what: 'send',
        topic,
      },
    );
  }

  /** Stops retrying: a send waiting to try again fails now, one in progress at its next error. */
  halt(): void {
    this.halted.abort();
  }

  async stop(): Promise<void> {
    this.halt();
    if (this.connected) await this.current.disconnect().catch(() => undefined);
  }
}

/** An idempotent producer's error after which it never sends again (kafkajs keeps its stale sequence). */
export function isSequenceLost(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.type === 'OUT_OF_ORDER_SEQUENCE_NUMBER' || e.type === 'UNKNOWN_PRODUCER_ID') return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}

function isFenced(err: unknown): boolean {
  for (let e = err as { type?: string; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.type === 'INVALID_PRODUCER_EPOCH' || e.type === 'PRODUCER_FENCED' || e.type === 'TRANSACTION_COORDINATOR_FENCED') return true;
  }
  return false;
}

/**
 * An append-only log written in Kafka transactions with a fixed transactional
 * id: connecting fences every older producer of the same id (its next write
 * fails with FencedError), which is how a new allocator shuts out an old one
 * that is still alive. Readers of the log use read_committed (kafkajs's
 * default), so an aborted write is never seen. Other failures are retried.
 */
export class TransactionalLog {
  readonly producer: Producer;
  private readonly link?: KafkaLink;
  private readonly halted = new AbortController();

  constructor(
    kafka: Kafka,
    transactionalId: string,
    private readonly logger: Logger,
  ) {
    this.producer = kafka.producer(producerConfig({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 30_000 }));
    this.link = linkOf(kafka);
  }

  /**
   * Connects and fences older writers of the same transactional id. kafkajs
   * registers the transactional id only at the first transaction, so an empty
   * one is opened and aborted here: after this returns, an older writer can
   * commit nothing more, and a reader that starts now sees all it committed.
   */
  async connect(): Promise<void> {
    await this.producer.connect();
    const tx = await this.producer.transaction();
    await tx.abort();
  }

  async append(topic: string, messages: Message[]): Promise<void> {
    await untilDone(
      async () => {
        let tx: Awaited<ReturnType<Producer['transaction']>> | null = null;
        try {
          tx = await this.producer.transaction();
          await tx.send({ topic, messages, acks: -1 });
          await tx.commit();
        } catch (err) {
          if (tx) await tx.abort().catch(() => undefined);
          if (isFenced(err)) throw new FencedError(`fenced: another writer took over the log (${(err as Error).message})`, { cause: err });
          throw err;
        }
      },
      { halt: this.halted.signal, logger: this.logger, link: this.link, what: 'transactional write', topic },
    );
  }

  /** Stops retrying: a write waiting to try again fails now, one in progress at its next error. */
  halt(): void {
    this.halted.abort();
  }

  async stop(): Promise<void> {
    this.halt();
    await this.producer.disconnect().catch(() => undefined);
  }
}

/**
 * Sends from many concurrent callers (activities) in shared produce requests:
 * while one request is in flight (the idempotent producer allows one), new
 * messages gather and leave together in the next. One attempt per call: a
 * failure rejects every caller of that request (Temporal retries activities).
 */
export class BatchingSender {
  private pending: { topic: string; message: Message; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly producer: ReliableProducer,
    private readonly maxBatch = 500,
  ) {}

  send(topic: string, message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ topic, message, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length) {
        await this.producer.connect();
        const batch = this.pending.splice(0, this.maxBatch);
        const byTopic = new Map<string, Message[]>();
        for (const p of batch) (byTopic.get(p.topic) ?? byTopic.set(p.topic, []).get(p.topic)!).push(p.message);
        const used = this.producer.producer;
        try {
          await used.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          this.producer.link?.ok();
          for (const p of batch) p.resolve();
        } catch (err) {
          this.producer.link?.trouble(err, 'event publish');
          // a producer whose sequence is lost would fail every later batch: the next one goes through a new one
          await this.producer.renewAfter(err, used);
          for (const p of batch) p.reject(err);
        }
      }
    } catch (err) {
      for (const p of this.pending.splice(0)) p.reject(err);
    } finally {
      this.flushing = false;
    }
  }
}

/**
 * Consumes `topics` from the beginning with a throw-away group. `onMessage` is
 * called in order per partition; `caughtUp` resolves once every partition has
 * reached the end it had when `start` was called (the replay is complete).
 * The consumer goes on delivering new messages after that.
 */
export async function replayAndFollow(options: {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  /** `replayed`: the message was already on the topic when the replay began */
  onMessage: (topic: string, partition: number, message: KafkaMessage, replayed: boolean) => Promise<void> | void;
}): Promise<{ consumer: Consumer; caughtUp: Promise<void> }> {
  const { kafka, topics, onMessage } = options;
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([k]) => k));
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => {
    markCaughtUp = resolve;
  });
  if (pending.size === 0) markCaughtUp();
  const consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 50 });
  // the position, not the last message: transactional topics end in commit markers that no handler sees
  const reached = (topic: string, partition: number, lastOffset: string) => {
    const key = `${topic}/${partition}`;
    if (pending.has(key) && BigInt(lastOffset) + 1n >= ends.get(key)!) {
      pending.delete(key);
      if (pending.size === 0) markCaughtUp();
    }
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.topic, payload.partition, payload.lastOffset));
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await keepConsuming(consumer, kafka, options.logger, 'replay consumer', {
    // commits let a crashed-and-restarted consumer go on where it was; a new incarnation uses a new group
    autoCommit: true,
    autoCommitInterval: 1000,
    eachBatch: async ({ batch, heartbeat }) => {
      const end = ends.get(`${batch.topic}/${batch.partition}`) ?? 0n;
      for (const m of batch.messages) await onMessage(batch.topic, batch.partition, m, BigInt(m.offset) < end);
      reached(batch.topic, batch.partition, batch.lastOffset());
      await heartbeat();
    },
  });
  return { consumer, caughtUp };
}
