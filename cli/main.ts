#!/usr/bin/env node
/**
 * The `autoshift` command. Exit codes: 0 done, 2 bad input (scenario, options),
 * 1 a bug (printed with its stack trace).
 *
 * Commands are loaded lazily: `validate` and `run` never load the Kafka or
 * Temporal clients. To add a command, add one entry to `commands` below whose
 * `load` imports its module and returns its `(argv) => Promise<exit code>`.
 */
import { UsageError, isUserError } from '../model/errors.js';

type CommandRun = (argv: string[]) => Promise<number>;
interface CommandEntry {
  summary: string;
  load: () => Promise<CommandRun>;
}

const commands: Record<string, CommandEntry> = {
  run: { summary: 'what-if run of a scenario on the embedded sim runtime', load: async () => (await import('./run-command.js')).runCommand },
  validate: { summary: 'check a scenario file', load: async () => (await import('./validate-command.js')).validateCommand },
  compare: {
    summary: 'compare allocation policies on the same seeds (paired, common random numbers)',
    load: async () => (await import('./compare-command.js')).compareCommand,
  },
  sweep: {
    summary: 'what-if grid over scenario fields (e.g. staffing levels), cheapest cell meeting the SLA',
    load: async () => (await import('./sweep-command.js')).sweepCommand,
  },
  policy: {
    summary: 'check a policy module: shape, determinism, constraints it relies on, decision time',
    load: async () => (await import('./policy-command.js')).policyCommand,
  },
  report: {
    summary: 'render a saved --json result (run, live, compare, sweep) as an HTML report with charts',
    load: async () => (await import('./report-command.js')).reportCommand,
  },
  discover: {
    summary: 'discover a scenario from an event log (CSV or XES); --check compares it with the log',
    load: async () => (await import('./discover-command.js')).discoverCommand,
  },
  optimise: {
    summary: 'cheapest staffing (or any design) whose targets hold at 95% confidence, from an Erlang C start',
    load: async () => (await import('./optimise-command.js')).optimiseCommand,
  },
  import: {
    summary: 'import a BPMN 2.0 model (with Prosimos/Simod parameters) as a scenario',
    load: async () => (await import('./import-command.js')).importCommand,
  },
  'experiment-worker': {
    summary: 'runs replications of experiments started with --on temporal, on this machine',
    load: async () => (await import('./experiment-worker-command.js')).experimentWorkerCommand,
  },
  live: { summary: 'run a scenario on the live runtime (Kafka + Temporal)', load: async () => (await import('./live-command.js')).liveCommand },
  worker: { summary: 'live runtime: the Temporal worker of case workflows', load: async () => (await import('./service-commands.js')).workerCommand },
  allocator: { summary: 'live runtime: the allocator (grants units by policy)', load: async () => (await import('./service-commands.js')).allocatorCommand },
  intake: { summary: 'live runtime: starts a case workflow per demand event', load: async () => (await import('./service-commands.js')).intakeCommand },
  'kafka-acls': {
    summary: "live runtime on an authenticated broker: create a run's topics and its services' ACLs",
    load: async () => (await import('./kafka-acls-command.js')).kafkaAclsCommand,
  },
  backfill: {
    summary: "load a what-if run's OpenMetrics export into the local Prometheus (dashboards)",
    load: async () => (await import('./backfill-command.js')).backfillCommand,
  },
  producer: { summary: 'live runtime: publishes the seeded demand to Kafka', load: async () => (await import('./service-commands.js')).producerCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return `autoshift — simulate and staff the operations of a small business

Usage: autoshift <command> [options]     (autoshift <command> --help for its options)

Commands:
${Object.entries(commands)
  .map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Example:
  autoshift run scenarios/invoice-office.yaml --replications 8
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write('autoshift 0.1.0\n');
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command '${name}' (expected one of: ${Object.keys(commands).join(', ')})`);
    const run = await command.load();
    return await run(rest);
  } catch (err) {
    const e = err as Error;
    // errors a user can fix (model/errors.ts): printed without a stack trace, exit code 2
    if (isUserError(e)) {
      const lines = e.message.split('\n');
      const count = (e as { issues?: unknown[] }).issues?.length ?? lines.length;
      process.stderr.write(
        lines.length === 1 ? `autoshift ${name}: ${lines[0]}\n` : `autoshift ${name}: ${count} problems:\n${lines.map((l) => `  ${l}`).join('\n')}\n`,
      );
      return 2;
    }
    process.stderr.write(`autoshift ${name}: internal error (a bug; please report it with the command and scenario)\n${e.stack ?? e.message}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
