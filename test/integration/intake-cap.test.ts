/**
 * Back-pressure in the standalone intake service, on the real servers:
 * `autoshift intake --max-open-cases N` as a child process (its own
 * collector follows the completions), the worker, the allocator, a collector
 * and the producer here, test/fixtures/live-small.yaml cut to its first 20
 * simulated minutes (31 cases; sim has up to ~17 open at once) at speed 180.
 *
 * Checked from outside the intake, on the servers' own clocks (one machine):
 * at every instant, the case workflows started by then (Temporal's start
 * times) minus the cases completed by then (the Kafka timestamps of their
 * case.completed events, written before the collector can see them) are at
 * most N, and reach N (the cap bound); intake said it held demand; every case
 * still completed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { createPolicy } from '../../allocation/registry.js';
import type { Scenario } from '../../model/scenario.js';
import { startLiveRun, type LiveRun } from '../../workers/live-run.js';
import { demandTimeline } from '../../workers/producer.js';
import { installTemporalRuntime } from '../../workers/temporal-worker.js';
import { parseEvent, topicNames, type CaseCompletedEvent } from '../../protocol/topics.js';
import {
  BROKERS,
  FIXTURE,
  TEMPORAL,
  endLiveTests,
  exclusiveLiveTests,
  infraUp,
  newRunId,
  readTopic,
  smallScenario,
  spawnCli,
  testLogger,
  waitFor,
} from './live-helpers.js';

const SPEED = 180;
const HORIZON = '20m';
const MAX_OPEN = 5;
const logger = testLogger();

describe('autoshift intake --max-open-cases (real Kafka + Temporal)', () => {
  let release: (() => void) | undefined;
  let scenario: Scenario;
  let run: LiveRun | undefined;
  let runId: string;
  let intake: (ChildProcess & { output: { text: string } }) | undefined;

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    installTemporalRuntime(logger);
    scenario = smallScenario([`horizon=${HORIZON}`]);
  }, 900_000);

  afterAll(async () => {
    if (intake && intake.exitCode === null && intake.signalCode === null) {
      const exited = new Promise((r) => intake!.once('exit', r));
      intake.kill('SIGKILL');
      await exited;
    }
    await endLiveTests(release, { run, scenario, runId });
  }, 90_000);

  it(`keeps at most ${MAX_OPEN} of its cases open at once, and every case completes`, async () => {
    runId = newRunId('intake-cap');
    const expected = [...demandTimeline(scenario, runId, { startWallMs: 0, speed: SPEED })].filter((e) => e.demand).map((e) => e.demand!.id);
    intake = spawnCli(['intake', FIXTURE, '--run-id', runId, '--set', `horizon=${HORIZON}`, '--max-open-cases', String(MAX_OPEN)], `intake-${runId}`, {
      LOG_LEVEL: 'info',
    });
    await waitFor(
      () => {
        if (intake!.exitCode !== null) throw new Error(`intake exited (${intake!.exitCode}):\n${intake!.output.text.slice(-2000)}`);
        return intake!.output.text.includes('"msg":"intake running"');
      },
      120_000,
      'intake to run',
    );
    run = await startLiveRun({
      scenario,
      policy: createPolicy(scenario),
      brokers: BROKERS,
      temporalAddress: TEMPORAL,
      runId,
      speed: SPEED,
      logger,
      services: ['worker', 'allocator', 'collector', 'producer'],
      // the intake of its own process holds arrivals back: the allocator must not wait for them
      expectArrivals: false,
      startDelayMs: 3000,
    });
    await run.produced;
    const tally = run.collector!.tally;
    await waitFor(() => tally.cases.size >= expected.length, 180_000, 'every case to complete', 500);
    expect([...tally.cases.keys()].sort()).toEqual([...expected].sort());

    // the run's history on the servers' clocks: workflow starts (Temporal) and completions (Kafka timestamps)
    const connection = await Connection.connect({ address: TEMPORAL });
    const starts: number[] = [];
    try {
      const client = new Client({ connection });
      for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH "${runId}."` })) starts.push(w.startTime.getTime());
    } finally {
      await connection.close();
    }
    expect(starts.length).toBe(expected.length);
    const { raw } = await readTopic<CaseCompletedEvent>(run.kafka, topicNames(runId).cases);
    const completedAt = new Map<string, number>();
    for (const r of raw) {
      const ev = parseEvent<CaseCompletedEvent>(r.value);
      // the first write of each case (a retried activity may write it again, later)
      if (ev.type === 'case.completed' && !completedAt.has(ev.caseId)) completedAt.set(ev.caseId, r.timestamp);
    }
    expect(completedAt.size).toBe(expected.length);
    // open at each instant: a start counts from its start time, a completion from its timestamp (at one instant, completions first)
    const steps = [...starts.map((t) => [t, 1] as const), ...[...completedAt.values()].map((t) => [t, -1] as const)].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0,
      peak = 0;
    for (const [, d] of steps) peak = Math.max(peak, (open += d));
    const held = (intake.output.text.match(/cases in flight at the cap/g) ?? []).length;
    console.log(`intake --max-open-cases ${MAX_OPEN}: ${expected.length} cases, at most ${peak} open at once (servers' clocks); ${held} "at the cap" lines`);
    expect(peak).toBeLessThanOrEqual(MAX_OPEN);
    // the cap bound: without it sim has about 17 open at once in this window
    expect(peak).toBe(MAX_OPEN);
    expect(held).toBeGreaterThan(0);
  }, 400_000);
});
