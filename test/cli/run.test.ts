/** `autoshift run` end to end: determinism, the JSON contract, the event log, exit codes. */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { autoshift, ROOT } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'autoshift-'));
const scenario = 'scenarios/invoice-office.yaml';
const short = ['--set', 'horizon=21d', '--set', 'warmup=2d'];

describe('autoshift run', () => {
  it('is deterministic: same scenario and seed give a byte-identical JSON and event log, whatever the thread count', () => {
    const a = tmp(),
      b = tmp();
    const r1 = autoshift(['run', scenario, ...short, '--replications', '3', '--threads', '1', '--json', '--event-log', join(a, 'log.csv')]);
    const r2 = autoshift(['run', scenario, ...short, '--replications', '3', '--threads', '2', '--json', '--event-log', join(b, 'log.csv')]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toBe(r1.stdout);
    const logA = readFileSync(join(a, 'log.csv'));
    expect(logA.length).toBeGreaterThan(10_000);
    expect(readFileSync(join(b, 'log.csv')).equals(logA)).toBe(true);
  });

  it('changes with the seed', () => {
    const r1 = autoshift(['run', scenario, ...short, '--json']);
    const r2 = autoshift(['run', scenario, ...short, '--json', '--seed', '43']);
    expect(JSON.parse(r2.stdout).processes.invoice.arrived.mean).not.toBe(JSON.parse(r1.stdout).processes.invoice.arrived.mean);
  });

  it('prints exactly one JSON document that follows docs/results.schema.json', () => {
    const r = autoshift(['run', scenario, ...short, '--replications', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const Ajv = (AjvModule as any).default ?? AjvModule;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'docs/results.schema.json'), 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.replications).toBe(2);
    expect(doc.processes.invoice.completed.mean).toBeGreaterThan(100);
    expect(doc.processes.invoice.completed.ci95).toBeGreaterThan(0);
    expect(doc.steps['invoice/review'].completed.mean).toBeGreaterThan(0);
  });

  it('writes an event log importable by process-mining tools', () => {
    const dir = tmp();
    const r = autoshift(['run', scenario, ...short, '--event-log', join(dir, 'log.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'log.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('case_id,process,activity,resource,pool,enqueue_time,start_time,end_time,outcome,replication,warmup');
    const rows = lines.slice(1).map((l) => l.split(','));
    // the warm-up flag: true exactly for the cases that arrived in the first 2 days (the case's earliest enqueue)
    const arrival = new Map<string, number>();
    for (const row of rows) arrival.set(row[0], Math.min(arrival.get(row[0]) ?? Infinity, Date.parse(row[5])));
    const warmupEnd = Date.parse('2026-01-07T00:00:00Z');
    for (const row of rows) expect(row[10]).toBe(String(arrival.get(row[0])! < warmupEnd));
    expect(rows.some((row) => row[10] === 'true') && rows.some((row) => row[10] === 'false')).toBe(true);
    for (const row of rows.slice(0, 500)) {
      expect(row).toHaveLength(11);
      const [enq, start, end] = row.slice(5, 8).map((t) => Date.parse(t));
      expect(enq).toBeLessThanOrEqual(start);
      expect(start).toBeLessThanOrEqual(end);
    }
    // bot failures are escalated to a person: every failed extraction is followed by a key-in of the same case
    const failed = rows.filter((r) => r[2] === 'extract' && r[8] === 'bot-failed').map((r) => r[0]);
    expect(failed.length).toBeGreaterThan(10);
    const keyedIn = new Set(rows.filter((r) => r[2] === 'key-in').map((r) => r[0]));
    const escalated = failed.filter((c) => keyedIn.has(c)).length;
    expect(escalated / failed.length).toBeGreaterThan(0.95);
  });

  it('writes summary.json and timeseries.csv with --out', () => {
    const dir = tmp();
    const r = autoshift(['run', scenario, ...short, '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).scenario).toMatch(/invoice/);
    expect(readFileSync(join(dir, 'timeseries.csv'), 'utf8').split('\n')[0]).toBe('replication,time_seconds,series,key,value');
  });

  it('rejects a bad scenario with exit code 2, the file, line and field, and writes nothing', () => {
    const dir = join(tmp(), 'out');
    const r = autoshift(['run', 'test/fixtures/bad-scenario.yaml', '--out', dir, '--event-log', join(dir, 'log.csv')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/test\/fixtures\/bad-scenario.yaml:\d+: pools\.clerks\.size: expected an integer/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects unknown options with exit code 2', () => {
    const r = autoshift(['run', scenario, '--replicas', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --replicas/);
  });

  it('validates every bundled scenario', () => {
    for (const f of ['invoice-office', 'online-shop', 'support-desk']) {
      const r = autoshift(['validate', `scenarios/${f}.yaml`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/valid/);
    }
  });
});
