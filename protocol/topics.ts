/**
 * The Kafka topics of the live runtime and the events on them: one constant
 * map, each payload typed and versioned (`v: 1`). A topic name is prefixed by
 * the run id (`autoshift.<runId>.<name>`), so that runs (and tests) never see
 * each other's events.
 *
 * ```ts
 * const t = topicNames('run-42');           // { demand: 'autoshift.run-42.demand', ... }
 * const ev: DemandEvent = { v: 1, type: EventType.demand, ... };
 * await producer.send({ topic: t.demand, messages: [{ key: ev.process, value: encodeEvent(ev) }] });
 * ```
 *
 * Times named `at`, `start`, `end`, `enqueue`, `arrival` and `deadline` are
 * simulated seconds since the scenario's start; `wallMs` fields are Unix
 * milliseconds. A `Clock` (protocol/clock.ts) maps one onto the other.
 * Pure: the workflow bundle, the workers and the tests import it.
 */
import type { PoolKind } from '../model/scenario.js';
import type { Clock } from './clock.js';
import { InvalidEventError } from '../model/errors.js';

/** The topics of one run: name, partitions, and what is on them. */
export const Topics = {
  /** one event per case to start, keyed by process id (the producer writes, intake reads) */
  demand: { name: 'demand', partitions: 3 },
  /** disruption edges at their scaled time (producer → allocator) */
  disruptions: { name: 'disruptions', partitions: 1 },
  /** task requested / started / done / failed, keyed by case id (workflows → allocator, collector) */
  tasks: { name: 'tasks', partitions: 3 },
  /** every grant, written by the allocator before it signals the workflow; one partition: the allocator's log */
  grants: { name: 'grants', partitions: 1 },
  /** case completed / SLA breached, keyed by case id (workflows → collector) */
  cases: { name: 'cases', partitions: 1 },
  /** messages that could not be parsed or validated, with the reason */
  deadLetters: { name: 'dead-letters', partitions: 1 },
  /** no events: its one partition is the allocator's lease (the group member that owns it is the active allocator) */
  allocatorLease: { name: 'allocator-lease', partitions: 1 },
} as const;
export type TopicId = keyof typeof Topics;

export type TopicNames = Record<TopicId, string>;

export function topicNames(runId: string): TopicNames {
  const out = {} as TopicNames;
  for (const id of Object.keys(Topics) as TopicId[]) out[id] = `autoshift.${runId}.${Topics[id].name}`;
  return out;
}

/** Event types: the `type` field of every payload. */
export const EventType = {
  demand: 'demand',
  disruptionBegins: 'disruption.begins',
  disruptionEnds: 'disruption.ends',
  taskRequested: 'task.requested',
  taskStarted: 'task.started',
  taskDone: 'task.done',
  taskFailed: 'task.failed',
  /** a task not served: its case ran out of patience, or its queue was full (the allocator decided; the workflow reports it) */
  taskAbandoned: 'task.abandoned',
  taskBlocked: 'task.blocked',
  grant: 'grant',
  /** the allocator ends the work of a grant it times (`GrantEvent.preemptible`): done, or interrupted by a higher class */
  workReleased: 'work.released',
  workInterrupted: 'work.interrupted',
  caseCompleted: 'case.completed',
  slaBreached: 'case.sla-breached',
  deadLetter: 'dead-letter',
} as const;
export type EventTypeName = (typeof EventType)[keyof typeof EventType];

/** One case to start: its id is the workflow id (so a redelivery starts nothing new). */
export interface DemandEvent {
  v: 1;
  type: typeof EventType.demand;
  /** `<runId>.<process>.<caseNo>`: unique, deterministic */
  id: string;
  runId: string;
  /** process id */
  process: string;
  /** number of this case among its process's arrivals, from 0 (the key of its random draws) */
  caseNo: number;
  /** arrival, simulated seconds */
  at: number;
  /** seed of the run's random streams */
  seed: number;
  clock: Clock;
}

export interface DisruptionEvent {
  v: 1;
  type: typeof EventType.disruptionBegins | typeof EventType.disruptionEnds;
  id: string;
  runId: string;
  /** index in the scenario's disruptions */
  index: number;
  label: string;
  at: number;
  clock: Clock;
}

/** What every task event says about its task. */
interface TaskIdentity {
  v: 1;
  /** `<caseId>/<step>/<n>`, n counting the case's entries into the step: unique per task */
  taskId: string;
  caseId: string;
  /** process id and index */
  process: string;
  processIndex: number;
  /** step index within the process, and its visit number as the random draws key it (0 when the process cannot revisit a step) */
  step: number;
  visit: number;
  /** skill index = work queue */
  skill: number;
}

export interface TaskRequestedEvent extends TaskIdentity {
  type: typeof EventType.taskRequested;
  /** when the case asked for capacity (simulated seconds) */
  at: number;
  /** the case's SLA due date, for EDF dispatch and slack */
  deadline: number;
  clock: Clock;
  /** simulated time the case abandons the task if no unit has been granted by then (the step's patience); absent: never */
  abandonAt?: number;
  /**
   * the case's number among its process's arrivals (0, 1, …): the cases of a batch arrive at one moment, and
   * the allocator takes their first requests in this order, as `sim` does. Absent in requests of workflows
   * from before it existed.
   */
  caseNo?: number;
  /**
   * the case's drawn work for a person (simulated seconds, before a slowdown): the allocator times the
   * end of a grant that a preemption may interrupt (`GrantEvent.preemptible`). Absent in requests of
   * workflows from before preemption was live: such a task is never granted as preemptible.
   */
  work?: number;
  /**
   * the case's drawn work for each kind of unit (simulated seconds, before a slowdown): the allocator
   * knows from it when a grant's task ends at the earliest, and decides no later moment before that end
   * is in (the decision barrier, simulator/decision-barrier.ts). Absent in requests of workflows from
   * before it: the allocator then does not wait for the task's end.
   */
  drawn?: Record<PoolKind, number>;
}

export interface TaskStartedEvent extends TaskIdentity {
  type: typeof EventType.taskStarted;
  grantId: string;
  unit: string;
  pool: string;
  at: number;
}

export interface TaskFinishedEvent extends TaskIdentity {
  type: typeof EventType.taskDone | typeof EventType.taskFailed;
  grantId: string;
  unit: string;
  pool: string;
  kind: PoolKind;
  enqueue: number;
  start: number;
  end: number;
  /** the drawn duration times the slowdown: exactly what `sim` gives the same task (for a preempted task, its work over all its grants) */
  service: number;
  /**
   * a task that was preempted: its waits summed (its first wait, and each from an interruption to the
   * next grant); `enqueue` is then when its last wait began. Absent: it waited `start - enqueue`.
   */
  waited?: number;
  /**
   * a task that was preempted: its work before each interruption, on the pool that did it (simulated
   * seconds); its last stretch is `start` to `end`. The figures put each stretch's work where it was done,
   * as `sim` does. Absent: one stretch (and in events of workflows from before it existed).
   */
  stretches?: WorkStretch[];
  /** true when this task counts in the figures (its case arrived after the warm-up) */
  counted: boolean;
  /**
   * `task.failed` only: why the bot did not finish, so the case escalates. `bot-failure`: the bot
   * reported the failure (the drawn one, as in `sim`); `bot-unavailable`: the bot activity timed out
   * or its retries ran out (a dead bot worker). Absent in events of workflows started before it existed.
   */
  failure?: BotFailureReason;
  /** the case's attributes, name → value (a process with attributes only; the same draws as `sim`) */
  attributes?: Record<string, number | string>;
  /**
   * The tasks the case asks for at once after this one, at its `end` (their ids; empty: none, the path
   * ends or waits at a join). The allocator's decision barrier holds that moment until their requests are
   * in, so a worker that dies between this report and them delays decisions, not the requests. Absent in
   * events of workflows from before it existed.
   */
  next?: string[];
}

/** Work a preempted task did before an interruption: on a unit of `pool`, from `start` to `end`. */
export interface WorkStretch {
  pool: string;
  start: number;
  end: number;
}

export type BotFailureReason = 'bot-failure' | 'bot-unavailable';

/** A task that was not served (the allocator's outcome grant said why); `at` = when it left (abandoned) or arrived (blocked). */
export interface TaskUnservedEvent extends TaskIdentity {
  type: typeof EventType.taskAbandoned | typeof EventType.taskBlocked;
  grantId: string;
  enqueue: number;
  at: number;
  counted: boolean;
  /** as in `TaskFinishedEvent.next`: the tasks the case asks for at once after this one (its route on) */
  next?: string[];
}

export type TaskEvent = TaskRequestedEvent | TaskStartedEvent | TaskFinishedEvent | TaskUnservedEvent;

/** A unit given to a task. Written to the grants topic before the workflow is signalled. */
export interface GrantEvent {
  v: 1;
  type: typeof EventType.grant;
  /** `<allocator instance>-<n>`: unique */
  grantId: string;
  taskId: string;
  caseId: string;
  unit: string;
  pool: string;
  kind: PoolKind;
  /** simulated time of the grant */
  at: number;
  /** duration multiplier of the pool now (slowdown disruptions) */
  slowdown: number;
  /**
   * No unit: the task is not served. `abandoned`: its `abandonAt` came first (at = then); `blocked`:
   * its queue was full (queues.<skill>.capacity; at = its request). `unit` and `pool` are then ''.
   * Absent: a unit granted.
   */
  outcome?: 'abandoned' | 'blocked';
  /**
   * A task a preemption may interrupt (a person's task of a class below a preemptive process that
   * shares the pool): the allocator, not the case, times its end. The case waits for the `workEnd`
   * signal of this grant: released when its work is done, or interrupted (it then waits for a new grant
   * with the work it has left). Absent: the case times the work itself.
   */
  preemptible?: true;
}

/** The payload of the workflow's `grant` signal: the grant itself. */
export type GrantSignal = GrantEvent;

/**
 * The end of a preemptible grant's work, decided by the allocator at its simulated moment and written
 * to the grants topic before the case is signalled (`workEndSignal`). `work.released`: the work is done
 * at `at`; `work.interrupted`: a task of a higher class took the unit at `at`, and `remaining` seconds
 * of work are left for the next grant.
 */
export interface WorkEndEvent {
  v: 1;
  type: typeof EventType.workReleased | typeof EventType.workInterrupted;
  /** the grant whose work ends */
  grantId: string;
  taskId: string;
  caseId: string;
  unit: string;
  at: number;
  /** work.interrupted: simulated seconds of work left */
  remaining?: number;
}

export interface CaseCompletedEvent {
  v: 1;
  type: typeof EventType.caseCompleted;
  caseId: string;
  process: string;
  processIndex: number;
  caseNo: number;
  arrival: number;
  end: number;
  /** time spent waiting for capacity, summed over tasks */
  wait: number;
  /** time spent waiting on the case's critical path (the last path to reach each join): at most end − arrival; absent in events of older workers */
  criticalWait?: number;
  /** service seconds times the pool's cost per hour, summed */
  cost: number;
  tasks: number;
  botTasks: number;
  slaMet: boolean;
  counted: boolean;
  /** the case ended without being served: a task abandoned (no onAbandon step) or was blocked (no onBlocked step); absent: served */
  outcome?: 'abandoned' | 'lost';
}

export interface SlaBreachedEvent {
  v: 1;
  type: typeof EventType.slaBreached;
  caseId: string;
  process: string;
  at: number;
}

export type CaseEvent = CaseCompletedEvent | SlaBreachedEvent;

export interface DeadLetterEvent {
  v: 1;
  type: typeof EventType.deadLetter;
  /** topic, partition and offset of the rejected message */
  source: { topic: string; partition: number; offset: string };
  reason: string;
  /** the message as received (utf8), cut to 10 kB */
  raw: string;
  key: string | null;
  /** wall-clock Unix milliseconds when it was rejected (a message that is not an event has no simulated time) */
  at: number;
}

/** A Kafka message as the consumers receive it (kafkajs gives Buffers, which are Uint8Arrays). */
export interface RawMessage {
  key: Uint8Array | null;
  value: Uint8Array | null;
}

let utf8: TextDecoder | undefined;
/** UTF-8 text of a message, byte-order mark kept (as Buffer.toString does); the decoder is made on first use */
const text = (raw: Uint8Array | string): string => (typeof raw === 'string' ? raw : (utf8 ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(raw));

/**
 * The dead letter of a message that could not be parsed or validated, as intake and the allocator write it;
 * `atWallMs` is when it was rejected (the caller's wall clock: this module reads no clock).
 */
export function deadLetterOf(source: DeadLetterEvent['source'], message: RawMessage, reason: string, atWallMs: number): DeadLetterEvent {
  return {
    v: 1,
    type: EventType.deadLetter,
    source,
    reason,
    raw: message.value ? text(message.value).slice(0, 10_000) : '',
    key: message.key ? text(message.key) : null,
    at: atWallMs,
  };
}

export type AnyEvent = DemandEvent | DisruptionEvent | TaskEvent | GrantEvent | WorkEndEvent | CaseEvent | DeadLetterEvent;

export function encodeEvent(ev: AnyEvent): string {
  return JSON.stringify(ev);
}

export { InvalidEventError };

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

function parseObject(raw: Uint8Array | string | null): Record<string, unknown> {
  if (raw === null) throw new InvalidEventError('empty message');
  let value: unknown;
  try {
    value = JSON.parse(text(raw));
  } catch (err) {
    throw new InvalidEventError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidEventError('expected a JSON object');
  const o = value as Record<string, unknown>;
  if (o.v !== 1) throw new InvalidEventError(`unsupported version v=${JSON.stringify(o.v)} (expected 1)`);
  return o;
}

function checkClock(c: unknown, where: string): void {
  const clock = c as Clock | undefined;
  if (!clock || !isNum(clock.startWallMs) || !isNum(clock.speed) || clock.speed <= 0) {
    throw new InvalidEventError(`${where}.clock: expected { startWallMs, speed > 0 }`);
  }
}

/** Parses and validates a demand event; throws InvalidEventError with the reason. */
export function parseDemandEvent(raw: Uint8Array | string | null): DemandEvent {
  const o = parseObject(raw);
  if (o.type !== EventType.demand) throw new InvalidEventError(`type: expected '${EventType.demand}', got ${JSON.stringify(o.type)}`);
  for (const f of ['id', 'runId', 'process'] as const) if (!isStr(o[f])) throw new InvalidEventError(`${f}: expected a non-empty string`);
  if (!Number.isInteger(o.caseNo) || (o.caseNo as number) < 0) throw new InvalidEventError('caseNo: expected an integer >= 0');
  if (!isNum(o.at) || o.at < 0) throw new InvalidEventError('at: expected simulated seconds >= 0');
  if (!Number.isInteger(o.seed)) throw new InvalidEventError('seed: expected an integer');
  checkClock(o.clock, 'demand');
  return o as unknown as DemandEvent;
}

/** Parses any event of the tasks, grants, cases or disruptions topics (light check: version and type). */
export function parseEvent<T extends AnyEvent = AnyEvent>(raw: Uint8Array | string | null): T {
  const o = parseObject(raw);
  if (!Object.values(EventType).includes(o.type as EventTypeName)) throw new InvalidEventError(`type: unknown event type ${JSON.stringify(o.type)}`);
  return o as unknown as T;
}
