/**
 * The SimPy peers (bench/peers/*.py), run as child processes from the venv
 * that bench/peers/setup.sh creates, and the check that the SMB peer is the
 * same model as the compiled YAML, parameter by parameter.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Distribution } from '../simulator/distributions.js';
import type { Scenario } from '../model/scenario.js';

export interface PeerResult {
  cases: number;
  /** wall seconds of env.run() only */
  seconds: number;
  /** CPU seconds of the Python process during env.run() */
  cpuSeconds: number;
  casesPerSecond: number;
  meanWait: number;
  tasks?: number;
}

export class Peers {
  readonly python: string;
  constructor(readonly dir: string) {
    this.python = join(dir, '.venv', 'bin', 'python');
  }

  get installed(): boolean {
    return existsSync(this.python);
  }

  /** Runs setup.sh (creates the venv, installs SimPy); output goes to the terminal. */
  setup(): boolean {
    const r = spawnSync('sh', [join(this.dir, 'setup.sh')], { stdio: 'inherit' });
    return r.status === 0 && this.installed;
  }

  /** Runs a peer script; its last stdout line is a JSON object. */
  run(script: string, args: string[]): PeerResult {
    return this.json(script, args) as PeerResult;
  }

  json(script: string, args: string[]): unknown {
    const r = spawnSync(this.python, [join(this.dir, script), ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
    const lines = r.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]);
  }
}

/** The parameters of a single-process scenario in the shape `simpy_smb.py --describe` prints. */
export function describeScenario(s: Scenario): unknown {
  if (s.processes.length !== 1 || s.demand.length !== 1) throw new Error('the SMB peer models exactly one process with one demand');
  const d = s.demand[0];
  if (d.kind !== 'poisson' || d.surges.length || !d.hourOfDay.every((x) => x === 1) || !d.dayOfWeek.every((x) => x === 1)) {
    throw new Error('the SMB peer models flat Poisson demand only');
  }
  if (s.pools.some((p) => p.shifts || p.absences.length || p.switchOver > 0) || s.disruptions.length) {
    throw new Error('the SMB peer models pools on duty around the clock, without absences, switch-over or disruptions');
  }
  const proc = s.processes[0];
  const stepName = (i: number) => (i < 0 ? 'end' : proc.steps[i].id);
  return {
    start: stepName(proc.start),
    arrivalRate: d.rate,
    pools: Object.fromEntries(s.pools.map((p) => [p.id, { kind: p.kind, size: p.size, failureRate: p.failureRate }])),
    steps: Object.fromEntries(
      proc.steps.map((st) => {
        const pools = s.pools.filter((p) => p.skills.includes(st.skill));
        const duration: Distribution = pools[0]?.kind === 'bot' ? st.botDuration : st.humanDuration;
        const n = st.next;
        const next =
          n.kind === 'end'
            ? [['end', 1]]
            : n.kind === 'step'
              ? [[stepName(n.step), 1]]
              : n.kind === 'branch'
                ? n.to.map((t, i) => [stepName(t), round(n.cumulative[i] - (i ? n.cumulative[i - 1] : 0))])
                : [['parallel (not modelled by the peer)', 1]];
        return [st.id, { pools: pools.map((p) => p.id), duration, onBotFailure: st.onBotFailure >= 0 ? stepName(st.onBotFailure) : null, next }];
      }),
    ),
  };
}

/** Where two JSON values differ (numbers equal to 1e-9 relative); empty when they agree. */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences((a as any)[k], (b as any)[k], path ? `${path}.${k}` : k));
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

function round(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}
