/**
 * Resilience on the dashboards, live (issue 13), on a real Kafka broker, a
 * real Temporal server and a real Prometheus, all started by infra/: a run of
 * test/fixtures/live-small.yaml (a half-hour bot outage) at speed 180 with
 * the live runtime's services as separate processes (`autoshift worker`,
 * `intake`, `allocator`, each serving /metrics), the producer and a
 * collector here. A Prometheus of the test's own scrapes the services every
 * second. Then:
 *   1. the allocator service's resilience gauges, as Prometheus scraped them,
 *      equal the resilience block of the run's result document made from
 *      the collector's records (same events, same code: the service keeps no
 *      records and builds the series event by event);
 *   2. they agree with `sim`'s resilience block for the same scenario and
 *      seed, within a tolerance made of the measure's resolution (one sample
 *      interval) and the lateness measured in this run (hand-offs to the
 *      allocator above its settle time, from its own histogram): times by
 *      that lateness in whole samples, SLA shares by the share of sim's cases
 *      that lateness could push past their SLA, backlogs by the tasks
 *      requested during it;
 *   3. `promtool check metrics` passes on each running service's /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createPolicy } from '../../allocation/registry.js';
import { simulateReplication } from '../../simulator/simulate.js';
import { resilienceOf, type ResilienceFigures } from '../../simulator/resilience.js';
import type { Scenario } from '../../model/scenario.js';
import type { TaskRecord } from '../../simulator/engine.js';
import { startLiveRun, type LiveRun } from '../../workers/live-run.js';
import { wallAt } from '../../protocol/clock.js';
import { RESILIENCE_GAUGES } from '../../metrics/resilience-series.js';
import { runPromtool, startOwnPrometheus, type OwnPrometheus } from '../helpers/prometheus.js';
import {
  BROKERS,
  FIXTURE,
  TEMPORAL,
  exclusiveLiveTests,
  expectNoneRunning,
  infraUp,
  newRunId,
  smallScenario,
  spawnCli,
  testLogger,
  waitFor,
} from './live-helpers.js';

const SPEED = 180;
const logger = testLogger();
const SERVICES = ['worker', 'intake', 'allocator'] as const;
type Service = (typeof SERVICES)[number];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function kill(c: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) {
      resolve();
      return;
    }
    c.once('exit', () => resolve());
    c.kill(signal);
  });
}

/** The samples of one metric in an exposition text, by their label sets. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    out.push({ labels, value: Number(m[2]) });
  }
  return out;
}

/** The gauges' values per metric name, as the block's fields give them (loss area in seconds). */
function fromBlock(r: ResilienceFigures): Record<string, number> {
  return {
    autoshift_disruption_recovered: r.recovered!.mean,
    autoshift_disruption_time_to_recover_simulated_seconds: r.timeToRecoverSeconds!.mean,
    autoshift_disruption_loss_area_simulated_seconds: r.lossAreaHours!.mean * 3600,
    autoshift_disruption_worst_backlog_tasks: r.worstBacklog!.mean,
    autoshift_disruption_baseline_sla_ratio: r.baselineSla!.mean,
    autoshift_disruption_baseline_backlog_tasks: r.baselineBacklog.mean,
    autoshift_disruption_sla_in_window_ratio: r.slaInWindow!.mean,
  };
}

describe('live resilience gauges (real Kafka + Temporal + Prometheus)', () => {
  let release: (() => void) | undefined;
  let scenario: Scenario;
  let runId: string;
  let run: LiveRun | undefined;
  let prom: OwnPrometheus | undefined;
  const ports = {} as Record<Service, number>;
  const children = {} as Record<Service, ChildProcess & { output: { text: string } }>;
  const expositions = {} as Record<Service, string>;

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    scenario = smallScenario();
    runId = newRunId('resilience');
    for (const s of SERVICES) ports[s] = await freePort();
    prom = await startOwnPrometheus({ targets: SERVICES.map((s) => `127.0.0.1:${ports[s]}`), scrapeInterval: '1s' });
    for (const s of SERVICES) children[s] = spawnCli([s, FIXTURE, '--run-id', runId, '--metrics-port', String(ports[s])], `${s}-${runId}`);
    run = await startLiveRun({
      scenario,
      policy: createPolicy(scenario),
      brokers: BROKERS,
      temporalAddress: TEMPORAL,
      runId,
      speed: SPEED,
      logger,
      services: ['collector', 'producer'],
      startDelayMs: 4000,
    });
    await run.produced;
    const tally = run.collector!.tally;
    await waitFor(() => tally.demand.size > 0 && tally.cases.size >= tally.demand.size, 180_000, 'every case to complete');
    // past the horizon (and the allocator's settle time), the service's feed measures the whole run: wait for one update after it
    const after = wallAt(run.clock, scenario.horizon) + 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, after - Date.now()) + 2500));
    for (const s of SERVICES) expositions[s] = await (await fetch(`http://127.0.0.1:${ports[s]}/metrics`)).text();
  }, 900_000);

  afterAll(async () => {
    try {
      for (const s of SERVICES) if (children[s]) await kill(children[s], 'SIGTERM');
      await run?.stop({ terminate: 'test ended' });
      if (run) await expectNoneRunning(scenario, runId);
      prom?.stop();
    } finally {
      release?.();
    }
  }, 120_000);

  it("the allocator service's gauges, scraped by Prometheus, are the resilience block of the run's own result document", async () => {
    const policy = createPolicy(scenario);
    const doc = run!.collector!.tally.document(policy.name);
    const block = doc.resilience as ResilienceFigures[];
    expect(block.map((r) => r.disruption)).toEqual(scenario.disruptions.map((d) => d.label));
    const ttr = 'autoshift_disruption_time_to_recover_simulated_seconds';
    const exposed = samples(expositions.allocator, ttr).filter((x) => x.labels.run === runId);
    expect(exposed.map((x) => x.labels.disruption)).toEqual(scenario.disruptions.map((d) => d.label));
    // what Prometheus holds now is the last update (the service updates every 2 s; Prometheus scrapes every 1 s)
    const query = async (name: string) => {
      const u = `${prom!.url}/api/v1/query?query=${encodeURIComponent(`${name}{run="${runId}",job="autoshift"}`)}`;
      const r = (await (await fetch(u)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return r.data.result;
    };
    await waitFor(async () => (await query(ttr)).some((s) => Number(s.value[1]) === exposed[0].value), 30_000, 'Prometheus to scrape the final gauges');
    for (const [i, r] of block.entries()) {
      const want = fromBlock(r);
      for (const [name, value] of Object.entries(want)) {
        const got = (await query(name)).filter((s) => s.metric.disruption === r.disruption);
        expect(
          got.map((s) => s.metric.instance),
          `${name} ${r.disruption}`,
        ).toEqual([`127.0.0.1:${ports.allocator}`]);
        expect(Number(got[0].value[1]), `${name} of disruption ${i}`).toBeCloseTo(value, 6);
      }
    }
    expect(RESILIENCE_GAUGES.length).toBe(9);
  });

  it("agree with sim's resilience block for the same seed, within the resolution and the lateness measured", () => {
    const policy = createPolicy(scenario);
    const records: TaskRecord[] = [];
    const sim = resilienceOf(scenario, [simulateReplication({ scenario, policy, replication: 0, onTask: (r) => records.push(r) })]);
    const tally = run!.collector!.tally;
    const live = tally.document(policy.name).resilience as ResilienceFigures[];
    // lateness: the largest hand-off to the allocator (bounded above by the lowest histogram bucket holding every observation) past its settle time, in simulated seconds, when an event was taken late
    const cumulative = new Map<number, number>(); // bucket bound → observations at or below it, requests and finishes together
    for (const b of samples(expositions.allocator, 'autoshift_handoff_seconds_bucket')) {
      if (b.labels.stage !== 'request' && b.labels.stage !== 'finish') continue;
      const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
      cumulative.set(le, (cumulative.get(le) ?? 0) + b.value);
    }
    const observed = cumulative.get(Infinity) ?? 0;
    expect(observed).toBeGreaterThan(0);
    const maxHandoff = [...cumulative].sort((a, b) => a[0] - b[0]).find(([, n]) => n >= observed)![0];
    const settle = samples(expositions.allocator, 'autoshift_lag_budget_seconds')[0]?.value ?? 0;
    // only an event the allocator took late (one it did not expect, or whose wait timed out: counted) is late; the
    // decision barrier takes every other at its moment, however long its hand-off
    const lateEvents = samples(expositions.allocator, 'autoshift_late_events_total').reduce((n, x) => n + x.value, 0);
    const lateSim = !lateEvents ? 0 : Number.isFinite(maxHandoff) ? Math.max(0, maxHandoff - settle) * SPEED : Infinity;
    const dt = scenario.sampleEvery;
    const shift = dt * (1 + Math.ceil(lateSim / dt)); // the measure moves in whole samples: one for the few tasks done by the other kind of unit, more if events came late
    // what that lateness can do: each task of a case may start up to lateSim late, so a case of sim whose slack to its SLA is below
    // (its tasks × lateSim) may miss it live; and the tasks requested during lateSim may still wait at a sample instant
    const cases = new Map<string, { process: string; arrival: number; end: number; tasks: number }>();
    for (const r of records) {
      const c = cases.get(r.caseId) ?? { process: r.process, arrival: r.enqueue, end: r.end, tasks: 0 };
      c.arrival = Math.min(c.arrival, r.enqueue);
      c.end = Math.max(c.end, r.end);
      c.tasks++;
      cases.set(r.caseId, c);
    }
    const slaOf = new Map(scenario.processes.map((p) => [p.id, p.sla]));
    const pushed =
      [...cases.values()].filter((c) => c.end - c.arrival <= slaOf.get(c.process)! && c.end - c.arrival + c.tasks * lateSim > slaOf.get(c.process)!).length /
      cases.size;
    const slaTolerance = 0.05 + pushed;
    const backlogLate = Math.ceil((records.length / scenario.horizon) * lateSim);
    console.log(
      `hand-off to the allocator at most ${maxHandoff} s (histogram bound), settle ${settle} s, ${lateEvents} late events: late by up to ${lateSim.toFixed(0)} simulated s; tolerance on times ${shift} s, on SLA shares ${slaTolerance.toFixed(3)} (${(100 * pushed).toFixed(1)}% of cases within reach of their SLA), on backlogs +${backlogLate} tasks`,
    );
    for (const [i, l] of live.entries()) {
      const s = sim[i];
      console.log(
        `${l.disruption}: time to recover live ${l.timeToRecoverSeconds!.mean} s sim ${s.timeToRecoverSeconds!.mean} s; worst backlog live ${l.worstBacklog!.mean} sim ${s.worstBacklog!.mean}; loss area live ${l.lossAreaHours!.mean.toFixed(3)} h sim ${s.lossAreaHours!.mean.toFixed(3)} h; SLA in window live ${l.slaInWindow!.mean.toFixed(3)} sim ${s.slaInWindow!.mean.toFixed(3)}; baseline SLA live ${l.baselineSla!.mean.toFixed(3)} sim ${s.baselineSla!.mean.toFixed(3)}`,
      );
      expect(l.recovered!.mean, 'recovered').toBe(s.recovered!.mean);
      expect(Math.abs(l.timeToRecoverSeconds!.mean - s.timeToRecoverSeconds!.mean), 'time to recover').toBeLessThanOrEqual(shift);
      // the worst backlog is read at sample instants: a few tasks either way (the tasks done by the other kind of unit), 15% of a large one, and the late ones
      expect(Math.abs(l.worstBacklog!.mean - s.worstBacklog!.mean), 'worst backlog').toBeLessThanOrEqual(
        Math.max(2, 0.15 * s.worstBacklog!.mean) + backlogLate,
      );
      expect(Math.abs(l.baselineSla!.mean - s.baselineSla!.mean), 'baseline SLA').toBeLessThanOrEqual(slaTolerance);
      expect(Math.abs(l.slaInWindow!.mean - s.slaInWindow!.mean), 'SLA in window').toBeLessThanOrEqual(slaTolerance);
      // loss area: at most the whole SLA lost over the shifted time, plus the SLA tolerance over the window
      expect(Math.abs(l.lossAreaHours!.mean - s.lossAreaHours!.mean), 'loss area').toBeLessThanOrEqual(
        (shift + slaTolerance * Math.max(l.timeToRecoverSeconds!.mean, s.timeToRecoverSeconds!.mean)) / 3600,
      );
    }
  });

  it("promtool check metrics passes on each running service's /metrics", () => {
    for (const s of SERVICES) {
      expect(expositions[s], s).toContain('autoshift_');
      const r = runPromtool(['check', 'metrics'], expositions[s]);
      expect(r.out.trim(), `${s}: ${r.out}`).toBe('');
      expect(r.code, s).toBe(0);
    }
    expect(expositions.allocator).toContain('autoshift_disruption_active{');
    expect(expositions.worker).toContain('autoshift_events_published_total');
  });
});
