/**
 * `autoshift import` against Prosimos, the simulator the models are made for
 * (issue 11): Prosimos' own example models, simulated by Prosimos (PyPI
 * `prosimos`, in a venv the test sets up) and, imported, by autoshift. How
 * often each activity runs per case shows whether the step graph routes cases
 * as Prosimos does (splits and choices at the start, a choice into a parallel
 * split), and each activity's mean processing time whether the durations are
 * Prosimos' (its bounded exponentials included).
 *
 * - AND_join: a parallel split of six tasks right after the start event;
 * - padua: a choice right after the start event, and a choice whose paths
 *   lead into a parallel split.
 *
 * Arrivals and waiting are not compared: the scenario's arrivals are Poisson
 * where Prosimos' are fixed, and its calendars differ (the import warns).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift } from '../helpers/cli.js';
import { ensureProsimos, runPeerJson } from '../helpers/python-peers.js';

const dir = mkdtempSync(join(tmpdir(), 'autoshift-prosimos-'));
const F = 'test/fixtures/bpmn';
const idOf = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');

/** per activity: runs per case and mean duration, over the cases that arrived in the first half of the run (all done by its end) */
function autoshiftFigures(log: string, horizonSeconds: number) {
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const h = lines[0].split(',');
  const [c, a, enq, st, en] = ['case_id', 'activity', 'enqueue_time', 'start_time', 'end_time'].map((k) => h.indexOf(k));
  const rows = lines.slice(1).map((l) => l.split(','));
  const t0 = Math.min(...rows.map((f) => Date.parse(f[enq])));
  const firstSeen = new Map<string, number>();
  for (const f of rows) firstSeen.set(f[c], Math.min(firstSeen.get(f[c]) ?? Infinity, Date.parse(f[enq])));
  const kept = new Set([...firstSeen].filter(([, t]) => t - t0 < (horizonSeconds * 1000) / 2).map(([id]) => id));
  const count: Record<string, number> = {},
    sum: Record<string, number> = {};
  for (const f of rows) {
    if (!kept.has(f[c])) continue;
    count[f[a]] = (count[f[a]] ?? 0) + 1;
    sum[f[a]] = (sum[f[a]] ?? 0) + (Date.parse(f[en]) - Date.parse(f[st])) / 1000;
  }
  const perCase: Record<string, number> = {},
    meanSeconds: Record<string, number> = {};
  for (const k of Object.keys(count)) {
    perCase[k] = count[k] / kept.size;
    meanSeconds[k] = sum[k] / count[k];
  }
  return { cases: kept.size, perCase, meanSeconds };
}

describe.each([
  { model: 'prosimos-AND_join', horizon: '240d', horizonSeconds: 240 * 86400, sets: [] as string[] },
  // its 924 clerks and tasks of days: fewer arrivals, so that cases of the first half are done by the end
  { model: 'prosimos-padua', horizon: '400d', horizonSeconds: 400 * 86400, sets: ['--set', 'demand.proc_586570383.rate=0.5/h'] },
])('autoshift import against Prosimos: $model', ({ model, horizon, horizonSeconds, sets }) => {
  it('routes cases and draws durations as Prosimos does', () => {
    const python = ensureProsimos();
    const peer = runPeerJson(python, 'prosimos_simulate.py', [`${F}/${model}.bpmn`, `${F}/${model}.json`, '2000', '1', join(dir, `${model}-stats.csv`)]);
    const out = join(dir, `${model}.yaml`),
      log = join(dir, `${model}.csv`);
    let r = autoshift(['import', `${F}/${model}.bpmn`, `${F}/${model}.json`, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    r = autoshift(['run', out, '--horizon', horizon, ...sets, '--event-log', log]);
    expect(r.code, r.stderr).toBe(0);
    const ours = autoshiftFigures(log, horizonSeconds);
    expect(ours.cases).toBeGreaterThan(1000);
    const names = Object.keys(peer.perCase);
    expect(Object.keys(ours.perCase).sort(), 'activities').toEqual(names.map(idOf).sort());
    for (const name of names) {
      const id = idOf(name);
      console.log(
        `${model} ${id}: per case ${peer.perCase[name].toFixed(3)} (Prosimos) vs ${ours.perCase[id].toFixed(3)}, mean ${peer.meanSeconds[name].toFixed(0)}s vs ${ours.meanSeconds[id].toFixed(0)}s`,
      );
      // 2,000 Prosimos cases and more than 1,000 of ours: a frequency's standard error is below 0.015
      expect(Math.abs(ours.perCase[id] - peer.perCase[name]), `runs per case of ${name}`).toBeLessThan(0.05);
      expect(Math.abs(ours.meanSeconds[id] / peer.meanSeconds[name] - 1), `mean duration of ${name}`).toBeLessThan(0.05);
    }
  }, 900_000);
});
