/**
 * One active allocator, any number of standbys. Every `autoshift allocator`
 * process joins the consumer group `autoshift.<runId>.allocator-lease` on the
 * one-partition lease topic; Kafka gives that partition to exactly one live
 * member, and that member runs the allocator. When it dies (or stops
 * heartbeating for `sessionTimeoutMs`), the group rebalances, a standby gets
 * the partition, replays the grant log and goes on. An old active that is
 * only paused (GC, a stopped VM) and wakes up is shut out twice over: it loses
 * the partition at its next heartbeat, and before that its next grant write
 * fails, because the new active opened the grant log's transactional id
 * (`autoshift.<runId>.allocator`) and so fenced it.
 *
 * ```ts
 * const lease = await startAllocatorLease({ ...allocatorOptions, onChange: (active) => log.info({ active }) });
 * await lease.stop();
 * ```
 */
import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';
import { startAllocator, type AllocatorOptions, type AllocatorService } from './allocator.js';
import { ensureTopics, keepConsuming } from './kafka.js';
import { topicNames } from '../protocol/topics.js';

export interface LeaseOptions extends AllocatorOptions {
  /** how long a silent active keeps the lease, ms @default 6000 */
  sessionTimeoutMs?: number;
  /** called when this process becomes active (true) or standby (false) */
  onChange?: (active: boolean) => void;
}

export interface AllocatorLease {
  readonly active: boolean;
  /** the running allocator while active */
  readonly service: AllocatorService | null;
  stop(): Promise<void>;
}

/**
 * A sticky lease: the group leader gives partition 0 to the member that became
 * active most recently (its join metadata says since when), else to the first
 * member. So a rejoining member never takes the lease back from a healthy
 * active one, and an old active that wakes up loses to the one that replaced it.
 */
export function leaseAssigner(leaseTopic: string, activeSince: () => number): PartitionAssigner {
  return () => {
    const assigner: Assigner = {
      name: 'AutoshiftLease',
      version: 1,
      async assign({ members }) {
        const since = (m: { memberMetadata: Buffer }) => Number(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData.toString('utf8') || 0) || 0;
        const ranked = [...members].sort((a, b) => since(b) - since(a) || a.memberId.localeCompare(b.memberId));
        const winner = ranked[0]?.memberId;
        return members.map((m) => ({
          memberId: m.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: m.memberId === winner ? { [leaseTopic]: [0] } : {},
            userData: Buffer.alloc(0),
          }),
        }));
      },
      protocol({ topics }) {
        return {
          name: 'AutoshiftLease',
          metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(String(activeSince())) }),
        };
      },
    };
    return assigner;
  };
}

export async function startAllocatorLease(options: LeaseOptions): Promise<AllocatorLease> {
  const { kafka, runId } = options;
  const log = options.logger.child({ component: 'allocator-lease' });
  const topics = topicNames(runId);
  await ensureTopics(kafka, runId);
  let service: AllocatorService | null = null;
  let activeSince = 0;
  let stopping = false;
  let chain: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>) => {
    chain = chain.then(fn).catch((err) => log.error({ err }, 'lease change failed'));
    return chain;
  };

  const deactivate = () =>
    serial(async () => {
      if (!service) return;
      const s = service;
      service = null;
      activeSince = 0;
      await s.stop();
      log.warn('standby: this allocator gave up the lease');
      options.onChange?.(false);
    });
  const activate = () =>
    serial(async () => {
      if (service || stopping) return;
      log.warn('active: this allocator holds the lease; replaying the grant log');
      activeSince = Date.now();
      service = await startAllocator({
        ...options,
        transactionalId: `autoshift.${runId}.allocator`,
        onFenced: (err) => {
          log.error({ err: err.message }, 'fenced by a newer allocator');
          void deactivate();
        },
      });
      options.onChange?.(true);
    });

  const consumer = kafka.consumer({
    groupId: `autoshift.${runId}.allocator-lease`,
    sessionTimeout: options.sessionTimeoutMs ?? 6000,
    heartbeatInterval: 500,
    rebalanceTimeout: 10_000,
    maxWaitTimeInMs: 500,
    partitionAssigners: [leaseAssigner(topics.allocatorLease, () => activeSince)],
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const mine = (payload.memberAssignment[topics.allocatorLease] ?? []).includes(0);
    log.info({ mine, memberId: payload.memberId }, 'lease group joined');
    if (mine) void activate();
    else void deactivate();
  });
  // a crashed lease consumer holds no lease: this one stands by until its consumer (run again) rejoins
  consumer.on(consumer.events.CRASH, () => {
    void deactivate();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.allocatorLease, fromBeginning: false });
  await keepConsuming(consumer, kafka, log, 'lease consumer', { eachMessage: async () => undefined });

  return {
    get active() {
      return service !== null;
    },
    get service() {
      return service;
    },
    async stop() {
      stopping = true;
      await consumer.disconnect().catch(() => undefined);
      await deactivate();
      await chain;
    },
  };
}
