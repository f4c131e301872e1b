/**
 * workers/kafka.ts ensureTopics on a broker that has just started: its answer that a topic it just created is
 * unknown (UNKNOWN_TOPIC_OR_PARTITION while waiting for leaders) means "not yet", and the step is tried again;
 * any other error is the caller's.
 */
import { describe, expect, it } from 'vitest';
import { KafkaJSProtocolError, type Kafka } from 'kafkajs';
import { ensureTopics } from '../../workers/kafka.js';
import { topicNames } from '../../protocol/topics.js';

/** an admin whose first `failures` createTopics fail with `type` (after creating them), then succeed */
function fakeKafka(failures: number, type: string) {
  const topics = new Set<string>();
  let calls = 0;
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => [...topics],
      createTopics: async ({ topics: wanted }: { topics: { topic: string }[] }) => {
        for (const t of wanted) topics.add(t.topic);
        if (calls++ < failures)
          throw new KafkaJSProtocolError({ type, code: 3, retriable: true, message: 'This server does not host this topic-partition' } as never);
        return true;
      },
    }),
  } as unknown as Kafka;
  return { kafka, topics, calls: () => calls };
}

describe('ensureTopics', () => {
  it('takes an unknown topic from a broker that just started as "not yet", and tries again', async () => {
    const { kafka, topics, calls } = fakeKafka(1, 'UNKNOWN_TOPIC_OR_PARTITION');
    await ensureTopics(kafka, 'r1');
    expect(calls()).toBe(1);
    expect([...topics].sort()).toEqual(Object.values(topicNames('r1')).sort());
  });

  it('hands any other refusal to the caller', async () => {
    const { kafka } = fakeKafka(1, 'TOPIC_AUTHORIZATION_FAILED');
    await expect(ensureTopics(kafka, 'r1')).rejects.toThrow(/does not host/);
  });
});
