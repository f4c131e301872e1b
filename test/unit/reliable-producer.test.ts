/**
 * workers/kafka.ts ReliableProducer and BatchingSender after a broker restart left the idempotent producer's
 * sequence out of step (OUT_OF_ORDER_SEQUENCE_NUMBER, as kafkajs reports it): a new producer takes its place and
 * the event still goes out; any other error keeps the producer.
 */
import { describe, expect, it } from 'vitest';
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, logLevel, type Kafka } from 'kafkajs';
import { pino } from 'pino';
import { BatchingSender, ReliableProducer, isSequenceLost, kafkaLogRoute } from '../../workers/kafka.js';

const outOfOrder = () =>
  new KafkaJSNumberOfRetriesExceeded(
    new KafkaJSProtocolError({
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      code: 45,
      retriable: false,
      message: 'The broker received an out of order sequence number',
    } as never),
    { retryCount: 5, retryTime: 100 } as never,
  );

/**
 * a Kafka whose first `failures` sends fail with `error()`, then accept; `wedged`: the first producer fails
 * every send (as kafkajs does once its sequence is lost)
 */
function fakeKafka(failures: number, error: () => Error, wedged = false) {
  const producers: { sent: unknown[]; disconnected: boolean }[] = [];
  let failed = 0;
  const kafka = {
    producer() {
      const p = { sent: [] as unknown[], disconnected: false };
      producers.push(p);
      const send = async (what: unknown) => {
        if (failed < failures || (wedged && producers[0] === p)) {
          failed++;
          throw error();
        }
        p.sent.push(what);
      };
      return {
        connect: async () => undefined,
        disconnect: async () => {
          p.disconnected = true;
        },
        send,
        sendBatch: send,
      };
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

const logger = pino({ level: 'silent' });

describe('ReliableProducer', () => {
  it('tells a lost sequence from other errors, through the retry wrapper', () => {
    expect(isSequenceLost(outOfOrder())).toBe(true);
    expect(isSequenceLost(new KafkaJSProtocolError({ type: 'UNKNOWN_PRODUCER_ID', code: 59, retriable: false, message: '' } as never))).toBe(true);
    expect(isSequenceLost(new Error('connect ECONNREFUSED 127.0.0.1:9092'))).toBe(false);
    // kafkajs's own warning of it is debug: the replacement is the recovery, said once at info
    expect(kafkaLogRoute(logLevel.WARN, 'The broker received an out of order sequence number')).toBe('debug');
  });

  it('replaces a producer whose sequence is lost, and the send goes through the new one', async () => {
    const { kafka, producers } = fakeKafka(1, outOfOrder, true);
    const p = new ReliableProducer(kafka, logger);
    await p.send('t', [{ key: 'k', value: 'v' }]);
    expect(p.renewed).toBe(1);
    expect(producers).toHaveLength(2);
    expect(producers[0].disconnected).toBe(true);
    expect(producers[0].sent).toEqual([]);
    expect(producers[1].sent).toHaveLength(1);
  });

  it('keeps the producer through an outage (the broker unreachable)', async () => {
    const { kafka, producers } = fakeKafka(2, () => new Error('connect ECONNREFUSED 127.0.0.1:9092'));
    const p = new ReliableProducer(kafka, logger);
    await p.send('t', [{ key: 'k', value: 'v' }]);
    expect(p.renewed).toBe(0);
    expect(producers).toHaveLength(1);
    expect(producers[0].sent).toHaveLength(1);
  });

  it('BatchingSender: the failed batch is rejected (the activity retries) and the next goes through a new producer', async () => {
    const { kafka, producers } = fakeKafka(1, outOfOrder, true);
    const p = new ReliableProducer(kafka, logger);
    const sender = new BatchingSender(p);
    await expect(sender.send('t', { key: 'a', value: '1' })).rejects.toThrow(/out of order/);
    await sender.send('t', { key: 'a', value: '1' });
    expect(p.renewed).toBe(1);
    expect(producers[1].sent).toHaveLength(1);
  });
});
