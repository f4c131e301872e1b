/**
 * The activities of a case workflow: they publish its task and case events to
 * Kafka. Built by `createActivities({ producer, topics, logger, metrics })` in
 * the worker's composition root; the workflow imports only their type.
 *
 * A send that fails (broker down) throws, and Temporal retries the activity:
 * an event may be published twice, never lost. The allocator and the
 * collector drop duplicates by task id / case id.
 */
import type { Logger } from 'pino';
import { BatchingSender, type ReliableProducer } from './kafka.js';
import { encodeEvent, type TopicNames } from '../protocol/topics.js';
import type { CaseActivities } from '../protocol/activities.js';
import type { Metrics } from '../metrics/registry.js';

export interface ActivityDeps {
  producer: ReliableProducer;
  topics: TopicNames;
  logger: Logger;
  metrics?: Metrics;
}

export function createActivities({ producer, topics, logger, metrics }: ActivityDeps): CaseActivities {
  const log = logger.child({ component: 'activities' });
  // one attempt per activity attempt (Temporal owns the retries); concurrent activities share produce requests
  const sender = new BatchingSender(producer);
  const sendOnce = (topic: string, key: string, value: string) => sender.send(topic, { key, value });
  return {
    async publishTaskEvent(ev) {
      await sendOnce(topics.tasks, ev.caseId, encodeEvent(ev));
      metrics?.eventsPublished.inc({ type: ev.type });
      log.debug({ taskId: ev.taskId, type: ev.type }, 'task event');
    },
    async publishCaseEvent(ev) {
      await sendOnce(topics.cases, ev.caseId, encodeEvent(ev));
      metrics?.eventsPublished.inc({ type: ev.type });
      log.debug({ caseId: ev.caseId, type: ev.type }, 'case event');
    },
  };
}
