/** `autoshift run|compare --openmetrics` and `autoshift backfill`'s checks, end to end through the CLI (no Prometheus here: see test/integration/dashboards-backfill.test.ts). */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'autoshift-om-'));
const scenario = 'scenarios/outage-and-surge.yaml';
const START = '2026-11-02T00:00:00Z';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  ts: number;
}

function parse(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z_]+)\{(.*)\} (\S+) (\S+)$/.exec(line)!;
    const labels = Object.fromEntries([...m[2].matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    samples.push({ name: m[1], labels, value: Number(m[3]), ts: Number(m[4]) });
  }
  return { types, samples };
}

describe('autoshift run --openmetrics', () => {
  const dir = tmp();
  const file = join(dir, 'plan.om');
  const r = autoshift(['run', scenario, '--json', '--timeseries', '--openmetrics', file, '--align-to', START, '--speed', '3600']);
  const doc = r.code === 0 ? JSON.parse(r.stdout) : null;
  const text = r.code === 0 ? readFileSync(file, 'utf8') : '';
  const { types, samples } = parse(text);
  const series = (name: string, match: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));

  it('writes the live metric names with source, run, scenario, policy and replication labels, and ends with # EOF', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('autoshift backfill');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(types.get('autoshift_cases_completed')).toBe('counter');
    expect(types.get('autoshift_queue_waiting_tasks')).toBe('gauge');
    for (const s of samples) {
      expect(s.labels).toMatchObject({
        source: 'sim',
        run: 'outage-and-surge-static-seed2026',
        scenario: 'outage-and-surge',
        policy: 'static',
        replication: '1',
      });
    }
  });

  it("puts sample k at start + time[k] / speed, and each queue's backlog is the time series'", () => {
    const t0 = Date.parse(START) / 1000;
    const ts = doc.timeseries;
    for (const q of Object.keys(ts.backlog)) {
      const s = series('autoshift_queue_waiting_tasks', { queue: q });
      expect(s.map((x) => x.value)).toEqual(ts.backlog[q]);
      s.forEach((x, k) => expect(x.ts).toBeCloseTo(t0 + ts.time[k] / 3600, 3));
    }
  });

  it("counts completions cumulatively, and completions within SLA over completions is the document's SLA attainment", () => {
    const done = series('autoshift_cases_completed_total');
    const met = series('autoshift_cases_completed_within_sla_total');
    for (let k = 1; k < done.length; k++) expect(done[k].value).toBeGreaterThanOrEqual(done[k - 1].value);
    const total = Object.values(doc.processes as Record<string, { completed: { mean: number } }>).reduce((a, p) => a + p.completed.mean, 0);
    expect(done.at(-1)!.value).toBe(total);
    expect(met.at(-1)!.value / done.at(-1)!.value).toBeCloseTo(doc.totals.slaAttainment.mean, 6);
  });

  it("measures the outage as it goes: time to recover grows with the clock until recovery, then holds the result block's value", () => {
    const res = doc.resilience.find((x: { kind: string }) => x.kind === 'outage');
    const match = { disruption: res.disruption };
    const recovered = series('autoshift_disruption_recovered', match);
    const ttr = series('autoshift_disruption_time_to_recover_simulated_seconds', match);
    expect(recovered.length).toBeGreaterThan(10);
    const t0 = Date.parse(START) / 1000;
    const k = recovered.findIndex((s) => s.value === 1);
    expect(k).toBeGreaterThan(0);
    for (let j = 0; j < k; j++) expect(ttr[j].value).toBeCloseTo((ttr[j].ts - t0) * 3600 - res.start, 0); // not yet recovered: time since the start
    expect(ttr.at(-1)!.value).toBe(res.timeToRecoverSeconds.mean);
    expect(series('autoshift_disruption_loss_area_simulated_seconds', match).at(-1)!.value).toBeCloseTo(res.lossAreaHours.mean * 3600, 3);
    expect(series('autoshift_disruption_worst_backlog_tasks', match).at(-1)!.value).toBe(res.worstBacklog.mean);
    const active = series('autoshift_disruption_active', match);
    const on = active.filter((s) => s.value === 1).map((s) => (s.ts - t0) * 3600);
    expect(Math.min(...on)).toBeGreaterThan(res.start);
    expect(Math.max(...on)).toBeLessThanOrEqual(res.end + 3600);
  });

  it('is deterministic: the same flags give a byte-identical file', () => {
    const again = join(dir, 'again.om');
    expect(autoshift(['run', scenario, '--openmetrics', again, '--align-to', START, '--speed', '3600']).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(text);
  });

  it('rejects bad flags with exit code 2, naming the flag', () => {
    const bad = (args: string[], msg: string) => {
      const x = autoshift(['run', scenario, ...args]);
      expect(x.code, x.stderr).toBe(2);
      expect(x.stderr).toContain(msg);
      expect(x.stderr).not.toContain('    at ');
    };
    bad(['--openmetrics', join(dir, 'x.om'), '--align-to', 'yesterday'], '--align-to: expected "now" or an ISO-8601 instant');
    bad(['--openmetrics', join(dir, 'x.om'), '--speed', '0'], '--speed: expected a positive number');
    bad(['--speed', '60'], '--speed needs --openmetrics FILE');
  });
});

describe('autoshift compare --openmetrics', () => {
  it('writes one series set per policy, told apart by the policy label', () => {
    const file = join(tmp(), 'cmp.om');
    const r = autoshift([
      'compare',
      scenario,
      '--policies',
      'static,reactive',
      '--replications',
      '2',
      '--set',
      'horizon=21d',
      '--openmetrics',
      file,
      '--align-to',
      START,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { samples } = parse(readFileSync(file, 'utf8'));
    const policies = new Set(samples.map((s) => `${s.labels.policy}/${s.labels.replication}/${s.labels.run}`));
    expect([...policies].sort()).toEqual(['reactive/mean/outage-and-surge-compare-seed2026', 'static/mean/outage-and-surge-compare-seed2026']);
    // counters of a mean of replications never step back nor go below 0 (float noise of completed - met included)
    const counters = new Map<string, number[]>();
    for (const x of samples.filter((m) => m.name.endsWith('_total'))) {
      const key = `${x.name}${JSON.stringify(x.labels)}`;
      counters.set(key, [...(counters.get(key) ?? []), x.value]);
    }
    expect(counters.size).toBe(8);
    for (const [key, values] of counters)
      values.forEach((v, k) => {
        expect(v, key).toBeGreaterThanOrEqual(k ? values[k - 1] : 0);
      });
  });
});

describe('autoshift backfill', () => {
  it('refuses samples in the future, naming the file and line, before touching Prometheus', () => {
    const dir = tmp();
    const file = join(dir, 'future.om');
    const future = Date.now() / 1000 + 86_400;
    writeFileSync(
      file,
      `# TYPE autoshift_sla_attainment_ratio gauge\nautoshift_sla_attainment_ratio{source="sim",run="x"} 1 ${future - 10}\nautoshift_sla_attainment_ratio{source="sim",run="x"} 1 ${future}\n# EOF\n`,
    );
    const r = autoshift(['backfill', file, '--data', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3: a sample at`);
    expect(r.stderr).toContain('in the future');
  });

  it('refuses a truncated export and a missing file with exit code 2', () => {
    const dir = tmp();
    const file = join(dir, 'cut.om');
    writeFileSync(file, `# TYPE autoshift_sla_attainment_ratio gauge\nautoshift_sla_attainment_ratio{source="sim",run="x"} 1 1000\n`);
    const cut = autoshift(['backfill', file, '--data', dir]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain('# EOF');
    const missing = autoshift(['backfill', join(dir, 'nope.om')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read it');
  });
});
