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
 *   node dist/bench/startup.js [--rounds N]       (also section `startup` of dist/bench/engine.js)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface StartupCommand {
  /** what the row says */
  label: string;
  /** arguments to `node` */
  args: string[];
}

export interface StartupFigure {
  label: string;
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
  return [
    { label: 'node -e 1', args: ['-e', '1'] },
    { label: 'autoshift --help', args: [cli, '--help'] },
    { label: 'autoshift validate invoice-office', args: [cli, 'validate', scenario] },
    // the bundled scenario cut to its week of warm-up and one observed day: start-up and a small run
    { label: 'autoshift run invoice-office, 8 days', args: [cli, 'run', scenario, '--horizon', '8d'] },
    { label: 'autoshift run invoice-office, 91 days', args: [cli, 'run', scenario] },
  ];
}

const CPU_HOOK = `data:text/javascript,process.on('exit',()=>{const c=process.cpuUsage();process.stderr.write('\\n@cpu '+(c.user+c.system)+'\\n')})`;

function timeOnce(args: string[]): { wall: number; cpu: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', CPU_HOOK, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
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
  for (const c of commands) timeOnce(c.args); // file cache and the like: not counted
  const runs = commands.map(() => [] as { wall: number; cpu: number }[]);
  for (let r = 0; r < rounds; r++) commands.forEach((c, i) => runs[i].push(timeOnce(c.args)));
  const ref = runs[0];
  return commands.map((c, i) => ({
    label: c.label,
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
