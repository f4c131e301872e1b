/** `autoshift discover`: XES input, column flags, and bad input (exit 2, naming the file, line and column). */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { autoshift } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'autoshift-discover-cli-'));

describe('autoshift discover', () => {
  it('reads an XES log (schedule, start and complete events) to the same graph as the CSV', () => {
    const xes = join(dir, 'io.xes'),
      csv = join(dir, 'io.csv');
    for (const log of [xes, csv]) expect(autoshift(['run', 'scenarios/invoice-office.yaml', '--event-log', log]).code).toBe(0);
    const fromXes = join(dir, 'from-xes.yaml'),
      fromCsv = join(dir, 'from-csv.yaml');
    let r = autoshift(['discover', xes, '-o', fromXes]);
    expect(r.code, r.stderr).toBe(0);
    r = autoshift(['discover', csv, '-o', fromCsv, '--process', 'invoice']);
    expect(r.code, r.stderr).toBe(0);
    const a = parse(readFileSync(fromXes, 'utf8')),
      b = parse(readFileSync(fromCsv, 'utf8'));
    expect(Object.keys(a.processes.invoice.steps).sort()).toEqual(Object.keys(b.processes.invoice.steps).sort());
    expect(a.processes.invoice.steps.extract.onBotFailure).toBe('key-in');
    const branch = (doc: any) => new Map<string, number>(doc.processes.invoice.steps.review.next.branch.map((o: any) => [o.to, o.p]));
    for (const [to, p] of branch(b)) expect(Math.abs(branch(a).get(to)! - p), `review → ${to}`).toBeLessThanOrEqual(0.02);
    expect(Object.keys(a.pools).sort()).toEqual(Object.keys(b.pools).sort());
  }, 120_000);

  it('takes column names from flags, for a log with other names', () => {
    const log = join(dir, 'renamed.csv');
    const rows = ['Ticket,Step,Who,Begin,Finish'];
    for (let c = 0; c < 300; c++) {
      const t0 = Date.UTC(2026, 0, 5, 9) + c * 600_000;
      rows.push(`T${c},receive,anna,${new Date(t0).toISOString()},${new Date(t0 + 120_000).toISOString()}`);
      rows.push(`T${c},answer,${c % 2 ? 'bob' : 'carl'},${new Date(t0 + 180_000).toISOString()},${new Date(t0 + 480_000).toISOString()}`);
    }
    writeFileSync(log, rows.join('\n') + '\n');
    const out = join(dir, 'renamed.yaml');
    const r = autoshift([
      'discover',
      log,
      '-o',
      out,
      '--case-column',
      'Ticket',
      '--activity-column',
      'Step',
      '--resource-column',
      'Who',
      '--start-column',
      'Begin',
      '--end-column',
      'Finish',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(readFileSync(out, 'utf8'));
    expect(doc.processes.renamed.start).toBe('receive');
    expect(doc.processes.renamed.steps.receive.next).toBe('answer');
    expect(doc.processes.renamed.steps.answer.duration).toEqual({ dist: 'constant', value: '5m' });
  });

  it.each([
    ['no case column', 'who,what,when\na,b,2026-01-05T00:00:00Z\n', /no case column \(expected one of: case_id/],
    [
      'a bad timestamp',
      'case_id,activity,end_time\nc1,a,2026-01-05T00:00:00Z\nc1,b,yesterday\n',
      /bad\.csv:3: column 'end_time': expected a timestamp like 2026-01-05T08:30:00Z, got "yesterday"/,
    ],
    ['an empty log', '', /empty event log/],
  ])('rejects %s with exit code 2 and says where', (_name, text, message) => {
    const log = join(dir, 'bad.csv');
    writeFileSync(log, text);
    const r = autoshift(['discover', log, '-o', join(dir, 'never.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('rejects a malformed XES log with exit code 2, naming the line', () => {
    const log = join(dir, 'bad.xes');
    writeFileSync(log, '<?xml version="1.0"?>\n<log>\n  <trace>\n    <event>\n      <string key=concept:name value="a"/>\n    </event>\n  </trace>\n</log>\n');
    const r = autoshift(['discover', log]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.xes:5: malformed XML: .*\(expected an IEEE 1849 XES log: well-formed XML, <log> with <trace> and <event> elements\)/);
    // well-formed, but not what XES needs: the line and the expected attribute
    writeFileSync(
      log,
      '<?xml version="1.0"?>\n<log>\n  <trace>\n    <event>\n      <string key="concept:name" value="a"/>\n      <date key="time:timestamp" value="yesterday"/>\n    </event>\n  </trace>\n</log>\n',
    );
    const t = autoshift(['discover', log]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/bad\.xes:4: <event> 'a': expected a time:timestamp date, got "yesterday"/);
    expect(t.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('rejects a missing file and bad options with exit code 2', () => {
    expect(autoshift(['discover', join(dir, 'nope.csv')]).stderr).toMatch(/nope\.csv: cannot read the event log \(ENOENT\)/);
    const r = autoshift(['discover', 'x.csv', '--sla-quantile', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sla-quantile: expected a number between 0 and 1/);
  });
});

describe('autoshift discover --check', () => {
  it('prints a fidelity table of the discovered scenario against the log, exit status 0', () => {
    const log = join(dir, 'support.csv');
    expect(autoshift(['run', 'scenarios/support-desk.yaml', '--event-log', log]).code).toBe(0);
    const r = autoshift(['discover', log, '-o', join(dir, 'support.yaml'), '--check', '--seed', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Fidelity: .*seed 3/);
    for (const activity of ['triage', 'manual-triage', 'solve', 'reopened', 'investigate']) {
      for (const figure of ['tasks per case', 'duration, mean', 'duration, p90', 'waiting, mean', 'waiting, p90'])
        expect(r.stdout).toContain(`${activity}: ${figure}`);
    }
    for (const pool of ['chatbot', 'agents', 'engineers']) expect(r.stdout).toMatch(new RegExp(`pool ${pool}: utilisation +\\d+\\.\\d%`));
    // the arrivals of a simulation with another seed are within a few percent of the log's
    const arrivals = r.stdout.match(/^arrivals +([\d,]+) +([\d,]+)/m)!;
    const [logN, simN] = [arrivals[1], arrivals[2]].map((x) => Number(x.replace(/,/g, '')));
    expect(Math.abs(simN / logN - 1)).toBeLessThan(0.05);
    expect(r.stdout).toMatch(/cycle time, EMD \/ log mean +0\.\d{3}/);
  }, 120_000);
});

describe('autoshift discover --replay', () => {
  it('writes the observed arrivals as a replay CSV that the scenario replays exactly', () => {
    const log = join(dir, 'replay-log.csv');
    expect(autoshift(['run', 'scenarios/invoice-office.yaml', '--horizon', '14d', '--event-log', log]).code).toBe(0);
    const out = join(dir, 'replayed.yaml');
    const r = autoshift(['discover', log, '-o', out, '--replay']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(readFileSync(out, 'utf8'));
    expect(doc.demand.invoice.replay).toBe('replayed.invoice.arrivals.csv');
    const arrivals = readFileSync(join(dir, 'replayed.invoice.arrivals.csv'), 'utf8').trim().split('\n').slice(1);
    const cases = new Set(
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    );
    expect(arrivals.length).toBe(cases.size);
    const run = autoshift(['run', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).processes.invoice.arrived.mean).toBe(cases.size);
  });
});
