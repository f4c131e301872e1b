/**
 * A Prometheus of the test's own, started by the project's infra scripts
 * (infra/up.sh prometheus) with its own home, port and TSDB directory, so a
 * backfill never touches the Prometheus other work shares; and promtool,
 * from the same Debian package (infra/install.sh prometheus installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './cli.js';

/** promtool, installing Prometheus with infra/install.sh if it is missing. */
export function promtool(): string {
  const find = () => {
    if (process.env.AUTOSHIFT_PROMETHEUS_BIN) return join(dirname(process.env.AUTOSHIFT_PROMETHEUS_BIN), 'promtool');
    const which = spawnSync('bash', ['-c', 'command -v promtool || { test -x /usr/bin/promtool && echo /usr/bin/promtool; }'], { encoding: 'utf8' });
    return which.stdout.trim();
  };
  let p = find();
  if (!p || !existsSync(p)) {
    const r = spawnSync('bash', [join(ROOT, 'infra', 'install.sh'), 'prometheus'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
    if (r.status !== 0) throw new Error(`bash infra/install.sh prometheus exited with ${r.status}`);
    p = find();
  }
  if (!p || !existsSync(p)) throw new Error('promtool not found after infra/install.sh prometheus');
  return p;
}

export function runPromtool(args: string[], input?: string): { code: number | null; out: string } {
  const r = spawnSync(promtool(), args, { cwd: ROOT, encoding: 'utf8', input, timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface OwnPrometheus {
  url: string;
  data: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

export interface OwnPrometheusOptions {
  /** `host:port` of /metrics endpoints to scrape (job "autoshift") @default none */
  targets?: string[];
  /** @default '1s' */
  scrapeInterval?: string;
}

/** Starts a Prometheus with the project's rules, in a fresh home; it scrapes `targets` (none by default). */
export async function startOwnPrometheus(options: OwnPrometheusOptions = {}): Promise<OwnPrometheus> {
  promtool();
  const home = mkdtempSync(join(tmpdir(), 'autoshift-prom-'));
  const port = await freePort();
  const config = join(home, 'prometheus.yml');
  const scrape = options.targets?.length
    ? `scrape_configs:\n  - job_name: autoshift\n    scrape_interval: ${options.scrapeInterval ?? '1s'}\n    scrape_timeout: ${options.scrapeInterval ?? '1s'}\n    static_configs:\n      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]\n`
    : '';
  writeFileSync(config, `global:\n  evaluation_interval: 15s\nrule_files:\n  - ${join(ROOT, 'dashboards/prometheus/rules.yml')}\n${scrape}`);
  const env = { ...process.env, AUTOSHIFT_INFRA_HOME: home, PROMETHEUS_PORT: String(port), PROMETHEUS_CONFIG: config };
  const r = spawnSync('bash', [join(ROOT, 'infra', 'up.sh'), 'prometheus'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000, env });
  if (r.status !== 0) throw new Error(`bash infra/up.sh prometheus exited with ${r.status}`);
  return {
    url: `http://127.0.0.1:${port}`,
    data: join(home, 'data', 'prometheus'),
    env,
    stop() {
      spawnSync('bash', [join(ROOT, 'infra', 'down.sh'), 'prometheus'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000, env });
    },
  };
}

export interface RangeResult {
  status: string;
  error?: string;
  data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
}

export async function queryRange(url: string, expr: string, start: number, end: number, step: number): Promise<RangeResult> {
  const u = `${url}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${step}`;
  return (await fetch(u)).json() as Promise<RangeResult>;
}
