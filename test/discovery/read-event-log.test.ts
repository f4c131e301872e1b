/**
 * Reading a CSV log in bounded memory (cli/read-event-log.ts): a first pass
 * counts each case's tasks, the second hands a case over at its last task, so
 * what is held is the cases open at once — one for a log sorted by case —
 * and a log too big for the process is refused (exit 2 in the CLI) before
 * any discovery, naming the file and what to do.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventLog } from '../../cli/read-event-log.js';
import { autoshift } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'autoshift-read-log-'));
const bots = /bot|ocr/i;

describe('reading a CSV event log', () => {
  const log = join(dir, 'time-ordered.csv'),
    byCase = join(dir, 'by-case.csv');
  const make = () => {
    const r = autoshift(['run', 'scenarios/invoice-office.yaml', '--horizon', '21d', '--event-log', log]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = readFileSync(log, 'utf8').trim().split('\n');
    const caseOf = (row: string) => row.slice(0, row.indexOf(','));
    // the same rows, grouped by case (a stable sort keeps each case's task order)
    writeFileSync(byCase, [header, ...[...rows].sort((a, b) => (caseOf(a) < caseOf(b) ? -1 : caseOf(a) > caseOf(b) ? 1 : 0))].join('\n') + '\n');
    return { rows: rows.length, cases: new Set(rows.map(caseOf)).size };
  };

  it('holds only the cases open at once, and gives the same figures in any row order', async () => {
    const { rows, cases } = make();
    const timeOrdered = await readEventLog(log, {}, { bots });
    const grouped = await readEventLog(byCase, {}, { bots });
    for (const p of [timeOrdered, grouped]) expect(p.events).toBe(rows);
    expect(grouped.table.peakOpenCases).toBe(1);
    expect(timeOrdered.table.peakOpenCases).toBeGreaterThan(1);
    expect(timeOrdered.table.peakOpenCases).toBeLessThan(cases / 10);
    console.log(
      `${rows} tasks of ${cases} cases: at most ${timeOrdered.table.peakOpenCases} cases (${timeOrdered.table.peakOpenTasks} tasks) held at once in time order, 1 sorted by case`,
    );
    // the same cases with the same tasks: per activity (names: ids are given in order of first appearance), the same count and total duration
    const byName = (p: typeof grouped) =>
      new Map([...p.steps.values()].map((s) => [p.table.activities.list[s.activity], { count: s.count, seconds: s.human.sum + s.bot.sum }]));
    const a = byName(timeOrdered),
      b = byName(grouped);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, step] of a) {
      expect(b.get(name)!.count, name).toBe(step.count);
      expect(b.get(name)!.seconds, name).toBeCloseTo(step.seconds, 3);
    }
  }, 120_000);

  it('refuses a log whose cases do not fit in the memory it may use, before discovering anything', async () => {
    await expect(readEventLog(log, {}, { bots }, { memoryBytes: 20_000 })).rejects.toThrow(
      /time-ordered\.csv: too big for this process: \d[\d,]* cases by row [\d,]+ already need about 2\d kB to count, over the 20 kB it may use for a log \(half its heap\)\. Expected a log whose cases fit: split it by period or by process, sort it by case/,
    );
    // counts fit, the open cases do not
    const counted = 1000 * 100;
    await expect(readEventLog(log, {}, { bots }, { memoryBytes: counted })).rejects.toThrow(/too big for this process: /);
  });
});
