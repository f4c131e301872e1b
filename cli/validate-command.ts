/** `autoshift validate <scenario>`: checks a scenario and prints what it holds. */
import { parseArgs } from './args.js';
import { UsageError } from '../model/errors.js';
import { loadScenario } from './load-scenario.js';
import { resolvePolicy } from './policy-loader.js';
import { formatDuration } from '../model/units.js';

export const validateHelp = `Usage: autoshift validate <scenario.yaml> [--set PATH=VALUE ...]

Checks a scenario against docs/scenario.schema.json and its cross-references
(steps, pools, skills, branch probabilities), and whether a case can finish:
a rework loop taken with probability 1, a step only always-failing bots can
do, a skill with no unit on duty within the horizon are errors where no case
can finish and warnings where some cannot; so is an onBotFailure that hands
an exception to a step bots can also do. Prints a short description (and the
warnings) and exits 0 if it is valid; otherwise prints each problem with its file, line,
field path and what is expected, and exits 2.
`;

export async function validateCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { set: { value: true, repeat: true }, help: {} });
  if (flags.help) {
    process.stdout.write(validateHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one scenario file: autoshift validate <scenario.yaml>');
  const warnings: string[] = [];
  const s = loadScenario(positionals[0], (flags.set as string[]) ?? [], undefined, (w) => warnings.push(w));
  await resolvePolicy(s);
  const steps = s.processes.reduce((n, p) => n + p.steps.length, 0);
  const units = s.pools.reduce((n, p) => n + p.size, 0);
  process.stdout.write(
    `${positionals[0]}: valid — "${s.name}": ${s.processes.length} processes, ${steps} steps, ${s.skills.length} queues, ${s.pools.length} pools (${units} units), ${s.disruptions.length} disruptions; horizon ${formatDuration(s.horizon)}, warm-up ${formatDuration(s.warmup)}, policy ${s.policy.module ?? s.policy.name}, seed ${s.seed}\n`,
  );
  for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
  return 0;
}
