/**
 * kill -9 of the allocator while it times preemptible work, on a real Kafka
 * broker and a real Temporal server. With a preemptive process in the
 * scenario the allocator, not the case, times the end of every grant a
 * preemption may interrupt (docs/live.md, Preemption): a case with such a
 * grant waits for the allocator's work end. So a new allocator must time again
 * the work the killed one was timing, from the log it replays, or those cases
 * wait for ever.
 *
 * test/fixtures/live-preemption.yaml at speed 180: four agents, calls that
 * interrupt long e-mails. The allocator runs as a child process; once the
 * grants topic shows open e-mail grants whose work ends after the current
 * simulated moment (the killed allocator cannot have ended them), it is
 * killed and a new one started. Then:
 *   - every case completes, once, and no workflow is left running;
 *   - every preemptible grant open at the kill got its work end, and its
 *     task's last grant was released exactly at its grant time + its work
 *     (the request's keyed `work` x the grant's slowdown, or what an
 *     interruption left);
 *   - an interrupted task's task.done lists its work before each
 *     interruption (pool, start, end), which the figures split by;
 *   - no unit is granted twice: a task is granted again only after its work
 *     was interrupted, and a unit's next grant comes after its task's work ended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createPolicy } from '../../allocation/registry.js';
import type { Scenario } from '../../model/scenario.js';
import { startLiveRun, type LiveRun } from '../../workers/live-run.js';
import { demandTimeline } from '../../workers/producer.js';
import { installTemporalRuntime } from '../../workers/temporal-worker.js';
import { loadScenario } from '../../cli/load-scenario.js';
import { simNow } from '../../protocol/clock.js';
import {
  topicNames,
  type AnyEvent,
  type CaseCompletedEvent,
  type GrantEvent,
  type TaskFinishedEvent,
  type TaskRequestedEvent,
  type WorkEndEvent,
} from '../../protocol/topics.js';
import { ROOT } from '../helpers/cli.js';
import {
  BROKERS,
  TEMPORAL,
  exclusiveLiveTests,
  infraUp,
  kafkaBudgetMs,
  listWorkflows,
  newRunId,
  readTopic,
  spawnCli,
  stopRunChecked,
  testLogger,
  waitFor,
} from './live-helpers.js';

const SPEED = 180;
const FIXTURE = join(ROOT, 'test', 'fixtures', 'live-preemption.yaml');
const logger = testLogger();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Child = ChildProcess & { output: { text: string } };

function allocator(runId: string): Child {
  // at info level: it says when it is running
  return spawnCli(['allocator', FIXTURE, '--run-id', runId], `allocator-${runId}`, { LOG_LEVEL: 'info' });
}

async function running(c: Child): Promise<void> {
  await waitFor(
    () => {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`allocator exited (${c.exitCode ?? c.signalCode}):\n${c.output.text.slice(-2000)}`);
      return c.output.text.includes('"msg":"allocator running"');
    },
    120_000,
    'the allocator to run',
  );
}

function kill9(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
}

/** The grants topic split: grants, and work ends by the grant they end. */
function split(log: AnyEvent[]): { grants: GrantEvent[]; endOf: Map<string, WorkEndEvent> } {
  return {
    grants: log.filter((e): e is GrantEvent => e.type === 'grant'),
    endOf: new Map(log.filter((e): e is WorkEndEvent => e.type === 'work.released' || e.type === 'work.interrupted').map((e) => [e.grantId, e])),
  };
}

describe('kill -9 of the allocator with preemptible work in hand (real Kafka + Temporal)', () => {
  let release: (() => void) | undefined;
  let scenario: Scenario;
  let run: LiveRun | undefined;
  let runId = '';
  const children: Child[] = [];

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    installTemporalRuntime(logger);
    scenario = loadScenario(FIXTURE);
  }, 900_000);

  afterAll(async () => {
    try {
      for (const c of children.splice(0)) await kill9(c);
      if (run) await stopRunChecked(run, scenario, runId);
    } finally {
      release?.();
    }
  }, 300_000);

  it('a new allocator times again the work the killed one was timing: every case completes, no unit granted twice', async () => {
    runId = newRunId('kill-alloc-preempt');
    const t = topicNames(runId);
    const expectedIds = [...demandTimeline(scenario, runId, { startWallMs: 0, speed: SPEED })].filter((e) => e.demand).map((e) => e.demand!.id);
    const first = allocator(runId);
    children.push(first);
    await running(first);
    run = await startLiveRun({
      scenario,
      policy: createPolicy(scenario),
      brokers: BROKERS,
      temporalAddress: TEMPORAL,
      runId,
      speed: SPEED,
      logger,
      services: ['worker', 'intake', 'collector', 'producer'],
      startDelayMs: 4000,
    });
    const live = run;
    const requestOf = new Map<string, TaskRequestedEvent>();
    /** the work a grant's end is timed by: what the interruption before it left, or the request's work at the grant's slowdown */
    const workOf = (g: GrantEvent, grants: GrantEvent[], endOf: Map<string, WorkEndEvent>): number => {
      const before = grants.filter((x) => x.taskId === g.taskId && x.grantId !== g.grantId && grants.indexOf(x) < grants.indexOf(g));
      const left = before.length ? endOf.get(before[before.length - 1].grantId)?.remaining : undefined;
      return left ?? requestOf.get(g.taskId)!.work! * g.slowdown;
    };
    // wait until at least two e-mail grants are open whose work ends after this moment: the allocator has not ended them
    let timedAtKill: GrantEvent[] = [];
    await waitFor(
      async () => {
        for (const e of (await readTopic<AnyEvent>(live.kafka, t.tasks)).events) if (e.type === 'task.requested') requestOf.set(e.taskId, e);
        const { grants, endOf } = split((await readTopic<AnyEvent>(live.kafka, t.grants)).events);
        const now = simNow(live.clock, Date.now());
        timedAtKill = grants.filter((g) => g.preemptible && !endOf.has(g.grantId) && g.at + workOf(g, grants, endOf) > now);
        return timedAtKill.length >= 2;
      },
      60_000,
      'two preemptible grants in hand',
      100,
    );
    await kill9(first);
    await sleep(1500);
    const second = allocator(runId);
    children.push(second);
    await running(second);
    await live.produced;

    // every case completes, once
    let completed = new Set<string>();
    await waitFor(
      async () => {
        completed = new Set((await readTopic<CaseCompletedEvent>(live.kafka, t.cases)).events.filter((e) => e.type === 'case.completed').map((e) => e.caseId));
        return completed.size >= expectedIds.length;
      },
      kafkaBudgetMs(90_000),
      `every case to complete (${expectedIds.length}; the ones left wait for a work end no allocator times)`,
      1000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: missing ${expectedIds.filter((id) => !completed.has(id)).join(', ')}`);
    });
    expect([...completed].sort()).toEqual([...expectedIds].sort());
    const listed = await listWorkflows(live.client, `${runId}.`);
    expect(listed.filter((w) => w.status !== 'COMPLETED')).toEqual([]);

    const tasks = (await readTopic<AnyEvent>(live.kafka, t.tasks)).events;
    for (const e of tasks) if (e.type === 'task.requested') requestOf.set(e.taskId, e);
    const done = new Map(tasks.filter((e): e is TaskFinishedEvent => e.type === 'task.done' || e.type === 'task.failed').map((e) => [e.taskId, e]));
    const { grants, endOf } = split((await readTopic<AnyEvent>(live.kafka, t.grants)).events);
    const instanceOf = (g: GrantEvent) => g.grantId.slice(0, g.grantId.lastIndexOf('-'));
    const instances = [...new Set(grants.map(instanceOf))];
    expect(instances.length).toBe(2); // both incarnations granted

    // the work in hand at the kill: every grant got its work end, and its task's last grant (a resumption, if a call
    // interrupted it) was released exactly at its timed end (after the moment of the kill: by the new incarnation)
    const served = grants.filter((g) => !g.outcome);
    for (const g of timedAtKill) {
      expect(endOf.get(g.grantId), `work end of ${g.grantId} (${g.taskId})`).toBeDefined();
      expect(done.has(g.taskId), `${g.taskId} done`).toBe(true);
      const last = served.filter((x) => x.taskId === g.taskId).pop()!;
      expect(last.preemptible).toBe(true);
      expect(endOf.get(last.grantId)?.type).toBe('work.released');
      expect(endOf.get(last.grantId)!.at).toBeCloseTo(last.at + workOf(last, grants, endOf), 6);
    }
    // an interrupted task's task.done lists the work before each interruption where it was done (the figures split it so)
    for (const [taskId, f] of done) {
      const stretches = served
        .filter((g) => g.taskId === taskId && endOf.get(g.grantId)?.type === 'work.interrupted')
        .map((g) => ({ pool: g.pool, start: g.at, end: endOf.get(g.grantId)!.at }));
      expect(f.stretches ?? [], `${taskId} stretches`).toEqual(stretches);
    }

    // no unit granted twice: a task again only after its work was interrupted; a unit's next grant after its work ended
    const byTask = new Map<string, GrantEvent[]>();
    for (const g of served) (byTask.get(g.taskId) ?? byTask.set(g.taskId, []).get(g.taskId)!).push(g);
    for (const list of byTask.values())
      for (const g of list.slice(0, -1)) expect(endOf.get(g.grantId)?.type, `${g.grantId} granted again`).toBe('work.interrupted');
    const endAt = (g: GrantEvent) => endOf.get(g.grantId)?.at ?? done.get(g.taskId)?.end ?? Infinity;
    const byUnit = new Map<string, GrantEvent[]>();
    for (const g of served) (byUnit.get(g.unit) ?? byUnit.set(g.unit, []).get(g.unit)!).push(g);
    const overlaps: string[] = [];
    for (const list of byUnit.values()) {
      list.sort((a, b) => a.at - b.at);
      for (let i = 0; i + 1 < list.length; i++)
        if (endAt(list[i]) > list[i + 1].at + 1e-6) overlaps.push(`${list[i].grantId} / ${list[i + 1].grantId} on ${list[i].unit}`);
    }
    expect(overlaps).toEqual([]);
    const interrupted = [...endOf.values()].filter((e) => e.type === 'work.interrupted').length;
    console.log(
      `allocator killed with ${timedAtKill.length} preemptible grants in hand, each ended by the new one at its timed end; ` +
        `${completed.size} cases completed; ${served.length} grants by ${instances.length} incarnations, ${interrupted} interruptions, no overlap`,
    );
  }, 300_000);
});
