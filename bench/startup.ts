/**
 * Start-up of the `autoshift` command, whole process from spawn to exit, next
 * to `node -e 1` (Node's own start-up on this machine: the floor) in the same
 * run. Each round starts every command once, in turn, so a burst of other work
 * on the machine hits one round of all of them rather than one command's
 * figure; the median over the rounds is reported.
 *
 * Wall seconds are read around the spawn; CPU seconds are the child's own
 * (`process.cpuUsage()` at its exit, printed by a one-line `--import` hook
 * that every command gets, `node -e 1` included).
 *
 * The commands load their core through V8's code cache (cli/code-cache.ts):
 * the round not counted writes it, as a user's first run of a build does. Two
 * rows say what that leaves out: the small run with the cache off (the first
 * start of a build), and a one-day run without warm-up (start-up with almost
 * no simulation: what is left of the 8-day row is running its events).
 *
 *   node dist/bench/startup.js [--rounds N]       (also section `startup` of dist/bench/engine.js)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface StartupCommand {
  /** what the row says */
  label: string;
  /** arguments to `node` */
  args: string[];
  /** what the environment adds */
  env?: Record<string, string>;
  /** whether issue 16's target (≤ 0.2 s) is for this row */
  target: boolean;
}

export interface StartupFigure {
  label: string;
  target: boolean;
  /** median wall seconds, spawn to exit */
  wall: number;
  /** median CPU seconds of the child (user + system) */
  cpu: number;
  /** median of wall / the reference's wall, round by round */
  wallRatio: number;
  /** median of cpu / the reference's cpu, round by round */
  cpuRatio: number;
}

/** The commands of issue 16: `--help`, `validate` and `run` of a small scenario, next to `node -e 1`. */
export function startupCommands(root: string): StartupCommand[] {
  const cli = join(root, 'dist', 'cli', 'main.js');
  const scenario = join(root, 'scenarios', 'invoice-office.yaml');
  const small = [cli, 'run', scenario, '--horizon', '8d'];
  return [
    { label: 'node -e 1', args: ['-e', '1'], target: false },
    { label: 'autoshift --help', args: [cli, '--help'], target: true },
    { label: 'autoshift validate invoice-office', args: [cli, 'validate', scenario], target: true },
    // the bundled scenario cut to its week of warm-up and one observed day: start-up and a small run
    { label: 'autoshift run invoice-office, 8 days', args: small, target: true },
    { label: 'autoshift run invoice-office, 91 days', args: [cli, 'run', scenario], target: false },
    // added with the code cache (the rows above are kept as they were): the small run as a build's first start, and
    // a run of one day without warm-up, start-up with little simulation
    { label: 'run invoice-office, 8 days, no code cache', args: small, env: { AUTOSHIFT_CODE_CACHE: '0' }, target: false },
    { label: 'run invoice-office, 1 day, no warm-up', args: [cli, 'run', scenario, '--horizon', '1d', '--set', 'warmup=0s'], target: false },
  ];
}

const CPU_HOOK = `data:text/javascript,process.on('exit',()=>{const c=process.cpuUsage();process.stderr.write('\\n@cpu '+(c.user+c.system)+'\\n')})`;

function timeOnce(args: string[], env?: Record<string, string>): { wall: number; cpu: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', CPU_HOOK, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: env ? { ...process.env, ...env } : process.env,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /@cpu (\d+)/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) / 1e6 : NaN };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/** Runs `rounds` rounds (after one not counted) and returns one figure per command; the first command is the reference. */
export function measureStartup(commands: StartupCommand[], rounds: number): StartupFigure[] {
  for (const c of commands) timeOnce(c.args, c.env); // file cache, code cache and the like: not counted
  const runs = commands.map(() => [] as { wall: number; cpu: number }[]);
  for (let r = 0; r < rounds; r++) commands.forEach((c, i) => runs[i].push(timeOnce(c.args, c.env)));
  const ref = runs[0];
  return commands.map((c, i) => ({
    label: c.label,
    target: c.target,
    wall: median(runs[i].map((x) => x.wall)),
    cpu: median(runs[i].map((x) => x.cpu)),
    wallRatio: median(runs[i].map((x, r) => x.wall / ref[r].wall)),
    cpuRatio: median(runs[i].map((x, r) => x.cpu / ref[r].cpu)),
  }));
}

if (process.argv[1]?.endsWith('startup.js')) {
  const { dirname, resolve } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const i = process.argv.indexOf('--rounds');
  const rounds = i > 0 ? Number(process.argv[i + 1]) : 15;
  const figures = measureStartup(startupCommands(root), rounds);
  for (const f of figures) {
    process.stdout.write(
      `${f.label.padEnd(40)} wall ${f.wall.toFixed(3)} s (${f.wallRatio.toFixed(2)}× node -e 1)   cpu ${f.cpu.toFixed(3)} s (${f.cpuRatio.toFixed(2)}×)\n`,
    );
  }
}
