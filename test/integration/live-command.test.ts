/**
 * `autoshift live` as a user runs it (a child process on the real servers), on
 * test/fixtures/live-small.yaml cut short at speed 180. How a run ends:
 *   - at its horizon without --drain: the case workflows still running are
 *     terminated with a reason, none is left Running;
 *   - with --drain: arrivals stop at the horizon and every case finishes; its
 *     --event-log has sim's columns, the cases and durations of a sim run of
 *     the same seed, and `autoshift discover` reads it;
 *     with the scenario's `cases: N`, exactly N arrivals (those of sim) and a drain;
 *   - at the first SIGINT: the command stops its services, terminates what is
 *     running, prints what it measured and exits by itself (code 130), long
 *     before its watchdog would.
 * After each, the run's Running workflows are counted through Temporal visibility.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Scenario } from '../../model/scenario.js';
import { parse } from 'yaml';
import { CLI, ROOT, autoshift } from '../helpers/cli.js';
import { BROKERS, FIXTURE, TEMPORAL, exclusiveLiveTests, expectNoneRunning, infraUp, newRunId, smallScenario } from './live-helpers.js';

const CACHE = mkdtempSync(join(tmpdir(), 'autoshift-cache-'));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  signalledToExitSeconds?: number;
}

/** Runs `autoshift live` to its end; with `sigintAfterMs`, sends SIGINT then and times the exit. */
function live(args: string[], sigintAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    // --force: these tests are about how a run ends; each run here writes its measured hand-off to the cache,
    // and on a loaded machine that p99 makes the speed guard refuse speed 180 in the next test
    const child = spawn(process.execPath, [CLI, 'live', FIXTURE, '--speed', '180', '--force', '--metrics-port', '0', '--json', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // an empty cache: the speed advice uses its default hand-off, not one measured by an earlier run here
      env: { ...process.env, KAFKA_BROKERS: BROKERS.join(','), TEMPORAL_ADDRESS: TEMPORAL, XDG_CACHE_HOME: CACHE },
    });
    let stdout = '',
      stderr = '';
    let signalledAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const timer =
      sigintAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            signalledAt = Date.now();
            child.kill('SIGINT');
          }, sigintAfterMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ...(signalledAt ? { signalledToExitSeconds: (Date.now() - signalledAt) / 1000 } : {}) });
    });
  });
}

describe('autoshift live: how a run ends (real Kafka + Temporal)', () => {
  let release: (() => void) | undefined;
  let connection: Connection;
  let client: Client;
  let scenario: Scenario;

  beforeAll(async () => {
    release = await exclusiveLiveTests();
    infraUp();
    connection = await Connection.connect({ address: TEMPORAL });
    client = new Client({ connection });
    scenario = smallScenario();
  }, 900_000);

  afterAll(async () => {
    await connection?.close();
    release?.();
  });

  it('at the horizon without --drain, terminates the cases still running and leaves none Running', async () => {
    const runId = newRunId('cli-horizon');
    // an invoice's review takes 20 simulated hours here, so every invoice that reaches it is in flight at the stop,
    // however long the run waits past the horizon for late events (on a loaded machine that wait, the measured
    // hand-off, has been long enough at speed 180 for every case of the fixture's own short steps to finish)
    const out = await live(['--horizon', '30m', '--run-id', runId, '--set', 'processes.invoice.steps.review.duration.mean=20h']);
    expect(out.code, out.stderr).toBe(0);
    const doc = JSON.parse(out.stdout) as { live: { terminated: number; drained: boolean } };
    expect(doc.live.terminated).toBeGreaterThan(0);
    expect(doc.live.drained).toBe(false);
    expect(out.stderr).toContain(`${doc.live.terminated} case workflows still running were terminated`);
    await expectNoneRunning(scenario, runId);
    const closed = await client.workflow.list({ query: `WorkflowId STARTS_WITH "${runId}." AND ExecutionStatus = "Terminated"` });
    let n = 0;
    for await (const w of closed) {
      n++;
      if (n === 1) expect((await client.workflow.getHandle(w.workflowId).describe()).status.name).toBe('TERMINATED');
    }
    expect(n).toBe(doc.live.terminated);
  }, 180_000);

  it('with --drain, stops arrivals at the horizon and finishes every case; --event-log writes the tasks as sim does, and discover reads them', async () => {
    const runId = newRunId('cli-drain');
    const liveLog = join(CACHE, 'live-log.csv'),
      simLog = join(CACHE, 'sim-log.csv'),
      found = join(CACHE, 'found.yaml');
    const out = await live(['--horizon', '30m', '--run-id', runId, '--drain', '--event-log', liveLog]);
    expect(out.code, out.stderr).toBe(0);
    const doc = JSON.parse(out.stdout) as {
      live: { terminated: number; drained: boolean; observedUntil: number };
      processes: Record<string, { arrived: { mean: number }; completed: { mean: number } }>;
    };
    expect(doc.live).toMatchObject({ terminated: 0, drained: true });
    expect(doc.live.observedUntil).toBeGreaterThan(1800);
    for (const [id, p] of Object.entries(doc.processes)) expect(p.completed.mean, id).toBe(p.arrived.mean);
    await expectNoneRunning(scenario, runId);

    // the live event log: same header as sim's, the same cases (same ids) with the same drawn durations
    const sim = autoshift(['run', FIXTURE, '--horizon', '30m', '--event-log', simLog]);
    expect(sim.code, sim.stderr).toBe(0);
    const rowsOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
    const liveRows = rowsOf(liveLog),
      simRows = rowsOf(simLog);
    expect(liveRows[0]).toBe(simRows[0]);
    const keyed = (rows: string[]) => {
      const seen = new Map<string, number>(),
        out = new Map<string, string[]>();
      for (const row of rows.slice(1).map((r) => r.split(','))) {
        const k = `${row[0]}|${row[2]}`;
        const n = seen.get(k) ?? 0;
        seen.set(k, n + 1);
        out.set(`${k}|${n}`, row);
      }
      return out;
    };
    const liveTasks = keyed(liveRows),
      simTasks = keyed(simRows);
    expect(liveTasks.size).toBe(liveRows.length - 1);
    const seconds = (row: string[]) => (Date.parse(row[7]) - Date.parse(row[6])) / 1000;
    let same = 0;
    for (const [k, row] of simTasks) {
      const other = liveTasks.get(k);
      if (!other || other[4] !== row[4] || row[8] !== 'done' || other[8] !== 'done') continue; // the same kind of unit did it
      expect(Math.abs(seconds(other) - seconds(row)), `duration of ${k}`).toBeLessThan(0.01);
      same++;
    }
    expect(same).toBeGreaterThan(simTasks.size / 2);
    // and discover reads a live log as it reads sim's
    const disc = autoshift(['discover', liveLog, '-o', found]);
    expect(disc.code, disc.stderr).toBe(0);
    const steps = Object.values<any>(parse(readFileSync(found, 'utf8')).processes).flatMap((p) => Object.keys(p.steps));
    for (const row of liveRows.slice(1)) expect(steps).toContain(row.split(',')[2]);
  }, 240_000);

  it("with the scenario's cases: N, publishes exactly the N cases sim simulates and drains them", async () => {
    const runId = newRunId('cli-cases');
    const out = await live(['--set', 'cases=20', '--run-id', runId]);
    expect(out.code, out.stderr).toBe(0);
    type Doc = { processes: Record<string, { arrived: { mean: number }; completed: { mean: number } }> };
    const doc = JSON.parse(out.stdout) as Doc & { live: { terminated: number; drained: boolean } };
    expect(doc.live).toMatchObject({ terminated: 0, drained: true });
    const sim = spawnSync(process.execPath, [CLI, 'run', FIXTURE, '--set', 'cases=20', '--json'], { cwd: ROOT, encoding: 'utf8' });
    const simDoc = JSON.parse(sim.stdout) as Doc;
    let total = 0;
    for (const [id, p] of Object.entries(doc.processes)) {
      expect(p.completed.mean, id).toBe(p.arrived.mean);
      expect(p.arrived.mean, id).toBe(simDoc.processes[id].arrived.mean);
      total += p.arrived.mean;
    }
    expect(total).toBe(20);
    await expectNoneRunning(scenario, runId);
  }, 240_000);

  it('stops at the first SIGINT on its own, prints what it measured and leaves nothing Running', async () => {
    const runId = newRunId('cli-sigint');
    const out = await live(['--run-id', runId], 15_000);
    expect(out.code, out.stderr).toBe(130);
    // it exited by itself, not by its watchdog (STOP_GRACE_MS after the signal)
    expect(out.stderr).not.toContain('still stopping');
    expect(out.stderr).toContain('interrupted: stopping');
    const doc = JSON.parse(out.stdout) as { live: { interrupted: boolean; observedUntil: number } };
    expect(doc.live.interrupted).toBe(true);
    expect(doc.live.observedUntil).toBeLessThan(scenario.horizon);
    console.log(`SIGINT to exit: ${out.signalledToExitSeconds!.toFixed(1)} s`);
    await expectNoneRunning(scenario, runId);
  }, 180_000);
});
