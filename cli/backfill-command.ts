/**
 * `autoshift backfill FILE`: loads an OpenMetrics export (`autoshift run|compare
 * --openmetrics`) into the local Prometheus, the way Prometheus documents
 * backfilling: `promtool tsdb create-blocks-from openmetrics` writes TSDB
 * blocks, which are moved into the server's data directory; the server loads
 * new blocks on its own within a minute (no lifecycle API needed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, intFlag } from './args.js';
import { UsageError } from '../model/errors.js';

export const backfillHelp = `Usage: autoshift backfill <file.om> [options]

Loads a what-if run's OpenMetrics export (autoshift run|compare --openmetrics
FILE) into the local Prometheus started by infra/up.sh: promtool turns it into
TSDB blocks, which are moved into Prometheus' data directory. Prometheus picks
them up within a minute; this command waits until the run's series answer.

Samples must lie in the past (Prometheus would otherwise refuse live samples
older than the backfilled ones) and within its retention (15 days with
infra/up.sh): export with --align-to now, or an instant in the last 15 days.

Options:
  --data DIR        Prometheus' TSDB directory (default $AUTOSHIFT_INFRA_HOME/data/prometheus,
                    AUTOSHIFT_INFRA_HOME defaulting to .infra in this checkout)
  --url URL         the Prometheus that serves DIR (default http://127.0.0.1:$PROMETHEUS_PORT, port 9090)
  --wait SECONDS    how long to wait for the series to answer; 0 = do not wait (default 120)
  --promtool PATH   promtool (default: next to $AUTOSHIFT_PROMETHEUS_BIN, else on the PATH)

Example:
  autoshift run scenarios/outage-and-surge.yaml --openmetrics plan.om --align-to now --speed 3600
  autoshift backfill plan.om
`;

export async function backfillCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { data: { value: true }, url: { value: true }, wait: { value: true }, promtool: { value: true }, help: {} });
  if (flags.help) {
    process.stdout.write(backfillHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one OpenMetrics file: autoshift backfill <file.om>');
  const file = positionals[0];
  const waitSeconds = intFlag(flags, 'wait', 120, 0);
  const data = typeof flags.data === 'string' ? flags.data : join(env.AUTOSHIFT_INFRA_HOME ?? join(repoRoot(), '.infra'), 'data', 'prometheus');
  const url = (typeof flags.url === 'string' ? flags.url : `http://127.0.0.1:${env.PROMETHEUS_PORT ?? '9090'}`).replace(/\/$/, '');
  const promtool = typeof flags.promtool === 'string' ? flags.promtool : findPromtool(env);

  const scan = scanExport(file);
  const now = Date.now() / 1000;
  if (scan.maxTs > now) {
    throw new UsageError(
      `${file}:${scan.maxLine}: a sample at ${iso(scan.maxTs)} lies in the future; Prometheus would then refuse every live sample ` +
        `older than it. Export with --align-to now (the run ends now) or an earlier --align-to`,
    );
  }
  if (!existsSync(data) || !statSync(data).isDirectory()) {
    throw new UsageError(`--data: ${data} is not a directory (start Prometheus with \`bash infra/up.sh prometheus\`, or name its TSDB directory with --data)`);
  }
  const retention = await retentionSeconds(url);
  if (retention !== null && scan.minTs < now - retention) {
    process.stderr.write(
      `backfill: warning: samples from ${iso(scan.minTs)} are older than Prometheus' retention (${retention / 86400} days) and will be deleted at its next compaction\n`,
    );
  }

  const tmp = mkdtempSync(join(dirname(data), '.backfill-'));
  try {
    const r = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, tmp], { encoding: 'utf8' });
    if (r.error) throw new UsageError(`--promtool: cannot run ${promtool} (${r.error.message}); install Prometheus with \`bash infra/install.sh prometheus\``);
    if (r.status !== 0) throw new UsageError(`${file}: promtool could not read it:\n${(r.stderr || r.stdout).trim()}`);
    const blocks = readdirSync(tmp).filter((d) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(d));
    for (const b of blocks) renameSync(join(tmp, b), join(data, b));
    process.stderr.write(
      `backfill: ${blocks.length} block(s), ${scan.samples} samples of run ${scan.runs.join(', ')} (${iso(scan.minTs)} .. ${iso(scan.maxTs)}) moved into ${data}\n`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (waitSeconds === 0) return 0;
  const query = scan.runs.map((run) => `count({__name__=~"autoshift_.+",source="sim",run=${JSON.stringify(run)}})`).join(' and ');
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    if (await answers(url, query, scan.maxTs)) {
      process.stderr.write(`backfill: Prometheus at ${url} answers for run ${scan.runs.join(', ')}\n`);
      return 0;
    }
    if (Date.now() > deadline) {
      process.stderr.write(`backfill: Prometheus at ${url} does not answer for the run after ${waitSeconds} s (is it the one serving ${data}?)\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

interface Scan {
  minTs: number;
  maxTs: number;
  maxLine: number;
  samples: number;
  runs: string[];
}

/** Timestamps and run labels of an export; a sample without a timestamp is an error (it would land at the time of backfilling). */
function scanExport(file: string): Scan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read it (${(err as Error).message})`);
  }
  const lines = text.split('\n');
  let minTs = Infinity,
    maxTs = -Infinity,
    maxLine = 0,
    samples = 0;
  const runs = new Set<string>();
  lines.forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const m = /\s([-+0-9.eE]+|[-+]?Inf|NaN)\s+([-+0-9.eE]+)$/.exec(line);
    if (!m)
      throw new UsageError(
        `${file}:${i + 1}: expected a sample with a value and a timestamp (autoshift run --openmetrics writes them), got ${JSON.stringify(line.slice(0, 80))}`,
      );
    const ts = Number(m[2]);
    samples++;
    if (ts < minTs) minTs = ts;
    if (ts > maxTs) {
      maxTs = ts;
      maxLine = i + 1;
    }
    const run = /[{,]run="((?:[^"\\]|\\.)*)"/.exec(line);
    if (run) runs.add(run[1]);
  });
  if (samples === 0) throw new UsageError(`${file}: no samples (expected an export of autoshift run --openmetrics)`);
  if (!text.trimEnd().endsWith('# EOF')) throw new UsageError(`${file}:${lines.length}: expected the OpenMetrics end marker "# EOF" (is the file complete?)`);
  return { minTs, maxTs, maxLine, samples, runs: [...runs].sort() };
}

async function retentionSeconds(url: string): Promise<number | null> {
  try {
    const res = await fetch(`${url}/api/v1/status/flags`, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { data?: Record<string, string> };
    const v = body.data?.['storage.tsdb.retention.time'];
    const m = v ? /^(\d+)([smhdwy])$/.exec(v) : null;
    if (!m) return null;
    return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2] as 's'];
  } catch {
    return null;
  }
}

async function answers(url: string, query: string, at: number): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}&time=${at}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { data?: { result?: unknown[] } };
    return (body.data?.result?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

function findPromtool(env: NodeJS.ProcessEnv): string {
  if (env.AUTOSHIFT_PROMETHEUS_BIN) return join(dirname(env.AUTOSHIFT_PROMETHEUS_BIN), 'promtool');
  return existsSync('/usr/bin/promtool') && !pathHas('promtool', env) ? '/usr/bin/promtool' : 'promtool';
}

function pathHas(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
}

function repoRoot(): string {
  return fileURLToPath(new URL('../..', import.meta.url));
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
