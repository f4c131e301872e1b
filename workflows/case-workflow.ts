/**
 * One case = one workflow execution; its workflow id is the demand event id.
 *
 * The workflow walks its process graph with the `sim` engine's own walk
 * (model/process-graph.ts `arrive`/`nextStep`/`splitFrame`): a step asks the allocator for
 * a unit (activity → Kafka `task.requested`), waits for the `grant` signal,
 * works for the drawn duration (simulated seconds / speed): a person's work is
 * a durable timer, a bot's work is the `botWork` activity (protocol/bot-work.ts),
 * which can fail; it reports the task (activity → Kafka `task.done` or
 * `task.failed`, which frees the unit), then moves on. Events are published by local activities (at least
 * once; consumers drop duplicates by id). Durations, branch choices and bot failures are
 * the engine's draws (simulator/case-draws.ts, keyed by seed, process, case,
 * step, visit), so both runtimes give a case the same draws. A bot task that fails (the bot reports
 * the drawn failure, or the bot cannot be reached after its retries) is
 * escalated: the case goes to the step's `onBotFailure` step (a person), or
 * retries the step. A parallel split
 * walks each branch concurrently; the branch that reaches the join last carries
 * the case on, as in the engine.
 *
 * Deterministic: imports only pure code and `@temporalio/workflow`; state is
 * plain JSON. A long case (rework loops) continues as new between two tasks
 * when its history grows past `maxHistory` events, outside any parallel split.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Process } from '../model/scenario.js';
import {
  CASE_ENDS,
  SPLIT,
  arrive,
  mayRevisit as graphMayRevisit,
  nextStep,
  splitFrame,
  tasksEntered,
  unservedNext,
  type Frame,
} from '../model/process-graph.js';
import { CaseDraws, type CaseKey } from '../simulator/case-draws.js';
import { attributeRecord } from '../simulator/case-attributes.js';
import { taskEnd } from '../simulator/unit-duty.js';
import { withinSla } from '../model/sla.js';
import type {
  BotFailureReason,
  CaseCompletedEvent,
  GrantSignal,
  TaskFinishedEvent,
  TaskRequestedEvent,
  TaskStartedEvent,
  TaskUnservedEvent,
  WorkEndEvent,
  WorkStretch,
} from '../protocol/topics.js';
import { simNow, wallMsUntil } from '../protocol/clock.js';
import type { CaseInput, CaseResult, CaseResume } from '../protocol/case-input.js';
import type { CaseActivities } from '../protocol/activities.js';
import { BOT_FAILURE, type BotActivities, type BotWorkInput } from '../protocol/bot-work.js';
import { grantSignal, stateQuery, workEndSignal } from '../protocol/signals.js';

// Publishing an event is a local activity: it runs in the worker that runs the workflow task, with no
// round trip through the server's activity queue (a task costs two workflow tasks: grant and timer).
const acts = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '10s',
  // Kafka may be down for a while (a broker restart): keep trying (no maximum attempts), never lose an event
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '5s' },
});

/** Histories recorded before bot work became an activity replay the old timer (Temporal's patching). */
export const BOT_ACTIVITY_PATCH = 'bot-work-activity';

/** How long a bot may stay silent before Temporal calls it dead, and how often a dead bot is tried again. */
const BOT_HEARTBEAT_TIMEOUT = '5s';
const BOT_ATTEMPTS = 3;

/**
 * A bot step: the `botWork` activity. Returns why the bot did not finish, or
 * undefined when it did: `bot-failure` when the bot reported a failure (not
 * retried), `bot-unavailable` when its attempts timed out or ran out.
 */
async function botWork(input: BotWorkInput): Promise<BotFailureReason | undefined> {
  const bots = proxyActivities<BotActivities>({
    startToCloseTimeout: input.ms + 60_000,
    heartbeatTimeout: BOT_HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: BOT_ATTEMPTS, nonRetryableErrorTypes: [BOT_FAILURE] },
  });
  try {
    await bots.botWork(input);
    return undefined;
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    const reported = err.cause instanceof ApplicationFailure && err.cause.type === BOT_FAILURE;
    if (!reported)
      log.warn('bot unavailable: escalating to a person', { taskId: input.taskId, unit: input.unit, error: String(err.cause?.message ?? err.message) });
    return reported ? 'bot-failure' : 'bot-unavailable';
  }
}

export async function caseWorkflow(input: CaseInput): Promise<CaseResult> {
  const { process: proc, clock, caseId, processIndex, caseNo, seed } = input;
  const maxHistory = input.maxHistory ?? 10_000;
  const r = input.resume;
  const st = {
    visits: r ? r.visits.slice() : proc.steps.map(() => 0),
    wait: r?.wait ?? 0,
    /** the waits on the path that finished the case (the last path to reach each join), as the sim engine counts them */
    criticalWait: 0,
    cost: r?.cost ?? 0,
    tasks: r?.tasks ?? 0,
    botTasks: r?.botTasks ?? 0,
    breached: r?.breached ?? false,
    /** a task of the case was abandoned or blocked with no route on (simulator/abandonment.ts CaseOutcome) */
    outcome: r?.outcome,
    done: false,
    /** simulated time the case ended (set where its path ends) */
    end: 0,
    /** taskId → null while waiting, the grant once it came */
    waiting: {} as Record<string, GrantSignal | null>,
    /** preemptible work in progress: taskId → its grant's id (the allocator ends it, `workEndSignal`) */
    working: {} as Record<string, string>,
    /** grantId → how the allocator ended that preemptible grant's work (kept until the task reads it) */
    workEnds: {} as Record<string, WorkEndEvent>,
    /**
     * taskId → new grants of a preempted task that came before the news of its interruption, in the order
     * they came (a restarted allocator catching up may decide a grant, its interruption and the next grant at once)
     */
    regrants: {} as Record<string, GrantSignal[]>,
  };
  const now = () => simNow(clock, Date.now());
  const deadline = input.arrival + proc.sla;
  // as the engine: a process that cannot revisit a step draws every task as visit 0 (its task ids still count);
  // the compiler says which (inputs of cases started before it did lack the field: work it out)
  const mayRevisit = (proc as Partial<Process>).mayRevisit ?? graphMayRevisit(proc.steps);
  const draws = new CaseDraws(seed);
  const kase: CaseKey = { process: processIndex, no: caseNo, attributes: null };
  // the case's attributes: the engine's draw, keyed by the case (a pure function: the same after continue-as-new)
  kase.attributes = draws.attributes(kase, proc);
  const attributes = kase.attributes ? attributeRecord(proc.attributes!, kase.attributes) : undefined;

  /**
   * Grants that came before their task was marked waiting. That happens when a workflow task
   * times out after publishing the request (a slow local activity during a broker outage): the
   * grant is then in the history before the retried workflow task, and it reaches the handler
   * as soon as the handler is set, before the walk re-enters the step. Dropping it would leave
   * the case waiting forever and the unit held.
   */
  const early: Record<string, GrantSignal> = {};
  /** the task id names a step entry this run has not made yet (not one already done) */
  const ahead = (taskId: string) => {
    const [step, n] = taskId
      .slice(caseId.length + 1)
      .split('/')
      .map(Number);
    return taskId.startsWith(`${caseId}/`) && step >= 0 && step < st.visits.length && n >= st.visits[step];
  };
  /** the grants this case has worked under: one sent again (a restarted allocator re-sends what it cannot know was delivered) is no new grant */
  const worked = new Set<string>();
  setHandler(grantSignal, (g) => {
    if (worked.has(g.grantId)) log.debug('ignored a grant already worked under', { taskId: g.taskId, grantId: g.grantId });
    else if (st.waiting[g.taskId] === null) st.waiting[g.taskId] = g;
    else if (!(g.taskId in st.waiting) && ahead(g.taskId)) early[g.taskId] = g;
    // a preempted task granted again before the interruption's signal came (or before the case took the grant before it)
    else if (!g.outcome && (g.taskId in st.working || st.waiting[g.taskId]) && (st.working[g.taskId] ?? st.waiting[g.taskId]?.grantId) !== g.grantId) {
      const queued = (st.regrants[g.taskId] ??= []);
      if (!queued.some((x) => x.grantId === g.grantId)) queued.push(g);
    }
    // a grant for a task done or already granted is a re-sent one (allocator restart): ignore it
    else log.debug('ignored grant', { taskId: g.taskId, grantId: g.grantId });
  });
  setHandler(workEndSignal, (e) => {
    st.workEnds[e.grantId] = e;
  });
  setHandler(stateQuery, () => ({ waiting: Object.keys(st.waiting), tasks: st.tasks, wait: st.wait, breached: st.breached }));

  // the SLA watch: a durable timer to the due date
  const untilDue = wallMsUntil(clock, deadline, Date.now());
  if (!st.breached) {
    if (untilDue <= 0) st.breached = true;
    else {
      void sleep(untilDue).then(async () => {
        if (st.done) return;
        st.breached = true;
        await acts.publishCaseEvent({ v: 1, type: 'case.sla-breached', caseId, process: proc.id, at: deadline });
      });
    }
  }

  /**
   * One task, entered at simulated time `t`: request, grant, work, report. Logical time: the
   * request is stamped `t`, the work starts at the grant's simulated time and ends exactly the
   * drawn duration later, and its timer fires at the wall instant of that end (at once if the
   * grant reached the case after it). Hand-off latency delays when things happen on the wall
   * clock, never the simulated stamps. A `preemptible` grant's work is timed by the allocator instead,
   * which ends it by signal: released, or interrupted by a higher class, when the task waits for a new
   * grant with the work it has left. Returns whether a bot failed it, when it ended and how long it waited.
   */
  /** A gateway step is a routing point: no request, no unit, no time (its visit counts, as in the engine). */
  function passGateway(stepIndex: number, t: number): { failed: boolean; end: number; waited: number; unserved?: 'abandoned' | 'blocked' } {
    st.visits[stepIndex]++;
    return { failed: false, end: t, waited: 0 };
  }

  /** How a task ended, for the walk's route: a bot failed it, or the allocator did not serve it. */
  type Outcome = { failed: boolean; unserved?: 'abandoned' | 'blocked' };

  /**
   * `follows(outcome)`: the tasks the case will ask for at once after this one (their ids), which its report
   * names for the allocator's decision barrier (TaskFinishedEvent.next).
   */
  async function work(
    stepIndex: number,
    t: number,
    follows: (outcome: Outcome) => string[],
  ): Promise<{ failed: boolean; end: number; waited: number; unserved?: 'abandoned' | 'blocked' }> {
    const step = proc.steps[stepIndex];
    const n = st.visits[stepIndex]++;
    const visit = mayRevisit ? n : 0;
    const taskId = `${caseId}/${stepIndex}/${n}`;
    const ident = { v: 1 as const, taskId, caseId, process: proc.id, processIndex, step: stepIndex, visit, skill: step.skill };
    const granted = early[taskId];
    delete early[taskId];
    const enqueue = t;
    st.waiting[taskId] = granted ?? null;
    // a step with a patience: the allocator withdraws the task at enqueue + the case's patience draw (as the engine does)
    const patience = step.patience ? draws.patience(kase, step, visit) : Infinity;
    const humanWork = draws.duration(kase, step, visit, false);
    const request: TaskRequestedEvent = {
      ...ident,
      type: 'task.requested',
      at: enqueue,
      deadline,
      clock,
      caseNo,
      ...(Number.isFinite(patience) ? { abandonAt: enqueue + patience } : {}),
      // a person's work, by which the allocator times a grant that a preemption may interrupt (GrantEvent.preemptible)
      ...(input.preemption ? { work: humanWork } : {}),
      // the allocator's decision barrier: when a grant's task ends at the earliest, whichever kind of unit does it
      drawn: { human: humanWork, bot: draws.duration(kase, step, visit, true) },
    };
    await acts.publishTaskEvent(request);
    /** when the current wait began: the request, or the interruption of a preempted task */
    let waitFrom = enqueue;
    /** waits so far, work done before an interruption, and the work left after one (undefined: not interrupted) */
    let waited = 0;
    let served = 0;
    let left: number | undefined;
    /** the work before each interruption, where it was done (the figures put it there) */
    const stretches: WorkStretch[] = [];
    for (;;) {
      await condition(() => st.waiting[taskId] !== null);
      const g = st.waiting[taskId]!;
      delete st.waiting[taskId];
      worked.add(g.grantId);
      if (g.outcome) {
        const at = Math.max(g.at, enqueue);
        const ev: TaskUnservedEvent = {
          ...ident,
          type: g.outcome === 'abandoned' ? 'task.abandoned' : 'task.blocked',
          grantId: g.grantId,
          enqueue,
          at,
          counted: input.counted,
          next: follows({ failed: false, unserved: g.outcome }),
        };
        await acts.publishTaskEvent(ev);
        st.wait += at - enqueue;
        return { failed: false, end: at, waited: at - enqueue, unserved: g.outcome };
      }
      const pool = input.pools.find((p) => p.id === g.pool);
      if (!pool) throw new Error(`grant ${g.grantId} names unknown pool '${g.pool}'`);
      const isBot = pool.kind === 'bot';
      // a preempted task resumes with the work it has left (no new draw, no new slowdown: as in the engine)
      const service = left ?? draws.duration(kase, step, visit, isBot) * g.slowdown;
      const drawnFailure = draws.botFails(kase, step, visit, pool);
      let started: Promise<void> | null = null;
      if (input.reportStarted !== false) {
        const ev: TaskStartedEvent = { ...ident, type: 'task.started', grantId: g.grantId, unit: g.unit, pool: g.pool, at: g.at };
        started = acts.publishTaskEvent(ev);
      }
      // a grant is never earlier than its request (the allocator orders by simulated time); a late one starts when it came
      const start = Math.max(g.at, waitFrom);
      waited += start - waitFrom;
      let end: number;
      let failure: BotFailureReason | undefined;
      if (g.preemptible) {
        // the allocator times this work (a preemption at an earlier moment may still be decided): wait for its word
        st.working[taskId] = g.grantId;
        await condition(() => g.grantId in st.workEnds);
        const e = st.workEnds[g.grantId];
        delete st.workEnds[g.grantId];
        delete st.working[taskId];
        if (started) await started;
        end = Math.max(e.at, start);
        st.cost += ((end - start) * pool.costPerHour) / 3600;
        if (e.type === 'work.interrupted') {
          // a higher class took the unit: the task waits again, in its old place, with the work it has left
          served += end - start;
          stretches.push({ pool: g.pool, start, end });
          left = e.remaining!;
          waitFrom = end;
          const regrant = st.regrants[taskId]?.shift();
          if (!st.regrants[taskId]?.length) delete st.regrants[taskId];
          st.waiting[taskId] = regrant ?? null;
          continue;
        }
        if (drawnFailure) failure = 'bot-failure';
      } else {
        // a pool that pauses at the end of duty: the work stops while the unit is off (as the engine times it)
        end = taskEnd(pool.duty, g.unit, start, service);
        const ms = Math.max(0, wallMsUntil(clock, end, Date.now()));
        if (isBot && patched(BOT_ACTIVITY_PATCH)) {
          failure = await botWork({ taskId, pool: g.pool, unit: g.unit, ms: Math.round(ms), untilWallMs: Date.now() + Math.round(ms), fail: drawnFailure });
        } else {
          // people's work (and bot work in cases started before the patch): a durable timer
          if (ms >= 1) await sleep(ms);
          if (drawnFailure) failure = 'bot-failure';
        }
        if (started) await started;
        st.cost += (service * pool.costPerHour) / 3600;
      }
      const failed = failure !== undefined;
      st.wait += waited;
      st.tasks++;
      if (isBot) st.botTasks++;
      const finished: TaskFinishedEvent = {
        ...ident,
        type: failed ? 'task.failed' : 'task.done',
        grantId: g.grantId,
        unit: g.unit,
        pool: g.pool,
        kind: pool.kind,
        enqueue: waitFrom,
        start,
        end,
        service: g.preemptible ? served + (end - start) : served + service,
        counted: input.counted,
        ...(left !== undefined ? { waited } : {}),
        ...(stretches.length > 0 ? { stretches } : {}),
        ...(failure ? { failure } : {}),
        ...(attributes ? { attributes } : {}),
        next: follows({ failed }),
      };
      await acts.publishTaskEvent(finished);
      return { failed, end, waited };
    }
  }

  /** per parallel split in progress: the latest simulated time one of its paths reached the join, and that path's wait */
  const joinTimes = new Map<Frame, { t: number; pathWait: number }>();

  /**
   * Walks the case from `stepIndex` until its path ends: the case is done, or
   * this path reached its join before the others. The walk is the engine's (model/process-graph.ts).
   */
  async function walk(stepIndex: number, parent: Frame | null, from: number, pathWaitBefore: number): Promise<void> {
    let s = stepIndex;
    let frame = parent;
    let t = from;
    let pathWait = pathWaitBefore;
    for (;;) {
      // a join happens when the last path reaches it in simulated time (not the last on the wall clock)
      // (that path is the case's critical one: its wait is the case's critical wait)
      if (frame && s === frame.join) {
        const latest = joinTimes.get(frame);
        if (!latest || t >= latest.t) joinTimes.set(frame, { t, pathWait });
        ({ t, pathWait } = joinTimes.get(frame)!);
      }
      const current = arrive(frame, s);
      if (current === undefined) return; // a parallel path waits at its join for the others
      if (frame && current !== frame) joinTimes.delete(frame);
      frame = current;
      if (!frame && workflowInfo().historyLength > maxHistory) {
        const resume: CaseResume = {
          step: s,
          visits: st.visits,
          wait: st.wait,
          pathWait,
          cost: st.cost,
          tasks: st.tasks,
          botTasks: st.botTasks,
          breached: st.breached,
          runs: (r?.runs ?? 1) + 1,
          t,
          ...(st.outcome ? { outcome: st.outcome } : {}),
        };
        await continueAsNew<typeof caseWorkflow>({ ...input, resume });
      }
      const step = proc.steps[s];
      const visit = mayRevisit ? st.visits[s] : 0;
      const inFrame = frame;
      const route = (o: Outcome) => (o.unserved ? unservedNext(step, o.unserved, inFrame) : nextStep(step, o.failed, inFrame, kase, visit, draws));
      // the ids the walk will give the tasks it enters next (a step's n-th entry is `<case>/<step>/<n>`)
      const follows = (o: Outcome) => {
        const seen = new Map<number, number>();
        return tasksEntered(proc.steps, step, route(o), inFrame, kase, st.visits, mayRevisit, draws).map((x) => {
          const k = seen.get(x) ?? 0;
          seen.set(x, k + 1);
          return `${caseId}/${x}/${st.visits[x] + k}`;
        });
      };
      const task = step.gateway ? passGateway(s, t) : await work(s, t, follows);
      t = task.end;
      pathWait += task.waited;
      const to = route(task);
      if (task.unserved) {
        const routed = to >= 0 && to === (task.unserved === 'abandoned' ? step.onAbandon : step.onBlocked);
        if (!routed && st.outcome !== 'lost') st.outcome = task.unserved === 'abandoned' ? 'abandoned' : 'lost';
      }
      if (to === CASE_ENDS) {
        st.end = t;
        st.criticalWait = pathWait;
        return;
      }
      if (to === SPLIT && step.next.kind === 'parallel') {
        const child = splitFrame(step.next, frame);
        // each branch enters in order (visit numbers as in the engine); the last to reach the join goes on
        await Promise.all(step.next.branches.map((b) => walk(b, child, t, pathWait)));
        return;
      }
      s = to;
    }
  }

  // a case continued as new before logical time resumes at the wall clock's simulated now
  await walk(r ? r.step : proc.start, null, r ? (r.t ?? now()) : input.arrival, r?.pathWait ?? r?.wait ?? 0);
  st.done = true;
  const end = st.end;
  const result: CaseCompletedEvent = {
    v: 1,
    type: 'case.completed',
    caseId,
    process: proc.id,
    processIndex,
    caseNo,
    arrival: input.arrival,
    end,
    wait: st.wait,
    criticalWait: st.criticalWait,
    cost: st.cost,
    tasks: st.tasks,
    botTasks: st.botTasks,
    slaMet: withinSla(end - input.arrival, proc.sla),
    counted: input.counted,
    ...(st.outcome ? { outcome: st.outcome } : {}),
  };
  await acts.publishCaseEvent(result);
  return { ...result, runs: r?.runs ?? 1 };
}
