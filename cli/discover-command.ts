/**
 * `autoshift discover <log>`: a commented scenario discovered from an event
 * log (CSV or XES), and with --check a fidelity table of the discovered
 * scenario simulated against the log.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parseArgs } from './args.js';
import { UsageError } from '../model/errors.js';
import { readEventLog } from './read-event-log.js';
import { discoverScenario } from '../discovery/discover-scenario.js';
import { scenarioYaml } from '../discovery/scenario-yaml.js';
import type { ColumnOverrides, LogField } from '../discovery/log-event.js';
import { USUAL_COLUMNS } from '../discovery/log-event.js';
import { loadScenario } from './load-scenario.js';

export const DEFAULT_BOTS = '(^|[^a-z])(bot|rpa|ocr|system)([^a-z]|$)|bot';

export const discoverHelp = `Usage: autoshift discover <log.csv|log.xes> -o <scenario.yaml> [options]

Discovers a runnable scenario from an event log: arrivals (rate, hour-of-day and
day-of-week profiles), the step graph (sequences, branches with their
probabilities, rework loops, parallel split/join), durations per step (the best
of the scenario's distribution kinds by likelihood, by people and by bots),
pools (resources grouped by what they do, their size and shifts, bots and their
failure rates) and an SLA from the observed cycle times. Every figure in the
written scenario says what it was computed from. See docs/discover.md.

Columns are found by their usual names (case_id / case:concept:name, activity /
concept:name, start_time / start_timestamp, end_time / time:timestamp,
resource / org:resource, enable_time / enqueue_time, process, outcome) or named:

Options:
  -o, --output FILE      write the scenario here (default: print it)
  --case-column NAME     the case id column (XES: the trace attribute)
  --activity-column NAME the activity column
  --start-column NAME    the start timestamp column
  --end-column NAME      the end (completion) timestamp column
  --enable-column NAME   when a task became ready (optional)
  --resource-column NAME the resource column
  --process-column NAME  the process (kind of case) column (optional)
  --outcome-column NAME  a column saying a task failed (bot-failed, failed; optional)
  --process NAME         the process id for a log with one process (default: the log's file name)
  --bots REGEX           resources whose name matches are bots (default: bot, rpa, ocr, system)
  --sla-quantile Q       the SLA is this quantile of the cycle time (default 0.9)
  --replay               replay the observed arrivals (a CSV per process next to the scenario)
                         instead of a rate with profiles
  --check                simulate the discovered scenario over the log's period and print
                         how close it comes to the log (the exit status stays 0)
  --seed N               seed of the --check simulation (default 1)
`;

const FIELDS: LogField[] = Object.keys(USUAL_COLUMNS) as LogField[];

export async function discoverCommand(argv: string[]): Promise<number> {
  const args = argv.map((a) => (a === '-o' ? '--output' : a));
  const spec: Record<string, { value?: boolean }> = {
    output: { value: true },
    process: { value: true },
    bots: { value: true },
    'sla-quantile': { value: true },
    replay: {},
    check: {},
    seed: { value: true },
    help: {},
  };
  for (const f of FIELDS) spec[`${f}-column`] = { value: true };
  const { positionals, flags } = parseArgs(args, spec);
  if (flags.help) {
    process.stdout.write(discoverHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one event log: autoshift discover <log.csv|log.xes> -o <scenario.yaml>');
  const file = positionals[0];
  const columns: ColumnOverrides = {};
  for (const f of FIELDS) if (typeof flags[`${f}-column`] === 'string') columns[f] = flags[`${f}-column`] as string;
  let bots: RegExp;
  try {
    bots = new RegExp(typeof flags.bots === 'string' ? flags.bots : DEFAULT_BOTS, 'i');
  } catch (e) {
    throw new UsageError(`--bots: expected a regular expression, got ${JSON.stringify(flags.bots)} (${(e as Error).message})`);
  }
  const q = flags['sla-quantile'] === undefined ? 0.9 : Number(flags['sla-quantile']);
  if (!(q > 0 && q < 1)) throw new UsageError(`--sla-quantile: expected a number between 0 and 1, got ${JSON.stringify(flags['sla-quantile'])}`);
  const output = typeof flags.output === 'string' ? flags.output : undefined;
  if (flags.replay && !output) throw new UsageError('--replay writes arrival CSVs next to the scenario: give -o <scenario.yaml>');
  if (flags.check && !output) throw new UsageError('--check simulates the written scenario: give -o <scenario.yaml>');

  const stem = basename(file).replace(/\.(csv|xes)$/i, '');
  const profile = await readEventLog(file, columns, { bots, keepArrivals: !!flags.replay });
  const discovered = discoverScenario(profile, { processName: typeof flags.process === 'string' ? flags.process : stem, slaQuantile: q });
  const replay: Record<string, string> = {};
  if (flags.replay && output) {
    for (const p of discovered.processes) {
      const csv = join(dirname(output), `${basename(output).replace(/\.ya?ml$/i, '')}.${p.id}.arrivals.csv`);
      const lines = ['arrival', ...(p.arrivals ?? []).sort((a, b) => a - b).map((ms) => new Date(ms).toISOString())];
      writeFileSync(csv, lines.join('\n') + '\n');
      replay[p.id] = relative(dirname(output), csv);
    }
  }
  const yaml = scenarioYaml(discovered, { name: `Discovered from ${basename(file)}`, source: basename(file), replay: flags.replay ? replay : undefined });
  if (!output) {
    process.stdout.write(yaml);
    return 0;
  }
  writeFileSync(output, yaml);
  // the written scenario must load: a discovery that cannot be run is a bug, not the user's problem
  loadScenario(output);
  const steps = discovered.processes.reduce((a, p) => a + p.steps.length, 0);
  process.stderr.write(
    `${output}: ${discovered.processes.length} process${discovered.processes.length === 1 ? '' : 'es'}, ${steps} steps, ${discovered.pools.length} pools from ${profile.events.toLocaleString('en-US')} tasks${discovered.warnings.length ? `; ${discovered.warnings.length} warning(s), listed at the top of the file` : ''}\n`,
  );
  if (flags.check) {
    const seed = flags.seed === undefined ? 1 : Number(flags.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed: expected an integer >= 0, got ${JSON.stringify(flags.seed)}`);
    const { fidelityCheck } = await import('./fidelity-check.js');
    process.stdout.write(fidelityCheck(loadScenario(output, [`seed=${seed}`]), profile, { bots, discovered }));
  }
  return 0;
}
