/** workers/kafka-link.ts and the routing of kafkajs log lines (workers/kafka.ts): one warning per outage, no error in a clean run. */
import { describe, expect, it } from 'vitest';
import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { KafkaLink, meansUnreachable } from '../../workers/kafka-link.js';
import { kafkaLogRoute } from '../../workers/kafka.js';

function capture() {
  const lines: { level: number; msg: string; downSeconds?: number; failures?: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('KafkaLink', () => {
  it('tells an outage once: one warning, debug while it lasts, one recovery line with its length', async () => {
    const { lines, logger } = capture();
    let now = 1000;
    const link = new KafkaLink(logger, () => now);
    link.ok();
    for (let i = 0; i < 50; i++) link.trouble(new Error('connect ECONNREFUSED 127.0.0.1:9092'));
    now += 12_500;
    link.ok();
    link.ok();
    await flush();
    const visible = lines.filter((l) => l.level >= 40);
    expect(visible.map((l) => l.msg)).toEqual(['Kafka unreachable; retrying (further errors at debug level until it is back)', 'Kafka reachable again']);
    expect(visible[1]).toMatchObject({ downSeconds: 12.5, failures: 50 });
    expect(lines.filter((l) => l.level === 20)).toHaveLength(49);
    expect(link.down).toBe(false);
  });

  it('is back only when successes come a few seconds after the last failure, and tells a second outage again', async () => {
    const { lines, logger } = capture();
    let now = 0;
    const link = new KafkaLink(logger, () => now);
    // a broker shutting down answers some requests between failures: one outage
    link.trouble('down');
    now += 1000;
    link.ok();
    now += 1000;
    link.trouble('down');
    now += 4000;
    link.ok();
    expect(link.down).toBe(true);
    now += 1000;
    link.ok();
    expect(link.down).toBe(false);
    // a minute later, a new outage: told again
    now += 61_000;
    link.trouble('down');
    now += 6000;
    link.ok();
    await flush();
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg.split(';')[0])).toEqual([
      'Kafka unreachable',
      'Kafka reachable again',
      'Kafka unreachable',
      'Kafka reachable again',
    ]);
  });

  it('tells a relapse soon after a recovery (a group coordinator still taking its groups back) at info, as part of the same outage', async () => {
    const { lines, logger } = capture();
    let now = 0;
    const link = new KafkaLink(logger, () => now);
    link.trouble(new Error('connect ECONNREFUSED 127.0.0.1:9092'));
    now += 20_000;
    link.ok();
    now += 13_000;
    link.trouble(new Error('KafkaJSNonRetriableError: This is not the correct coordinator for this group'));
    expect(link.down).toBe(true);
    now += 30_000;
    link.ok();
    expect(link.down).toBe(false);
    await flush();
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg.split(';')[0])).toEqual(['Kafka unreachable', 'Kafka reachable again']);
    expect(lines.filter((l) => l.level === 30).map((l) => l.msg.split(' (')[0])).toEqual([
      'Kafka unreachable again shortly after recovering',
      'Kafka reachable again after the relapse',
    ]);
  });
});

describe('kafkajs log lines', () => {
  it('sends connection failures to the link and expected start-up answers to debug', () => {
    expect(kafkaLogRoute(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe('link');
    expect(kafkaLogRoute(logLevel.ERROR, 'Failed to connect to seed broker, trying another broker from the list', 'Connection timeout')).toBe('link');
    expect(kafkaLogRoute(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED')).toBe('link');
    // the group coordinator still loading at start-up, a transaction still being committed: retried by kafkajs
    expect(kafkaLogRoute(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available')).toBe('debug');
    expect(
      kafkaLogRoute(
        logLevel.ERROR,
        'Response AddPartitionsToTxn(key: 24, version: 1)',
        'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
      ),
    ).toBe('debug');
    expect(kafkaLogRoute(logLevel.WARN, 'The group is rebalancing, re-joining')).toBe('debug');
    expect(kafkaLogRoute(logLevel.INFO, 'anything')).toBe('debug');
    // anything else keeps its level
    expect(kafkaLogRoute(logLevel.ERROR, 'Offset out of range, resetting to default offset')).toBe('error');
    expect(kafkaLogRoute(logLevel.WARN, 'Consumer group received unsubscribed topics')).toBe('warn');
  });

  it('knows an unreachable broker from a protocol answer', () => {
    expect(meansUnreachable('KafkaJSConnectionError: Connection error: read ECONNRESET')).toBe(true);
    expect(meansUnreachable('KafkaJSProtocolError: The group coordinator is not available')).toBe(false);
  });
});
