/**
 * The continue-as-new path of the case workflow, on the real servers: with a
 * tiny history limit every case continues as new between tasks, carrying its
 * state as plain JSON (visits, wait, cost, counts), and still ends exactly as
 * it would in one run: the same tasks, the same keyed durations, one
 * completion per case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyedStream, Stream, taskKey } from '../../simulator/random.js';
import { sample } from '../../simulator/distributions.js';
import type { Scenario } from '../../model/scenario.js';
import type { LiveRun } from '../../workers/live-run.js';
import { installTemporalRuntime } from '../../workers/temporal-worker.js';
import { topicNames, type CaseCompletedEvent, type TaskFinishedEvent } from '../../protocol/topics.js';
import type { CaseResult } from '../../protocol/case-input.js';
import { endLiveTests, exclusiveLiveTests, infraUp, readTopic, runToCompletion, smallScenario, testLogger } from './live-helpers.js';

describe('case workflow continue-as-new (real Kafka + Temporal)', () => {
  const logger = testLogger();
  let scenario: Scenario;
  let run: LiveRun;
  let runId: string;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    installTemporalRuntime(logger);
    scenario = smallScenario(['horizon=30m']);
    ({ run, runId } = await runToCompletion('can', scenario, logger, { maxHistory: 20 }));
  }, 900_000);

  afterAll(() => endLiveTests(release, { run, scenario, runId }), 60_000);

  it('continues long cases as new and finishes them exactly once, with the same draws', async () => {
    const t = topicNames(runId);
    const completed = (await readTopic<CaseCompletedEvent>(run.kafka, t.cases)).events.filter((e) => e.type === 'case.completed');
    const finished = new Map(
      (await readTopic<TaskFinishedEvent>(run.kafka, t.tasks)).events
        .filter((e) => e.type === 'task.done' || e.type === 'task.failed')
        .map((e) => [e.taskId, e]),
    );
    const ids = [...run.collector!.tally.demand.keys()];
    expect(new Set(completed.map((c) => c.caseId)).size).toBe(ids.length);
    let continued = 0;
    for (const id of ids) {
      const result = await run.client.workflow.getHandle<() => Promise<CaseResult>>(id).result();
      if (result.runs > 1) continued++;
      const tasks = [...finished.values()].filter((f) => f.caseId === id);
      expect(tasks.length, id).toBe(result.tasks);
      // visits carried across runs: every task id is distinct, and the first visit of each step is 0
      expect(new Set(tasks.map((f) => `${f.step}/${f.visit}`)).size).toBe(tasks.length);
    }
    expect(continued).toBeGreaterThan(ids.length / 2);
    const durations = new KeyedStream(scenario.seed, Stream.durations);
    for (const f of finished.values()) {
      const step = scenario.processes[f.processIndex].steps[f.step];
      const caseNo = Number(f.caseId.slice(f.caseId.lastIndexOf('.') + 1));
      expect(f.service).toBe(
        sample(f.kind === 'bot' ? step.botDuration : step.humanDuration, durations.open(f.processIndex, caseNo, taskKey(f.step, f.visit))),
      );
    }
    console.log(`continue-as-new: ${continued} of ${ids.length} cases ran in more than one workflow run`);
  }, 120_000);
});
