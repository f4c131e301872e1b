/**
 * The Python peers (PM4Py, SimPy) in bench/peers/.venv, created by
 * bench/peers/setup.sh on first use, and Prosimos in bench/peers/.venv-prosimos
 * (bench/peers/setup-prosimos.sh) (about a minute from PyPI, cached after;
 * the script takes a lock, so test files that ask at once share one install).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';

const PEERS = join(ROOT, 'bench', 'peers');

/** Installs the peers if missing and returns the venv's python. */
export function ensurePythonPeers(): string {
  const r = spawnSync('sh', [join(PEERS, 'setup.sh')], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`bench/peers/setup.sh failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return join(PEERS, '.venv', 'bin', 'python');
}

/** Installs Prosimos (the BPMN simulator, bench/peers/setup-prosimos.sh: a venv of its own) if missing and returns its python. */
export function ensureProsimos(): string {
  const r = spawnSync('sh', [join(PEERS, 'setup-prosimos.sh')], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`bench/peers/setup-prosimos.sh failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return join(PEERS, '.venv-prosimos', 'bin', 'python');
}

/** Runs a peer script of bench/peers with the venv's python and parses its last stdout line as JSON. */
export function runPeerJson(python: string, script: string, args: string[]): any {
  const r = spawnSync(python, [join(PEERS, script), ...args], { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
