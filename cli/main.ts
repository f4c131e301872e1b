#!/usr/bin/env node
/**
 * The `autoshift` command. Exit codes: 0 done, 2 bad input (scenario, options),
 * 1 a bug (printed with its stack trace).
 */
import { runCommand, runHelp } from './run-command.js';
import { validateCommand, validateHelp } from './validate-command.js';
import { compareCommand, compareHelp } from './compare-command.js';
import { sweepCommand, sweepHelp } from './sweep-command.js';
import { UsageError } from './args.js';
import { liveCommand, liveHelp } from './live-command.js';
import { allocatorCommand, intakeCommand, producerCommand, serviceHelp, workerCommand } from './service-commands.js';

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string; summary: string }> = {
  run: { run: runCommand, help: runHelp, summary: 'what-if run of a scenario on the embedded sim runtime' },
  validate: { run: validateCommand, help: validateHelp, summary: 'check a scenario file' },
  live: { run: liveCommand, help: liveHelp, summary: 'run a scenario on the live runtime (Kafka + Temporal)' },
  worker: { run: workerCommand, help: serviceHelp.worker, summary: 'live runtime: the Temporal worker of case workflows' },
  allocator: { run: allocatorCommand, help: serviceHelp.allocator, summary: 'live runtime: the allocator (grants units by policy)' },
  intake: { run: intakeCommand, help: serviceHelp.intake, summary: 'live runtime: starts a case workflow per demand event' },
  producer: { run: producerCommand, help: serviceHelp.producer, summary: 'live runtime: publishes the seeded demand to Kafka' },
  compare: { run: compareCommand, help: compareHelp, summary: 'compare allocation policies on the same seeds (paired, common random numbers)' },
  sweep: { run: sweepCommand, help: sweepHelp, summary: 'what-if grid over scenario fields (e.g. staffing levels), cheapest cell meeting the SLA' },
};

export function registerCommand(name: string, run: (argv: string[]) => Promise<number>, help: string, summary: string): void {
  commands[name] = { run, help, summary };
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return `autoshift — simulate and staff the operations of a small business

Usage: autoshift <command> [options]     (autoshift <command> --help for its options)

Commands:
${Object.entries(commands).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`).join('\n')}

Example:
  autoshift run scenarios/invoice-office.yaml --replications 8
`;
}

/** Errors a user can fix: printed without a stack trace, exit code 2. */
const USER_ERRORS = new Set(['ScenarioError', 'UsageError', 'PolicyError']);

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') { process.stdout.write('autoshift 0.1.0\n'); return 0; }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`unknown command '${name}' (expected one of: ${Object.keys(commands).join(', ')})`);
    return await command.run(rest);
  } catch (err) {
    const e = err as Error;
    if (USER_ERRORS.has(e.name)) {
      const lines = e.message.split('\n');
      process.stderr.write(lines.length === 1
        ? `autoshift ${name}: ${lines[0]}\n`
        : `autoshift ${name}: ${lines.length} problems:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
      return 2;
    }
    process.stderr.write(`autoshift ${name}: internal error (a bug; please report it with the command and scenario)\n${e.stack ?? e.message}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
