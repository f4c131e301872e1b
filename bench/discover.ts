/**
 * Discovery at scale (issue 11): `autoshift discover`'s reading and discovery
 * of a 1-million-task event log, time and peak memory, next to a 250,000-task
 * log (memory should not grow with the tasks: it is bounded by activities and
 * resources, plus, for a CSV log, a count per case and the cases open at once)
 * and next to PM4Py reading the
 * same files and discovering its directly-follows graph, in the same run.
 * Figures, not a test: nothing fails on a number.
 *
 *   npm run build && node dist/bench/discover.js [--no-peers] [--keep DIR]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const python = join(root, 'bench', 'peers', '.venv', 'bin', 'python');
const args = process.argv.slice(2);
const peers = !args.includes('--no-peers') && existsSync(python);
const keep = args.includes('--keep') ? args[args.indexOf('--keep') + 1] : null;
const dir = keep ?? mkdtempSync(join(tmpdir(), 'autoshift-bench-discover-'));

/** smb-year makes about 5,500 tasks a day: horizons for ~1,000,000 and ~250,000 tasks */
const logs = [
  { name: '1M tasks, CSV', file: join(dir, 'smb-1m.csv'), horizon: '182d' },
  { name: '250k tasks, CSV', file: join(dir, 'smb-250k.csv'), horizon: '46d' },
  { name: '250k tasks, XES', file: join(dir, 'smb-250k.xes'), horizon: '46d' },
];

function run(cmd: string, argv: string[]): any {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 1_800_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

process.stdout.write(
  `discovery benchmark — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})${peers ? ', PM4Py from bench/peers/.venv' : ''}\n`,
);
if (!peers) process.stdout.write('(PM4Py columns need the venv: sh bench/peers/setup.sh)\n');
const rows: string[][] = [];
for (const log of logs) {
  if (!existsSync(log.file)) {
    const r = spawnSync(process.execPath, [cli, 'run', join(root, 'bench', 'scenarios', 'smb-year.yaml'), '--horizon', log.horizon, '--event-log', log.file], {
      encoding: 'utf8',
      timeout: 1_800_000,
    });
    if (r.status !== 0) throw new Error(`generating ${log.file} failed:\n${r.stderr}`);
  }
  const mb = statSync(log.file).size / 1024 / 1024;
  const ours = run(process.execPath, [join(here, 'discover-probe.js'), log.file]);
  const peer = peers ? run(python, [join(root, 'bench', 'peers', 'pm4py_discover.py'), log.file]) : null;
  const total = ours.readSeconds + ours.discoverSeconds;
  const peerTotal = peer ? peer.readSeconds + peer.discoverSeconds : NaN;
  rows.push([
    log.name,
    `${mb.toFixed(0)} MB`,
    ours.tasks.toLocaleString('en-US'),
    `${ours.activities} / ${ours.resources}`,
    `${total.toFixed(1)} s`,
    `${(ours.tasks / total / 1e3).toFixed(0)}k/s`,
    `${ours.peakRssMB.toFixed(0)} MB`,
    peer ? `${peerTotal.toFixed(1)} s` : '-',
    peer ? `${peer.peakRssMB.toFixed(0)} MB` : '-',
    peer ? `${(peerTotal / total).toFixed(2)}×` : '-',
  ]);
}
const headers = [
  'log',
  'size',
  'tasks',
  'activities / resources',
  'autoshift discover',
  'rate',
  'peak RSS',
  'PM4Py read + DFG',
  'PM4Py peak RSS',
  'PM4Py / autoshift time',
];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
process.stdout.write(`\n${line(headers)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
process.stdout.write(
  '\nautoshift discover: reading (streamed) and the whole discovery, in a fresh process; PM4Py: pandas.read_csv + format_dataframe (or read_xes, iterparse) and discover_dfg, in a fresh process.\n',
);
if (!keep) rmSync(dir, { recursive: true, force: true });
