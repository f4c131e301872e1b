/**
 * `--openmetrics FILE` of `autoshift run` and `autoshift compare`, with
 * `--align-to` and `--speed`: where the run's samples fall on the wall clock
 * (metrics/openmetrics.ts), and the file written.
 */
import { writeFileSync } from 'node:fs';
import { type FlagSpec, type ParsedArgs } from './args.js';
import { UsageError } from '../model/errors.js';
import type { Scenario } from '../model/scenario.js';
// metrics/openmetrics.js loads prom-client (and node:http): only when a file is written, not at every start of run and compare
import type { OpenMetricsClock, OpenMetricsRun } from '../metrics/openmetrics.js';
import { scenarioLabel } from '../metrics/run-labels.js';

export const openMetricsFlags: Record<string, FlagSpec> = {
  openmetrics: { value: true },
  'align-to': { value: true },
  speed: { value: true },
  'run-id': { value: true },
};

export const openMetricsHelp = `  --openmetrics FILE  write the run's time series as OpenMetrics with timestamps, for
                      \`autoshift backfill FILE\` (docs/dashboards.md): the live metric names,
                      labelled source="sim", run, scenario, policy, replication
  --align-to WHEN     where simulated time 0 falls: the scenario's start date (default), an
                      ISO-8601 instant (2026-03-02T09:00:00Z), or "now": the run ends now
  --speed N           simulated seconds per wall second on that clock, as \`autoshift live
                      --speed\` (default 1: the calendar); a plan and a live run at the same
                      speed and start overlay on the same panels
  --run-id ID         the run label (default <scenario>-<policy>-seed<seed>)
`;

/** The clock of the export, from the flags; `now` is read only with `--align-to now`. */
export function openMetricsClock(flags: ParsedArgs['flags'], scenario: Scenario, now: () => number): OpenMetricsClock {
  let speed = 1;
  if (flags.speed !== undefined) {
    speed = Number(flags.speed);
    if (!Number.isFinite(speed) || speed <= 0)
      throw new UsageError(`--speed: expected a positive number of simulated seconds per wall second, got ${JSON.stringify(flags.speed)}`);
  }
  const align = flags['align-to'];
  if (align === undefined) return { startMs: Date.parse(scenario.start), speed };
  if (align === 'now') return { startMs: now() - (scenario.horizon / speed) * 1000, speed };
  const ms = typeof align === 'string' && /^\d{4}-\d\d-\d\dT/.test(align) ? Date.parse(align) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--align-to: expected "now" or an ISO-8601 instant like 2026-03-02T09:00:00Z, got ${JSON.stringify(align)}`);
  return { startMs: ms, speed };
}

/** Checks the flags that only make sense with --openmetrics. */
export function checkOpenMetricsFlags(flags: ParsedArgs['flags']): void {
  if (flags.openmetrics === undefined) {
    for (const f of ['align-to', 'speed', 'run-id']) if (flags[f] !== undefined) throw new UsageError(`--${f} needs --openmetrics FILE`);
  } else if (typeof flags.openmetrics !== 'string' || flags.openmetrics === '') throw new UsageError('--openmetrics: expected a file name');
}

export function defaultRunId(scenario: Scenario, policy: string): string {
  return `${scenarioLabel(scenario)}-${policy}-seed${scenario.seed}`;
}

/** Writes the export; returns what to tell the user on stderr. */
export async function writeOpenMetrics(file: string, runs: OpenMetricsRun[], clock: OpenMetricsClock): Promise<string> {
  const { toOpenMetrics } = await import('../metrics/openmetrics.js');
  writeFileSync(file, toOpenMetrics(runs, clock));
  const first = runs[0].scenario;
  const from = new Date(clock.startMs + (first.warmup / clock.speed) * 1000).toISOString();
  const to = new Date(clock.startMs + (first.horizon / clock.speed) * 1000).toISOString();
  return `openmetrics: ${file} (run ${[...new Set(runs.map((r) => r.run))].join(', ')}, ${from} .. ${to}); load it with: autoshift backfill ${file}\n`;
}
