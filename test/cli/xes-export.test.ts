/**
 * `--event-log FILE.xes`: IEEE 1849 XES read back by PM4Py (a reader nobody here
 * wrote, installed from PyPI into bench/peers/.venv by the test), which must find
 * the same activities, start and end activities and traces as in the CSV of the same run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift } from '../helpers/cli.js';
import { ensurePythonPeers, runPeerJson } from '../helpers/python-peers.js';

const dir = mkdtempSync(join(tmpdir(), 'autoshift-xes-'));
let python = '';

beforeAll(() => {
  python = ensurePythonPeers();
}, 900_000);

describe.each([
  ['invoice-office', ['--set', 'horizon=14d', '--set', 'warmup=2d']],
  ['online-shop', ['--set', 'horizon=7d', '--set', 'warmup=1d']], // parallel split and join
])('XES event log of %s', (name, args) => {
  it('is read by PM4Py with the same activities, start and end activities and traces as the CSV', () => {
    const xes = join(dir, `${name}.xes`),
      csv = join(dir, `${name}.csv`);
    for (const log of [xes, csv]) {
      const r = autoshift(['run', `scenarios/${name}.yaml`, ...args, '--replications', '2', '--event-log', log]);
      expect(r.code, r.stderr).toBe(0);
    }
    const fromXes = runPeerJson(python, 'pm4py_log.py', [xes]);
    const fromCsv = runPeerJson(python, 'pm4py_log.py', [csv]);
    expect(fromXes.traces).toBeGreaterThan(500);
    expect(fromXes).toEqual(fromCsv);
    // both replications are there, warm-up cases flagged in both formats
    const text = readFileSync(xes, 'utf8');
    expect(text).toContain('<int key="replication" value="2"/>');
    expect(text).toContain('<boolean key="warmup" value="true"/>');
    expect(text.trimEnd().endsWith('</log>')).toBe(true);
    const csvWarm = new Set(
      readFileSync(csv, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .filter((l) => l.endsWith(',true'))
        .map((l) => l.split(',')[0]),
    );
    const xesWarm = new Set(
      [...text.matchAll(/<string key="concept:name" value="([^"]+)"\/>\n {4}<string key="process"[^\n]*\n[^\n]*\n {4}<boolean key="warmup" value="true"/g)].map(
        (m) => m[1],
      ),
    );
    expect(xesWarm).toEqual(csvWarm);
  }, 300_000);
});
