/**
 * The allocator service: the only dispatcher of the live runtime. It consumes
 * task events and disruption edges from Kafka, keeps queues and units in a
 * `Dispatcher` (the engine's decisions, the scenario's policy from
 * `allocation/`), and for every grant: (1) records it on the grants topic,
 * (2) only then signals the case workflow. On start it replays the tasks and
 * grants topics from the beginning, rebuilds which units are busy and which
 * tasks wait, times again the work of open preemptible grants, and signals
 * the open grants and unheard work ends again (a workflow ignores a grant it
 * already has). So a restarted allocator never grants a unit twice and leaves
 * no case waiting. One instance is active at a time (docs/live.md: standby).
 * It decides each simulated moment in order, `settleMs` after it, and never
 * before the events it expects of that moment are in (the decision barrier,
 * simulator/decision-barrier.ts): a fault delays decisions, not simulated time.
 *
 * ```ts
 * const alloc = await startAllocator({ scenario, policy, kafka, client, runId, logger });
 * await alloc.ready;   // replay done
 * await alloc.stop();
 * ```
 */
import type { Kafka, Consumer, KafkaMessage } from 'kafkajs';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Scenario } from '../model/scenario.js';
import type { Policy } from '../allocation/policy.js';
import type { Metrics } from '../metrics/registry.js';
import { Dispatcher, cutReplay, type IssuedGrant, type IssuedWorkEnd } from '../simulator/dispatcher.js';
import { LagWindow, type LagSummary } from './lag-window.js';
import { retrying } from './retry.js';
import { TIMINGS_KEPT } from './timings.js';
import { ReliableProducer, TransactionalLog, ensureTopics, replayAndFollow } from './kafka.js';
import {
  EventType,
  deadLetterOf,
  encodeEvent,
  parseEvent,
  topicNames,
  type AnyEvent,
  type GrantEvent,
  type TaskFinishedEvent,
  type TaskRequestedEvent,
  type WorkEndEvent,
} from '../protocol/topics.js';
import { simNow, wallAt, type Clock } from '../protocol/clock.js';
import { grantSignal, workEndSignal } from '../protocol/signals.js';
import { isFencedError } from '../model/errors.js';
import { DecisionBarrier, disruptionKey, type ScheduledEvent } from '../simulator/decision-barrier.js';
import { PendingEvents } from '../simulator/pending-events.js';
import { demandTimeline } from './producer.js';

export interface AllocatorOptions {
  scenario: Scenario;
  policy: Policy;
  kafka: Kafka;
  client: Client;
  runId: string;
  logger: Logger;
  metrics?: Metrics;
  /** the run's clock; absent = learned from the first event that carries it */
  clock?: Clock;
  /** prefix of grant ids, unique per allocator incarnation (default: a time-based id) */
  instance?: string;
  /** wall ms between two advances of the allocator's own timed events (default 20) */
  tickMs?: number;
  /**
   * Wall ms the allocator lets pass before it decides a simulated moment, for the events of that moment it
   * cannot expect. @default 0 when it expects every arrival (`expectArrivals`): the decision barrier then
   * waits for every event of a moment, however late; otherwise 2000 (DEFAULT_SETTLE_MS), so that the
   * arrivals of a capped intake have reached it. An event that was not expected and comes later than this is
   * applied late (`autoshift_late_events_total`).
   */
  settleMs?: number;
  /** wall time source (default Date.now); tests inject one */
  now?: () => number;
  /**
   * write grants in Kafka transactions with this transactional id (the run's
   * allocator id): a newer allocator fences this one, which then stops and
   * calls `onFenced` (standby takeover, docs/live.md). Absent: plain idempotent writes.
   */
  transactionalId?: string;
  onFenced?: (err: Error) => void;
  /**
   * Hold the decisions for the first request of every arrival the seeded demand promises (the decision
   * barrier, simulator/decision-barrier.ts) @default true. Off when an intake caps the cases in flight
   * (`--max-open-cases`): a held arrival would hold every decision after it.
   */
  expectArrivals?: boolean;
  /** the producer's horizon (default: the scenario's, as the producer's) */
  horizon?: number;
  /** wall ms past its simulated moment after which an expected event no longer holds the decisions @default 300000 */
  barrierTimeoutMs?: number;
}

export interface AllocatorService {
  readonly dispatcher: Dispatcher;
  /** resolves once the replay is done and the allocator grants */
  readonly ready: Promise<void>;
  /** grants issued by this incarnation */
  readonly granted: number;
  /** wall ms from request to signal, for tasks granted as they arrived (the first TIMINGS_KEPT: a benchmark's run) */
  readonly immediateLatenciesMs: number[];
  /** a newer allocator took over the grant log: this one stopped granting */
  readonly fenced: boolean;
  /** wall ms it waits before deciding a simulated moment (AllocatorOptions.settleMs) */
  readonly settleMs: number;
  /** the simulated moment decided last (every moment before it is decided) */
  readonly decided: number;
  /** hand-offs (wall ms from an event's simulated moment to its arrival here) of the last minute: p50, p99, max, count */
  lagSummary(): LagSummary;
  stop(): Promise<void>;
}

/**
 * AllocatorOptions.settleMs when arrivals are not expected (a capped intake), and how long an arrival that may
 * ask for nothing (a process that begins with a gateway) holds the decisions: above the hand-offs measured
 * here under load (p99 0.3–1.5 s with eight engineers on two cores).
 */
export const DEFAULT_SETTLE_MS = 2000;
/** the wall ms a late event no report names holds its moment, for what may follow it unnamed */
const GRACE_MS = 250;
/** AllocatorOptions.barrierTimeoutMs: above a broker restart's outage and its consumer groups' rejoin under load (1–2 min measured). */
export const DEFAULT_BARRIER_TIMEOUT_MS = 300_000;

/**
 * The events the seeded run promises, for the decision barrier: each arrival's first request (with
 * `arrivals`; one whose process begins with a gateway may ask for nothing) and each disruption edge, in the
 * producer's order.
 */
function* scheduleOf(scenario: Scenario, runId: string, clock: Clock, horizon: number | undefined, arrivals: boolean): Generator<ScheduledEvent> {
  for (const e of demandTimeline(scenario, runId, clock, horizon)) {
    if (e.disruption) yield { at: e.at, disruption: disruptionKey(e.disruption.index, e.disruption.type === EventType.disruptionBegins) };
    else if (e.demand && arrivals) {
      const proc = scenario.processes.find((p) => p.id === e.demand!.process)!;
      yield proc.steps[proc.start].gateway ? { at: e.at, caseId: e.demand.id, mayNotCome: true } : { at: e.at, caseId: e.demand.id };
    }
  }
}

type Stage = 'request' | 'finish' | 'disruption';

function stageOf(ev: AnyEvent): Stage | null {
  switch (ev.type) {
    case EventType.taskRequested:
      return 'request';
    case EventType.taskDone:
    case EventType.taskFailed:
      return 'finish';
    case EventType.disruptionBegins:
    case EventType.disruptionEnds:
      return 'disruption';
    default:
      return null;
  }
}

export async function startAllocator(options: AllocatorOptions): Promise<AllocatorService> {
  const { scenario, policy, kafka, client, runId, metrics } = options;
  const log = options.logger.child({ component: 'allocator' });
  const wallNow = options.now ?? Date.now;
  const topics = topicNames(runId);
  const instance = options.instance ?? `a${Date.now().toString(36)}p${process.pid}`;
  // trigger labels stay few: start, restart, periodic, disruption
  const dispatcher = new Dispatcher(scenario, policy, instance, (note) =>
    metrics?.epochs.inc({
      trigger: note.trigger.endsWith(' begins') || note.trigger.endsWith(' ends') ? 'disruption' : note.trigger,
    }),
  );
  await ensureTopics(kafka, runId);
  const producer = new ReliableProducer(kafka, log);
  await producer.connect();
  // fence older writers of the grant log before reading it: nothing they write after this is committed
  const grantLog = options.transactionalId ? new TransactionalLog(kafka, options.transactionalId, log) : null;
  if (grantLog) await grantLog.connect();
  let fenced = false;

  let clock: Clock | undefined = options.clock;
  let live = false;
  let stopped = false;
  let granted = 0;
  const latencies: number[] = [];
  const inflight = new Set<Promise<void>>();
  // replay state
  const requests: TaskRequestedEvent[] = [];
  /** the grants topic in its order: grants, and the work ends of preemptible grants */
  const grants: (GrantEvent | WorkEndEvent)[] = [];
  const finished = new Set<string>();
  /** replayed task ends, applied at their simulated end (one may lie after the moment the replay decides) */
  const replayedEnds: TaskFinishedEvent[] = [];
  const replayedDisruptions: AnyEvent[] = [];
  let barrier: DecisionBarrier | undefined;
  let decided = 0;
  const buffered: AnyEvent[] = [];

  let chain: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void> | void): Promise<void> => {
    const next = chain.then(fn);
    // a step cut short by stop() (its Kafka write halted) is no fault
    chain = next.catch((err) => {
      if (stopped) log.debug({ err }, 'allocator step ended by stop');
      else log.error({ err }, 'allocator step failed');
    });
    return next;
  };
  const expectArrivals = options.expectArrivals ?? true;
  const settleMs = options.settleMs ?? (expectArrivals ? 0 : DEFAULT_SETTLE_MS);
  /** the simulated moment the allocator decides now: the clock's, `settleMs` ago */
  const sim = () => (clock ? simNow(clock, wallNow() - settleMs) : 0);
  /** events received, waiting for their simulated moment to be decided, in the order sim takes them (simulator/pending-events.ts) */
  const pending = new PendingEvents(scenario);
  const lag = new LagWindow();

  /**
   * The signals to one case, in the order they were decided: a grant re-sent on a restart, the interruption
   * of its work and the next grant of the same task must reach the workflow in that order (concurrent
   * signals may overtake each other, and a case that got the later grant first would lose a stretch of work).
   */
  const lastSignal = new Map<string, Promise<void>>();
  const inOrder = (caseId: string, send: () => Promise<void>): Promise<void> => {
    const p = (lastSignal.get(caseId) ?? Promise.resolve()).then(send);
    lastSignal.set(caseId, p);
    void p
      .finally(() => {
        if (lastSignal.get(caseId) === p) lastSignal.delete(caseId);
      })
      .catch(() => undefined);
    return p;
  };

  const signal = (g: GrantEvent, requestAt?: number, immediate = false) => {
    const t0 = wallNow();
    const p = inOrder(g.caseId, async () => {
      try {
        await retrying(() => client.workflow.getHandle(g.caseId).signal(grantSignal, g), {
          giveUp: (err) => (err as Error).name === 'WorkflowNotFoundError' || stopped,
          onRetry: (err, attempt) =>
            log[attempt === 1 ? 'warn' : 'debug']({ err: (err as Error).message, taskId: g.taskId, attempt }, 'signal failed; retrying'),
        });
      } catch (err) {
        // stopping: the next incarnation signals the open grants again (replay); not found: the case was closed (terminated)
        const quiet = stopped || (err as Error).name === 'WorkflowNotFoundError';
        if ((err as Error).name === 'WorkflowNotFoundError') barrier?.endIn(g.taskId);
        log[quiet ? 'debug' : 'warn']({ err: (err as Error).message, taskId: g.taskId }, 'grant not delivered');
        return;
      }
      const t1 = wallNow();
      metrics?.signal.observe((t1 - t0) / 1000);
      if (clock && requestAt !== undefined) {
        // every new grant: from its request (a unit was free) or from the simulated instant a unit came free for it
        const ms = t1 - wallAt(clock, immediate ? requestAt : g.at);
        if (immediate && latencies.length < TIMINGS_KEPT) latencies.push(ms);
        metrics?.grantLatency.observe(Math.max(0, ms) / 1000);
      }
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  /** Ends a preemptible grant's work in its case (as `signal`, without the latency figures). */
  const signalWorkEnd = (e: WorkEndEvent) => {
    const p = inOrder(e.caseId, () =>
      retrying(() => client.workflow.getHandle(e.caseId).signal(workEndSignal, e), {
        giveUp: (err) => (err as Error).name === 'WorkflowNotFoundError' || stopped,
        onRetry: (err, attempt) =>
          log[attempt === 1 ? 'warn' : 'debug']({ err: (err as Error).message, taskId: e.taskId, attempt }, 'work-end signal failed; retrying'),
      }).catch((err) => log[stopped ? 'debug' : 'warn']({ err: (err as Error).message, taskId: e.taskId }, 'work end not delivered')),
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  /** Records the dispatcher's new grants and work ends (preemption) on Kafka, then signals them. */
  const flush = async () => {
    takeIssued();
    const issued: IssuedGrant[] = issuedGrants.splice(0);
    const ends = issuedWorkEnds.splice(0);
    if (issued.length === 0 && ends.length === 0) return;
    const t0 = wallNow();
    const messages = [...ends.map((e) => e.workEnd), ...issued.map((i) => i.grant)].map((ev) => ({ key: ev.unit, value: encodeEvent(ev) }));
    if (grantLog) {
      try {
        await grantLog.append(topics.grants, messages);
      } catch (err) {
        if (!isFencedError(err) || fenced) throw err;
        fenced = true;
        stopped = true;
        log.error({ err: (err as Error).message, instance }, 'fenced: another allocator took over; this one stops granting');
        clearInterval(timer);
        options.onFenced?.(err as Error);
        return;
      }
    } else {
      await producer.send(topics.grants, messages);
    }
    metrics?.grantRecord.observe((wallNow() - t0) / 1000);
    for (const e of ends) signalWorkEnd(e.workEnd);
    for (const i of issued) {
      granted++;
      if (!i.grant.outcome) metrics?.grants.inc({ pool: i.grant.pool });
      signal(i.grant, i.request.at, i.immediate);
    }
  };

  /**
   * A grant's task ends at its grant time + its drawn work × the slowdown at the earliest: the barrier waits for
   * that end, and for the requests its report names. An unserved task's report comes at its grant's moment; it is
   * awaited when the case may go on from there (the step routes that outcome, or the case has parallel paths).
   */
  const expectEnd = (g: GrantEvent, req: TaskRequestedEvent | undefined) => {
    // (a preemptible grant's end is the allocator's own: a work end, awaited when it is issued)
    if (!barrier || g.preemptible || !req?.drawn) return;
    if (!g.outcome) barrier.expectEnd(g.taskId, g.at + req.drawn[g.kind] * g.slowdown);
    else if (goesOn(req, g.outcome)) barrier.expectEnd(g.taskId, g.at);
  };
  /** the processes with a parallel split (a path that ends unserved may still carry its case on, past the join) */
  const splits = scenario.processes.map((p) => p.steps.some((x) => x.next.kind === 'parallel'));
  const goesOn = (req: TaskRequestedEvent, outcome: 'abandoned' | 'blocked') => {
    const step = scenario.processes[req.processIndex]?.steps[req.step];
    if (!step) return false;
    const route = outcome === 'abandoned' ? step.onAbandon : step.onBlocked;
    return (route !== undefined && route >= 0) || splits[req.processIndex];
  };

  /** Applies one event at its simulated time (or at the board's, if that moment was already decided: a late event). */
  const apply = (ev: AnyEvent, at: number) => {
    const now = Math.max(at, dispatcher.now);
    switch (ev.type) {
      case EventType.taskRequested:
        dispatcher.request(ev, now);
        break;
      case EventType.taskDone:
      case EventType.taskFailed:
        dispatcher.finish(ev.taskId, ev.unit, now);
        break;
      case EventType.disruptionBegins:
      case EventType.disruptionEnds:
        dispatcher.disruption(ev.index, ev.type === EventType.disruptionBegins, now);
        break;
      default:
        break;
    }
  };

  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, reason: string) => {
    const ev = deadLetterOf({ topic, partition, offset: message.offset }, message, reason, Date.now());
    await producer.send(topics.deadLetters, [{ key: ev.key, value: encodeEvent(ev) }]);
    metrics?.deadLetters.inc({ topic });
  };

  const goLive = async () => {
    // the decisions resume where the log's last one was taken (0 on a fresh run), and go on in simulated order
    let now = 0;
    for (const g of grants) now = Math.max(now, g.at);
    const requestOf = new Map(requests.map((r) => [r.taskId, r]));
    barrier = new DecisionBarrier(
      { graceMs: GRACE_MS, timeoutMs: options.barrierTimeoutMs ?? DEFAULT_BARRIER_TIMEOUT_MS, mayNotComeMs: DEFAULT_SETTLE_MS },
      scheduleOf(scenario, runId, clock!, options.horizon, expectArrivals),
    );
    const cut = cutReplay(requests, replayedEnds.splice(0), finished, now);
    const due = cut.due;
    const ahead: AnyEvent[] = cut.ahead;
    for (const r of due) barrier.requestIn(r.caseId, r.taskId, r.at);
    const disruptionState = new Map<number, boolean>();
    for (const ev of replayedDisruptions.splice(0)) {
      if (ev.type !== EventType.disruptionBegins && ev.type !== EventType.disruptionEnds) continue;
      if (ev.at > now) ahead.push(ev);
      else {
        disruptionState.set(ev.index, ev.type === EventType.disruptionBegins);
        barrier.disruptionIn(ev.index, ev.type === EventType.disruptionBegins, ev.at);
      }
    }
    const open = dispatcher.restore(due, grants, finished, now);
    for (const g of open.grants) expectEnd(g, requestOf.get(g.taskId));
    log.info(
      {
        requests: requests.length,
        grants: grants.length,
        finished: finished.size,
        ahead: ahead.length,
        open: open.grants.length,
        workEnds: open.workEnds.length,
        instance,
      },
      'replay done',
    );
    // the replayed log served its purpose: the dispatcher holds what is still open
    requests.length = 0;
    grants.length = 0;
    finished.clear();
    // in the log's order per case (inOrder): a grant the old incarnation recorded but never signalled, then its work end
    for (const x of open.signals) {
      if (x.type === EventType.grant) signal(x);
      else signalWorkEnd(x);
    }
    for (const e of open.workEnds) if (e.type === EventType.workReleased) barrier.expectEnd(e.taskId, e.at);
    dispatcher.start(now);
    decided = now;
    for (const [index, active] of disruptionState) if (active) dispatcher.disruption(index, true, now);
    await flush();
    live = true;
    for (const ev of [...ahead, ...buffered.splice(0)]) receive(ev);
  };

  /** A live event: its hand-off is measured, and it waits in simulated-time order for its moment. */
  const receive = (ev: AnyEvent) => {
    // an unserved task's report changes no unit; the barrier may await it and the requests it names
    if (ev.type === EventType.taskAbandoned || ev.type === EventType.taskBlocked) {
      if (barrier?.reportIn(ev.taskId, ev.at, ev.next)) pending.named(ev.taskId, ev.next);
      return;
    }
    const stage = stageOf(ev);
    if (!stage || !clock) return;
    const at = stage === 'finish' ? (ev as TaskFinishedEvent).end : (ev as { at: number }).at;
    const handoffMs = wallNow() - wallAt(clock, at);
    lag.add(handoffMs, wallNow());
    if (barrier) {
      // a late event holds its moment a grace longer for what may follow it unnamed (the requests a report names
      // are awaited; nothing follows an awaited request or a disruption edge at its moment)
      let unnamed = false;
      if (ev.type === EventType.taskRequested) unnamed = !barrier.requestIn(ev.caseId, ev.taskId, at);
      else if (stage === 'finish') {
        const f = ev as TaskFinishedEvent;
        if (barrier.reportIn(f.taskId, at, f.next)) pending.named(f.taskId, f.next);
        unnamed = f.next === undefined;
      } else barrier.disruptionIn((ev as { index: number }).index, ev.type === EventType.disruptionBegins, at);
      if (unnamed) barrier.arrived(at, wallNow(), wallAt(clock, at) + settleMs);
    }
    metrics?.handoff.observe({ stage }, Math.max(0, handoffMs) / 1000);
    // (the finish of a preemptible task comes after the allocator released its work: it is no news, so never late)
    if (at < dispatcher.now && !(stage === 'finish' && dispatcher.hasFinished((ev as TaskFinishedEvent).taskId))) metrics?.lateEvents.inc({ stage });
    pending.add({ at, ev });
  };

  /** grants and work ends the dispatcher issued, waiting to be recorded and signalled (flush) */
  const issuedGrants: IssuedGrant[] = [];
  const issuedWorkEnds: IssuedWorkEnd[] = [];
  /**
   * Takes the dispatcher's new grants and work ends: each grant's task end is a new event the barrier waits for,
   * and so is the `task.done` of a preemptible task whose work the allocator released (its case then goes on at that moment).
   */
  const takeIssued = () => {
    for (const i of dispatcher.takeGrants()) {
      issuedGrants.push(i);
      expectEnd(i.grant, i.request);
    }
    for (const e of dispatcher.takeWorkEnds()) {
      issuedWorkEnds.push(e);
      if (e.workEnd.type === EventType.workReleased) barrier?.expectEnd(e.workEnd.taskId, e.workEnd.at);
    }
  };

  /**
   * Decides the simulated moments due now, one at a time and in order: those `settleMs` ago, and no moment
   * at or past an event the barrier still waits for. A grant makes its task's end such an event, so the
   * bound is taken again after each moment (conservative synchronisation, simulator/decision-barrier.ts).
   * At one moment the board's own timed events come first, as they would before an event of that moment.
   */
  const decideDue = () => {
    const due = sim();
    const wallOf = (t: number) => wallAt(clock!, t);
    for (;;) {
      takeIssued();
      // every moment before the barrier's bound may be decided, not the bound itself
      const held = barrier ? barrier.bound(wallNow(), wallOf) : Infinity;
      const limit = Math.min(held, due);
      const inclusive = held > due;
      const next = Math.min(pending.nextAt(), dispatcher.nextDue());
      if (next > limit || (next === limit && !inclusive)) {
        // nothing more to decide before the limit: the board stands there
        if (limit > decided) decided = limit;
        break;
      }
      // one event at a time: what it causes at its moment (an outcome whose case goes on) is awaited before the next one
      if (pending.nextAt() === next) {
        const { at, ev } = pending.shift()!;
        apply(ev, at);
      } else dispatcher.advanceTo(next);
      if (next > decided) decided = next;
    }
    for (const o of barrier?.takeOverdue() ?? []) {
      metrics?.lateEvents.inc({ stage: o.what.startsWith('the end') ? 'finish' : o.what.startsWith('disruption') ? 'disruption' : 'request' });
      log.warn({ at: o.at, instance }, `${o.what} did not come in time; deciding without it`);
    }
  };

  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let caughtUp = false;

  const onEvent = async (topic: string, partition: number, message: KafkaMessage, replayed: boolean) => {
    if (fenced) return;
    let ev: AnyEvent;
    try {
      ev = parseEvent(message.value);
    } catch (err) {
      if (!replayed) await deadLetter(topic, partition, message, (err as Error).message);
      return;
    }
    if (!clock && 'clock' in ev && ev.clock) clock = ev.clock;
    if (replayed && !live) {
      if (ev.type === EventType.taskRequested) requests.push(ev);
      else if (ev.type === EventType.grant || ev.type === EventType.workReleased || ev.type === EventType.workInterrupted) grants.push(ev);
      else if (ev.type === EventType.taskDone || ev.type === EventType.taskFailed) replayedEnds.push(ev);
      else if (ev.type === EventType.taskAbandoned || ev.type === EventType.taskBlocked) finished.add(ev.taskId);
      else if (ev.type === EventType.disruptionBegins || ev.type === EventType.disruptionEnds) replayedDisruptions.push(ev);
      return;
    }
    if (ev.type === EventType.grant) return; // our own log, read back
    if (!live || !clock) {
      buffered.push(ev);
      return;
    }
    receive(ev);
  };

  const { consumer, caughtUp: replayDone } = await replayAndFollow({
    kafka,
    logger: log,
    groupId: `autoshift.${runId}.allocator.${instance}`,
    topics: [topics.grants, topics.tasks, topics.disruptions],
    onMessage: (topic, partition, m, replayed) => serial(() => onEvent(topic, partition, m, replayed)),
  });
  void replayDone.then(() => {
    caughtUp = true;
  });

  const tryStart = () =>
    serial(async () => {
      if (live || !caughtUp || !clock) return;
      await goLive();
      markReady();
    });

  const timer: NodeJS.Timeout = setInterval(() => {
    if (fenced) return;
    if (!live) {
      void tryStart();
      return;
    }
    void serial(async () => {
      decideDue();
      await flush();
      if (metrics) {
        metrics.lag.set(lag.max(wallNow()) / 1000);
        metrics.lagBudget.set(settleMs / 1000);
        const c = dispatcher.counts();
        metrics.simulatedTime.set(dispatcher.now);
        scenario.skills.forEach((s, q) => metrics.queueWaiting.set({ queue: s }, c.waiting[q]));
        scenario.pools.forEach((p, i) => {
          metrics.poolBusy.set({ pool: p.id }, c.busy[i]);
          metrics.poolAvailable.set({ pool: p.id }, c.available[i]);
        });
      }
    });
  }, options.tickMs ?? 20);

  return {
    dispatcher,
    ready,
    get granted() {
      return granted;
    },
    get fenced() {
      return fenced;
    },
    settleMs,
    get decided() {
      return decided;
    },
    lagSummary: () => lag.summary(wallNow()),
    immediateLatenciesMs: latencies,
    async stop() {
      stopped = true;
      clearInterval(timer);
      producer.halt();
      grantLog?.halt();
      await stopConsumer(consumer);
      await chain;
      await Promise.allSettled([...inflight]);
      await producer.stop();
      await grantLog?.stop();
      log.info({ granted }, 'allocator stopped');
    },
  };
}

async function stopConsumer(consumer: Consumer): Promise<void> {
  await consumer.disconnect().catch(() => undefined);
}
