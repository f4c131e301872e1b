/**
 * Abandonment, priorities and finite queues on the live runtime, end to end
 * on a real Kafka broker and a real Temporal server (infra/up.sh): one run of
 * test/fixtures/live-queueing.yaml at speed 180 (callers who hang up and get a
 * call-back, a call-back given up, e-mails overflowing a full inbox to an
 * outsourced team, complaints lost there; calls a higher class), then:
 *   1. every case ended once, served, abandoned or lost, as its events say;
 *   2. every abandoned task waited exactly its case's keyed patience draw (the
 *      allocator withdrew it at the logical instant, whatever the wall clock did);
 *   3. the figures agree with `sim` for the same seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createPolicy } from '../../allocation/registry.js';
import { simulateReplication } from '../../simulator/simulate.js';
import { summarize, type ResultDocument } from '../../simulator/summarize.js';
import { KeyedStream, Stream, taskKey } from '../../simulator/random.js';
import { sample } from '../../simulator/distributions.js';
import type { Scenario } from '../../model/scenario.js';
import type { LiveRun } from '../../workers/live-run.js';
import { topicNames, type AnyEvent, type CaseCompletedEvent, type DemandEvent, type GrantEvent, type TaskUnservedEvent } from '../../protocol/topics.js';
import { installTemporalRuntime } from '../../workers/temporal-worker.js';
import { loadScenario } from '../../cli/load-scenario.js';
import { ROOT } from '../helpers/cli.js';
import { exclusiveLiveTests, expectNoneRunning, infraUp, readTopic, runToCompletion, testLogger } from './live-helpers.js';

const SPEED = 180;

describe('abandonment, priorities and finite queues live (real Kafka + Temporal)', () => {
  const logger = testLogger();
  let scenario: Scenario;
  let runId: string;
  let run: LiveRun;
  let demand: DemandEvent[];
  let unserved: TaskUnservedEvent[];
  let completed: CaseCompletedEvent[];
  let grants: GrantEvent[];
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    installTemporalRuntime(logger);
    scenario = loadScenario(join(ROOT, 'test', 'fixtures', 'live-queueing.yaml'));
    ({ run, runId } = await runToCompletion('queueing', scenario, logger, { speed: SPEED }));
    const t = topicNames(runId);
    demand = (await readTopic<DemandEvent>(run.kafka, t.demand)).events;
    const tasks = (await readTopic<AnyEvent>(run.kafka, t.tasks)).events;
    unserved = [
      ...new Map(tasks.filter((e): e is TaskUnservedEvent => e.type === 'task.abandoned' || e.type === 'task.blocked').map((e) => [e.taskId, e])).values(),
    ];
    completed = [
      ...new Map(
        (await readTopic<CaseCompletedEvent>(run.kafka, t.cases)).events.filter((e) => e.type === 'case.completed').map((e) => [e.caseId, e]),
      ).values(),
    ];
    grants = (await readTopic<GrantEvent>(run.kafka, t.grants)).events;
  }, 900_000);

  afterAll(async () => {
    try {
      await run?.stop({ terminate: 'test ended' });
      if (run) await expectNoneRunning(scenario, runId);
    } finally {
      release?.();
    }
  }, 60_000);

  it('ends every case once, and an abandoned task waited exactly its keyed patience', () => {
    expect(completed.map((c) => c.caseId).sort()).toEqual(demand.map((d) => d.id).sort());
    const abandoned = unserved.filter((u) => u.type === 'task.abandoned');
    const blocked = unserved.filter((u) => u.type === 'task.blocked');
    expect(abandoned.length).toBeGreaterThan(5);
    expect(blocked.length).toBeGreaterThan(2);
    const patience = new KeyedStream(demand[0].seed, Stream.patience);
    for (const a of abandoned) {
      const step = scenario.processes[a.processIndex].steps[a.step];
      const caseNo = Number(a.caseId.slice(a.caseId.lastIndexOf('.') + 1));
      const drawn = sample(step.patience!, patience.open(a.processIndex, caseNo, taskKey(a.step, a.visit)));
      expect(a.at - a.enqueue, a.taskId).toBeCloseTo(drawn, 6);
    }
    // a blocked task waited not at all; an outcome grant names no unit, and each task had one grant
    for (const b of blocked) expect(b.at).toBe(b.enqueue);
    expect(grants.filter((g) => g.outcome).every((g) => g.unit === '')).toBe(true);
    expect(new Set(grants.map((g) => g.taskId)).size).toBe(grants.length);
    // the outcomes the cases report: complaints blocked are lost, a call-back given up ends the call abandoned
    const outcome = (id: string) => completed.find((c) => c.caseId === id)?.outcome;
    for (const b of blocked) expect(outcome(b.caseId)).toBe(b.process === 'complaint' ? 'lost' : undefined);
    // (a caller who hung up and whose call-back was given up too ends abandoned; one whose call-back was made is served)
    const gaveUp = new Set(abandoned.filter((a) => scenario.processes[a.processIndex].steps[a.step].id === 'callBack').map((a) => a.caseId));
    for (const a of abandoned) expect(outcome(a.caseId), a.taskId).toBe(gaveUp.has(a.caseId) ? 'abandoned' : undefined);
  });

  it('agrees with sim for the same seed', () => {
    const policy = createPolicy(scenario);
    const sim = summarize(scenario, policy.name, [simulateReplication({ scenario, policy, replication: 0 })]);
    const live: ResultDocument = run.collector!.tally.document(policy.name);
    const lagged = run.allocator!.lagSummary();
    console.log(`hand-off to the allocator: p99 ${lagged.p99Ms.toFixed(0)} ms, max ${lagged.maxMs.toFixed(0)} ms; settle ${run.allocator!.settleMs} ms`);
    // counts: the same within a few cases (a late event can change which task a unit takes next)
    const near = (l: number, s: number) => Math.abs(l - s) <= Math.max(3, 0.2 * s);
    for (const p of scenario.processes) {
      // a figure over an empty set is null (e.g. blockingRate of a process whose queues are unbounded)
      const l = live.processes[p.id] as unknown as Record<string, { mean: number } | null>;
      const s = sim.processes[p.id] as unknown as Record<string, { mean: number } | null>;
      const show = (f: { mean: number } | null) => (f === null ? 'n/a' : f.mean.toFixed(1));
      console.log(
        `${p.id}: ${['completed', 'abandoned', 'casesAbandoned', 'blocked', 'casesLost', 'waitMeanSeconds'].map((k) => `${k} live ${show(l[k])} sim ${show(s[k])}`).join('; ')}`,
      );
      const mean = (f: { mean: number } | null, what: string) => {
        expect(f, `${p.id} ${what} is a figure`).not.toBeNull();
        return f!.mean;
      };
      expect(mean(l.arrived, 'arrived'), `${p.id} arrived`).toBe(mean(s.arrived, 'arrived'));
      for (const k of ['completed', 'abandoned', 'casesAbandoned', 'blocked', 'casesLost'])
        expect(near(mean(l[k], k), mean(s[k], k)), `${p.id} ${k}: live ${show(l[k])}, sim ${show(s[k])}`).toBe(true);
      // a rate is null in both runtimes or a figure in both
      for (const k of ['abandonmentRate', 'blockingRate']) {
        expect(l[k] === null, `${p.id} ${k}: live ${show(l[k])}, sim ${show(s[k])}`).toBe(s[k] === null);
        if (l[k] !== null) expect(Math.abs(l[k]!.mean - s[k]!.mean)).toBeLessThanOrEqual(0.1);
      }
      // every case is accounted for: served, abandoned, lost (none open at the end)
      expect(mean(l.completed, 'completed') + mean(l.casesAbandoned, 'casesAbandoned') + mean(l.casesLost, 'casesLost')).toBe(mean(l.arrived, 'arrived'));
    }
    // priorities: calls (class 1) wait less than e-mails and complaints (class 0) in both runtimes
    for (const d of [live, sim]) expect(d.priorityClasses!['1'].waitMeanSeconds!.mean).toBeLessThan(d.priorityClasses!['0'].waitMeanSeconds!.mean);
  });
});
