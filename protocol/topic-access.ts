/**
 * Who may do what on a run's Kafka resources: for each service of the live
 * runtime, the topics it reads and writes, the consumer groups it joins and
 * the transactional id it writes with. On an authenticated broker
 * (`infra/up.sh --kafka-auth`) these become the ACLs of the service's user
 * (workers/kafka-acls.ts); nothing else is allowed, so a producer's user
 * cannot write grants, nor an intake's start cases by forging task events.
 * Pure: a table and two functions, no I/O.
 *
 * ```ts
 * runAccess('r1', ['intake']);
 * // { read: ['demand'], write: ['deadLetters'], groups: [{ name: 'autoshift.r1.intake', prefix: false }], transactionalIds: [] }
 * ```
 */
import { Topics, type TopicId } from './topics.js';

/** The services whose Kafka rights are listed here (the collector also runs inside `autoshift allocator`). */
export const ACCESS_SERVICES = ['producer', 'intake', 'worker', 'allocator', 'collector'] as const;
export type AccessService = (typeof ACCESS_SERVICES)[number];

/** A consumer group name, or every group whose name starts with it. */
export interface GroupName {
  name: string;
  prefix: boolean;
}

export interface RunAccess {
  /** topics read (as a consumer, or by offset look-ups) */
  read: TopicId[];
  /** topics written */
  write: TopicId[];
  groups: GroupName[];
  transactionalIds: string[];
}

/**
 * What each service touches, as its code does (workers/<service>.ts):
 * - producer: writes demand and disruptions (workers/producer.ts);
 * - intake: reads demand in group `.intake`, writes what it rejects to dead letters (workers/intake.ts);
 * - worker: its activities write task and case events (workers/activities.ts);
 * - allocator: replays and follows grants, tasks and disruptions in groups `.allocator.<instance>`, holds
 *   the lease through group `.allocator-lease` on its topic, writes grants (in transactions under the lease)
 *   and dead letters (workers/allocator.ts, workers/allocator-lease.ts);
 * - collector: reads demand, tasks and cases in groups `.collector.<instance>` (workers/collector.ts).
 */
function accessOf(service: AccessService, runId: string): RunAccess {
  const g = (suffix: string, prefix = false): GroupName => ({ name: `autoshift.${runId}.${suffix}`, prefix });
  switch (service) {
    case 'producer':
      return { read: [], write: ['demand', 'disruptions'], groups: [], transactionalIds: [] };
    case 'intake':
      return { read: ['demand'], write: ['deadLetters'], groups: [g('intake')], transactionalIds: [] };
    case 'worker':
      return { read: [], write: ['tasks', 'cases'], groups: [], transactionalIds: [] };
    case 'allocator':
      return {
        read: ['grants', 'tasks', 'disruptions', 'allocatorLease'],
        write: ['grants', 'deadLetters'],
        groups: [g('allocator.', true), g('allocator-lease')],
        transactionalIds: [`autoshift.${runId}.allocator`],
      };
    case 'collector':
      return { read: ['demand', 'tasks', 'cases'], write: [], groups: [g('collector.', true)], transactionalIds: [] };
  }
}

/** The union of the rights of `services` on run `runId`: what one process running them needs. */
export function runAccess(runId: string, services: readonly AccessService[]): RunAccess {
  const out: RunAccess = { read: [], write: [], groups: [], transactionalIds: [] };
  const add = <T>(into: T[], items: T[], key: (t: T) => string) => {
    for (const item of items) if (!into.some((x) => key(x) === key(item))) into.push(item);
  };
  for (const s of services) {
    const a = accessOf(s, runId);
    add(out.read, a.read, String);
    add(out.write, a.write, String);
    add(out.groups, a.groups, (x) => `${x.prefix}:${x.name}`);
    add(out.transactionalIds, a.transactionalIds, String);
  }
  return out;
}

/**
 * The users that `infra/up.sh --kafka-auth` creates, and the services each one may run: one user per
 * service, the allocator's also running the collector (as `autoshift allocator` does), and `live`
 * for `autoshift live` (every service in one process). The user `admin` is the broker's super user.
 */
export const SERVICE_USERS: Record<string, readonly AccessService[]> = {
  producer: ['producer'],
  intake: ['intake'],
  worker: ['worker'],
  allocator: ['allocator', 'collector'],
  collector: ['collector'],
  live: ACCESS_SERVICES,
};

/** Every topic of a run: each service may describe them all (it checks at start that they exist). */
export const ALL_TOPICS = Object.keys(Topics) as TopicId[];
