/**
 * A grant that reaches a case before the case marks its task waiting is
 * kept, not dropped. On a real Temporal server this happens when a workflow
 * task times out after publishing the request (a slow event publish during a
 * Kafka outage): the allocator's grant signal then sits in the history before
 * the retried workflow task, and the SDK hands it to the handler as soon as
 * the handler is set. `signalWithStart` puts a grant in exactly that place.
 * A grant for a task the case has already done is still ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { scenarioFrom } from '../helpers/scenario.js';
import { caseInputOf } from '../../protocol/case-input.js';
import { createBotActivities } from '../../workers/bot-activities.js';
import { createCaseWorker, installTemporalRuntime } from '../../workers/temporal-worker.js';
import type { CaseActivities } from '../../protocol/activities.js';
import type { DemandEvent, GrantSignal, TaskEvent, CaseEvent } from '../../protocol/topics.js';
import { caseWorkflow } from '../../workflows/case-workflow.js';
import { grantSignal } from '../../protocol/signals.js';
import { exclusiveLiveTests, TEMPORAL, infraUp, newRunId, testLogger, waitFor } from './live-helpers.js';

const scenario = scenarioFrom(`
name: early-grant
seed: 3
horizon: 1h
pools:
  clerks: { kind: human, size: 2, skills: [entry], costPerHour: 30 }
processes:
  order:
    sla: 1h
    start: enter
    steps:
      enter: { skill: entry, duration: { dist: constant, value: 60s }, next: check }
      check: { skill: entry, duration: { dist: constant, value: 30s } }
demand:
  order: { rate: 1/h }
`);

describe('early grants (real Temporal)', () => {
  const logger = testLogger();
  let release: (() => void) | undefined;
  let native: NativeConnection;
  let connection: Connection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = newRunId('early');
  const events: (TaskEvent | CaseEvent)[] = [];

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    installTemporalRuntime(logger);
    native = await NativeConnection.connect({ address: TEMPORAL });
    connection = await Connection.connect({ address: TEMPORAL });
    // the case's events are recorded here (this test is about the workflow and Temporal, not Kafka)
    const publish: CaseActivities = {
      async publishTaskEvent(ev) {
        events.push(ev);
      },
      async publishCaseEvent(ev) {
        events.push(ev);
      },
    };
    worker = await createCaseWorker({ connection: native, taskQueue, activities: { ...publish, ...createBotActivities({ logger }) } });
    running = worker.run();
  }, 900_000);

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await native?.close();
    await connection?.close();
    release?.();
  }, 60_000);

  it('keeps a grant that came before its task was waiting, and ignores a re-sent one', async () => {
    const client = new Client({ connection });
    const runId = taskQueue;
    const demand: DemandEvent = {
      v: 1,
      type: 'demand',
      id: `${runId}.order.0`,
      runId,
      process: 'order',
      caseNo: 0,
      at: 0,
      seed: 3,
      clock: { startWallMs: Date.now(), speed: 600 },
    };
    const input = caseInputOf(demand, scenario, runId);
    const grant = (taskId: string, n: number): GrantSignal => ({
      v: 1,
      type: 'grant',
      grantId: `test-${n}`,
      taskId,
      caseId: demand.id,
      unit: `clerks#${n}`,
      pool: 'clerks',
      kind: 'human',
      at: ((Date.now() - demand.clock.startWallMs) * demand.clock.speed) / 1000,
      slowdown: 1,
    });
    // the first task's grant is in the history before the first workflow task
    const handle = await client.workflow.signalWithStart(caseWorkflow, {
      taskQueue,
      workflowId: demand.id,
      args: [input],
      signal: grantSignal,
      signalArgs: [grant(`${demand.id}/0/0`, 1)],
    });
    // the second task is granted the usual way, once requested; then the first grant is sent again
    await waitFor(() => events.some((e) => e.type === 'task.requested' && e.step === 1), 30_000, 'the second request');
    await handle.signal(grantSignal, grant(`${demand.id}/1/0`, 2));
    await handle.signal(grantSignal, grant(`${demand.id}/0/0`, 3));
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the case is still waiting: its early grant was dropped')), 30_000);
    });
    const result = await Promise.race([handle.result(), stuck]).finally(() => clearTimeout(timer));
    expect(result.tasks).toBe(2);
    expect(result.wait).toBeGreaterThanOrEqual(0);
    const done = events.filter((e) => e.type === 'task.done');
    expect(done.map((e) => e.type === 'task.done' && e.grantId)).toEqual(['test-1', 'test-2']);
  }, 120_000);
});
