/**
 * Bot work is a Temporal activity that can fail, and a failed bot task is
 * escalated to a person, on the real servers. The invoice bot of
 * test/fixtures/live-small.yaml is "offline" here (its activity throws on
 * every attempt, as a robot whose API is down would), the CRM bot works:
 *   - every invoice's extraction is tried three times, then reported
 *     `task.failed` with `failure: "bot-unavailable"`, and a clerk keys the
 *     invoice in (the step's `onBotFailure`); every case still completes once;
 *   - the CRM bot's tasks end as drawn: done, or failed with `bot-failure`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../model/scenario.js';
import { createBotActivities } from '../../workers/bot-activities.js';
import type { LiveRun } from '../../workers/live-run.js';
import { installTemporalRuntime } from '../../workers/temporal-worker.js';
import { topicNames, type CaseCompletedEvent, type TaskFinishedEvent } from '../../protocol/topics.js';
import type { BotActivities } from '../../protocol/bot-work.js';
import { endLiveTests, exclusiveLiveTests, infraUp, readTopic, runToCompletion, smallScenario, testLogger } from './live-helpers.js';

describe('bot failures escalate to people (real Kafka + Temporal)', () => {
  const logger = testLogger();
  let scenario: Scenario;
  let run: LiveRun;
  let runId: string;
  let release: (() => void) | undefined;
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    installTemporalRuntime(logger);
    scenario = smallScenario(['horizon=40m']);
    const working = createBotActivities({ logger });
    const bots: BotActivities = {
      async botWork(input) {
        attempts.set(input.taskId, (attempts.get(input.taskId) ?? 0) + 1);
        if (input.taskId.includes('.invoice.')) throw new Error('invoice robot offline: connection refused');
        return working.botWork(input);
      },
    };
    ({ run, runId } = await runToCompletion('bots', scenario, logger, { bots }, 180_000));
  }, 900_000);

  afterAll(() => endLiveTests(release, { run, scenario, runId }), 60_000);

  it('escalates an unreachable bot to a person after its retries, and loses no case', async () => {
    const t = topicNames(runId);
    const finished = new Map(
      (await readTopic<TaskFinishedEvent>(run.kafka, t.tasks)).events
        .filter((e) => e.type === 'task.done' || e.type === 'task.failed')
        .map((e) => [e.taskId, e]),
    );
    const completed = (await readTopic<CaseCompletedEvent>(run.kafka, t.cases)).events.filter((e) => e.type === 'case.completed');
    const ids = [...run.collector!.tally.demand.keys()];
    expect(new Set(completed.map((c) => c.caseId))).toEqual(new Set(ids));

    const invoice = scenario.processes.find((p) => p.id === 'invoice')!;
    const extract = invoice.steps.findIndex((s) => s.id === 'extract');
    const keyIn = invoice.steps.findIndex((s) => s.id === 'key-in');
    const tasks = [...finished.values()];
    const botExtractions = tasks.filter((f) => f.process === 'invoice' && f.step === extract && f.kind === 'bot');
    expect(botExtractions.length).toBeGreaterThan(5);
    for (const f of botExtractions) {
      expect(f.type, f.taskId).toBe('task.failed');
      expect(f.failure, f.taskId).toBe('bot-unavailable');
      expect(attempts.get(f.taskId), f.taskId).toBe(3);
      // escalated: the same case's invoice is keyed in by a clerk
      const keyed = tasks.find((k) => k.caseId === f.caseId && k.step === keyIn);
      expect(keyed?.pool, f.caseId).toBe('clerks');
      expect(keyed?.type).toBe('task.done');
      expect(keyed!.enqueue).toBeGreaterThanOrEqual(f.end);
    }
    // the working CRM bot: each task ends as its draw says, never "unavailable"
    const crm = tasks.filter((f) => f.process === 'ticket' && f.kind === 'bot');
    expect(crm.length).toBeGreaterThan(0);
    for (const f of crm) {
      expect(f.failure === undefined || f.failure === 'bot-failure', f.taskId).toBe(true);
      expect(f.type === 'task.failed', f.taskId).toBe(f.failure === 'bot-failure');
      expect(attempts.get(f.taskId)).toBe(1);
    }
    // and the metric of escalations counts them by reason
    const metric = await run.metrics.escalations.get();
    const unavailable = metric.values.filter((v) => v.labels.reason === 'bot-unavailable').reduce((n, v) => n + v.value, 0);
    expect(unavailable).toBe(botExtractions.length);
  }, 120_000);
});
