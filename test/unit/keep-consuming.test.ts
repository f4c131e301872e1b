/**
 * keepConsuming (workers/kafka.ts): a consumer that kafkajs gives up on after a non-retriable Kafka
 * error (it does not restart it) is connected and run again, so a service never stays alive with a
 * dead consumer; a crash of the handler itself is an error and is not retried in a loop; a consumer its
 * owner disconnected stays down. The consumer here is a stand-in object with kafkajs's event surface:
 * this checks our restart logic, the broker itself is exercised in test/integration/faults.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Kafka, type Consumer } from 'kafkajs';
import { pino } from 'pino';
import { keepConsuming } from '../../workers/kafka.js';

function standIn() {
  const emitter = new EventEmitter();
  const calls = { connect: 0, run: 0, disconnect: 0 };
  const consumer = {
    events: { FETCH: 'consumer.fetch', CRASH: 'consumer.crash' },
    on: (event: string, listener: (e: unknown) => void) => {
      emitter.on(event, listener);
      return () => emitter.off(event, listener);
    },
    connect: async () => {
      calls.connect++;
    },
    run: async () => {
      calls.run++;
    },
    disconnect: async () => {
      calls.disconnect++;
    },
  };
  const crash = (error: Error, restart: boolean) => emitter.emit('consumer.crash', { payload: { error, restart, groupId: 'g' } });
  return { consumer: consumer as unknown as Consumer, calls, crash };
}

const kafkaError = (message: string) => Object.assign(new Error(message), { name: 'KafkaJSProtocolError', retriable: false });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = pino({ level: 'silent' });
const kafka = new Kafka({ brokers: ['127.0.0.1:1'] }); // never connected: only its identity is used

describe('keepConsuming', () => {
  it('runs a consumer that a non-retriable Kafka error stopped again', async () => {
    const { consumer, calls, crash } = standIn();
    await keepConsuming(consumer, kafka, log, 'test consumer', { eachMessage: async () => undefined });
    expect(calls.run).toBe(1);
    crash(kafkaError('The coordinator is not aware of this member'), false);
    // after a back-off of 500 ms; waited for without a deadline of its own (a loaded machine is slow)
    while (calls.run < 2) await sleep(50);
    expect(calls).toMatchObject({ connect: 1, run: 2 });
    await consumer.disconnect();
  });

  it('leaves a restart to kafkajs when kafkajs restarts it, and a handler that threw down', async () => {
    const { consumer, calls, crash } = standIn();
    await keepConsuming(consumer, kafka, log, 'test consumer', { eachMessage: async () => undefined });
    crash(kafkaError('Request timed out'), true);
    crash(new TypeError('handler bug'), false);
    await sleep(900);
    expect(calls.run).toBe(1);
  });

  it('does not run again a consumer its owner disconnected', async () => {
    const { consumer, calls, crash } = standIn();
    await keepConsuming(consumer, kafka, log, 'test consumer', { eachMessage: async () => undefined });
    crash(kafkaError('The coordinator is not aware of this member'), false);
    await consumer.disconnect();
    await sleep(900);
    expect(calls).toMatchObject({ run: 1, disconnect: 1 });
  });
});
