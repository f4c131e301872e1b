/**
 * A live service started before its servers, or while one restarts, waits for them
 * (cli/live-env.ts untilServersAnswer): one warning when it starts waiting, one line when they
 * answer; past its wait, the user-facing error (exit code 2) that names both servers.
 */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { probeServers, untilServersAnswer, type Servers } from '../../cli/live-env.js';
import { UsageError } from '../../model/errors.js';

const servers: Servers = { brokers: ['127.0.0.1:1'], temporalAddress: '127.0.0.1:2', namespace: 'default' };

function capture() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (s: string) => {
        lines.push(JSON.parse(s) as { level: number; msg: string });
      },
    },
  );
  return { logger, lines };
}

describe('untilServersAnswer', () => {
  it('waits through failures until the servers answer, with one warning and one line when they do', async () => {
    const { logger, lines } = capture();
    let calls = 0;
    await untilServersAnswer(servers, logger, 30_000, async () => {
      if (++calls < 4) throw new Error('Kafka 127.0.0.1:1: connect ECONNREFUSED');
    });
    expect(calls).toBe(4);
    expect(lines.map((l) => l.msg)).toEqual(['servers not answering yet; waiting for them', 'servers answer; starting']);
  });

  it('says nothing when the servers answer at once', async () => {
    const { logger, lines } = capture();
    await untilServersAnswer(servers, logger, 30_000, async () => undefined);
    expect(lines).toEqual([]);
  });

  it('gives up after its wait with the user-facing error naming both servers', async () => {
    const { logger } = capture();
    const t0 = Date.now();
    const err = await untilServersAnswer(servers, logger, 300, async () => {
      throw new Error('Temporal 127.0.0.1:2: connection refused');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      /^cannot reach the servers \(Kafka 127\.0\.0\.1:1, Temporal 127\.0\.0\.1:2\): Temporal 127\.0\.0\.1:2: connection refused; start them with --infra/,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('probes a real address: a closed port is an error that names Kafka', async () => {
    await expect(probeServers(servers)).rejects.toThrow(/^Kafka 127\.0\.0\.1:1: /);
  });
});
