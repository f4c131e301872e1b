/**
 * The experiment benchmarks of issue 14, in one run (figures, never a test):
 *
 *   (a) optimise against the full grid: `autoshift optimise` on an Erlang C
 *       call centre (M/M/c, one axis) and on scenarios/invoice-office.yaml
 *       (three axes, 240 cells): simulations spent and wall seconds, next to
 *       `autoshift sweep` of the whole grid at the replications the chosen
 *       design needed; and whether the two agree on the answer.
 *   (b) a 200-cell sweep (invoice office, 2 replications a cell, 14 days)
 *       locally on 1 and 2 threads, and `--on temporal` on 1, 2 and 4
 *       `autoshift experiment-worker` processes of one thread each on this
 *       machine: wall seconds, replications per second (per worker), and the
 *       overhead per activity against the local one-thread run.
 *
 * Needs a Temporal server for (b) (bash infra/up.sh temporal; skipped with a
 * note when none answers). Run: npm run build && node dist/bench/experiments.js [--only optimise,sweep]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { table } from '../cli/table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const TEMPORAL = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? process.argv[i + 1].split(',') : ['optimise', 'sweep'];
})();

const fix = (x: number, d = 2) => x.toFixed(d);

function cli(args: string[], env: Record<string, string> = {}): { seconds: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`autoshift ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

const callCentre = `# an Erlang C call centre: 100 calls/h, 6 min each (10 Erlangs), answer-and-handle within 15 min
name: call centre
seed: 3
horizon: 30d
warmup: 2d
sampleEvery: 1d
pools:
  agents: { kind: human, size: 10, skills: [calls], costPerHour: 25 }
processes:
  call:
    sla: 15m
    start: handle
    steps:
      handle: { skill: calls, duration: { dist: exponential, mean: 6m } }
demand:
  call: { rate: 100/h }
`;

const rows: Record<string, string>[] = [];
const notes: string[] = [];

function optimiseRow(label: string, file: string, vary: string[], target: string) {
  const args = ['--vary', ...vary.flatMap((v, i) => (i ? ['--vary', v] : [v])), '--target', target];
  const o = cli(['optimise', file, ...args, '--json']);
  const doc = JSON.parse(o.stdout);
  const reps = doc.chosen?.replications ?? 5;
  const sets = vary.flatMap((v) => ['--set', v]);
  const g = cli(['sweep', file, ...sets, '--replications', String(reps), '--json']);
  const grid = JSON.parse(g.stdout);
  const [metricPath, threshold] = target.split('>=');
  const path = metricPath.split('.');
  const meets = grid.cells
    .map((c: any, i: number) => ({ i, cost: c.result.totals.cost.mean, v: path[0] === 'processes' ? c.result.processes[path[1]][path[2]] : null }))
    .filter((c: any) => c.v && c.v.mean - c.v.ci95 >= Number(threshold))
    .sort((a: any, b: any) => a.cost - b.cost);
  const gridAnswer = meets.length ? grid.cells[meets[0].i].values : null;
  const same = JSON.stringify(gridAnswer) === JSON.stringify(doc.chosen?.values ?? null);
  rows.push({
    figure: `optimise ${label}: simulations`,
    autoshift: String(doc.simulations),
    peer: `${grid.cells.length * reps} full grid (${grid.cells.length} cells × ${reps})`,
    ratio: fix(doc.simulations / (grid.cells.length * reps), 3),
    reads: `chosen ${JSON.stringify(doc.chosen?.values)}`,
  });
  rows.push({
    figure: `optimise ${label}: wall s`,
    autoshift: fix(o.seconds),
    peer: `${fix(g.seconds)} sweep`,
    ratio: fix(o.seconds / g.seconds, 3),
    reads: `grid's cheapest cell with its 95% interval above the target: ${JSON.stringify(gridAnswer)}${same ? ' (the same)' : ' (differs: the grid is at fixed replications, see docs/optimise.md)'}`,
  });
}

async function sweepRows() {
  const up = spawnSync('bash', [join(ROOT, 'infra', 'status.sh'), 'temporal'], { cwd: ROOT, encoding: 'utf8' });
  const sweep = [
    'sweep',
    'scenarios/invoice-office.yaml',
    '--set',
    'pools.clerks.size=1..10',
    '--set',
    'pools.ocr-bot.size=1..4',
    '--set',
    'pools.seniors.size=1..5',
    '--set',
    'horizon=14d',
    '--set',
    'warmup=1d',
    '--replications',
    '2',
    '--json',
  ];
  const reps = 400;
  const l1 = cli([...sweep, '--threads', '1']);
  const l2 = cli([...sweep, '--threads', '2']);
  rows.push({
    figure: '200-cell sweep, local 1 thread: wall s',
    autoshift: fix(l1.seconds),
    peer: '-',
    ratio: '-',
    reads: `${fix(reps / l1.seconds, 1)} replications/s`,
  });
  rows.push({
    figure: '200-cell sweep, local 2 threads: wall s',
    autoshift: fix(l2.seconds),
    peer: `${fix(l1.seconds)} 1 thread`,
    ratio: fix(l2.seconds / l1.seconds, 3),
    reads: `speed-up ${fix(l1.seconds / l2.seconds)}×`,
  });
  if (up.status !== 0) {
    notes.push('no Temporal server answered (bash infra/up.sh temporal): the --on temporal rows are missing');
    return;
  }
  for (const n of [1, 2, 4]) {
    const queue = `bench-experiments-${process.pid}-${n}`;
    const workers: ChildProcess[] = [];
    for (let i = 0; i < n; i++)
      workers.push(
        spawn(process.execPath, [CLI, 'experiment-worker', '--threads', '1', '--task-queue', queue, '--address', TEMPORAL], { cwd: ROOT, stdio: 'ignore' }),
      );
    await new Promise((r) => setTimeout(r, 4000)); // bundled and polling
    try {
      const t = cli([...sweep.slice(0, -1), '--set', `seed=${900 + n}`, '--json', '--on', `temporal:${TEMPORAL}`], { AUTOSHIFT_EXPERIMENT_QUEUE: queue });
      const activities = Math.ceil(reps / Math.max(1, Math.min(16, Math.floor(reps / 64))));
      const perActivity = n === 1 ? ` overhead ${fix(((t.seconds - l1.seconds) / activities) * 1000, 0)} ms per activity (${activities} activities)` : '';
      rows.push({
        figure: `200-cell sweep, temporal ${n} worker${n > 1 ? 's' : ''}: wall s`,
        autoshift: fix(t.seconds),
        peer: `${fix(l1.seconds)} local 1 thread`,
        ratio: fix(t.seconds / l1.seconds, 3),
        reads: `${fix(reps / t.seconds, 1)} replications/s, ${fix(reps / t.seconds / n, 1)} per worker;${perActivity}`,
      });
    } finally {
      for (const w of workers) w.kill('SIGTERM');
    }
  }
}

const head = `autoshift experiment benchmarks — node ${process.version}, ${availableParallelism()} cores, ${cpus()[0]?.model ?? '?'}; load average ${loadavg()
  .map((x) => x.toFixed(2))
  .join(' ')} at start`;
if (only.includes('optimise')) {
  const dir = mkdtempSync(join(tmpdir(), 'autoshift-bench-'));
  const file = join(dir, 'call-centre.yaml');
  writeFileSync(file, callCentre);
  optimiseRow('M/M/c call centre (30 cells)', file, ['pools.agents.size=1..30'], 'processes.call.slaAttainment>=0.9');
  optimiseRow(
    'invoice office (192 cells)',
    'scenarios/invoice-office.yaml',
    ['pools.clerks.size=1..12', 'pools.seniors.size=1..4', 'pools.ocr-bot.size=1..4'],
    'processes.invoice.slaAttainment>=0.95',
  );
}
if (only.includes('sweep')) await sweepRows();
process.stdout.write(
  `${head}\n\n${table(
    ['figure', 'autoshift', 'peer / reference', 'ratio', 'reads as'],
    rows.map((r) => [r.figure, r.autoshift, r.peer, r.ratio, r.reads]),
    ['l', 'r', 'r', 'r', 'l'],
  )}\n`,
);
for (const n of notes) process.stdout.write(`note: ${n}\n`);
process.stdout.write(
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}\n`,
);
