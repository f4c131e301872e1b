/**
 * `autoshift import <model.bpmn> [params.json] -o <scenario.yaml>`: a BPMN 2.0
 * process, with Prosimos/Simod simulation parameters when given, as a scenario.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Document, isSeq, visit } from '#yaml';
import { parseArgs } from './args.js';
import { UsageError } from '../model/errors.js';
import { readBpmn } from '../discovery/bpmn-model.js';
import { readProsimosParams } from '../discovery/prosimos-params.js';
import { importBpmn } from '../discovery/bpmn-import.js';
import { InputError } from '../discovery/log-error.js';
import { loadScenario } from './load-scenario.js';
import { DEFAULT_BOTS } from './discover-command.js';

export const importHelp = `Usage: autoshift import <model.bpmn> [params.json] -o <scenario.yaml> [options]

Imports a BPMN 2.0 process model as a scenario: tasks become steps, exclusive
gateways probabilistic branches, parallel gateways splits and joins (nested),
loops stay loops, start and end events the case's start and end. With a
Prosimos / Simod simulation parameters file (JSON), its arrival distribution
and calendar, branching probabilities, task durations and resource profiles
(with calendars and costs) are imported too. Whatever the scenario format
cannot express (inclusive gateways, timer and message events, per-resource
durations, batching, case attributes, …) is listed as a warning at the top of
the scenario, each with the element's id and what was done instead.
See docs/discover.md.

Options:
  -o, --output FILE   write the scenario here (default: print it)
  --bots REGEX        resource profiles whose name matches are bot pools (default: bot, rpa, ocr, system)
`;

export async function importCommand(argv: string[]): Promise<number> {
  const args = argv.map((a) => (a === '-o' ? '--output' : a));
  const { positionals, flags } = parseArgs(args, { output: { value: true }, bots: { value: true }, help: {} });
  if (flags.help) {
    process.stdout.write(importHelp);
    return 0;
  }
  if (positionals.length < 1 || positionals.length > 2)
    throw new UsageError('expected a BPMN model and optionally its parameters: autoshift import <model.bpmn> [params.json] -o <scenario.yaml>');
  const [modelFile, paramsFile] = positionals;
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`${file}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  let bots: RegExp;
  try {
    bots = new RegExp(typeof flags.bots === 'string' ? flags.bots : DEFAULT_BOTS, 'i');
  } catch (e) {
    throw new UsageError(`--bots: expected a regular expression, got ${JSON.stringify(flags.bots)} (${(e as Error).message})`);
  }
  const model = readBpmn(read(modelFile, 'BPMN model'), modelFile);
  const params = paramsFile ? readProsimosParams(read(paramsFile, 'simulation parameters'), paramsFile) : null;
  const { scenario, warnings } = importBpmn(model, params, { file: modelFile, paramsFile, bots });
  const header = [
    `# Imported by \`autoshift import\` from ${modelFile}${paramsFile ? ` and ${paramsFile}` : ''} (process '${model.id}').`,
    '# horizon and sla are not in a BPMN model: set them. Durations are in seconds.',
    ...warnings.map((w) => `# warning: ${w}`),
  ].join('\n');
  // lists of scalars (skills, days, profiles, branch entries' fields) on one line, as in the bundled scenarios
  const doc = new Document(scenario);
  visit(doc, {
    Seq(_, node) {
      if (isSeq(node) && node.items.every((i: any) => i && typeof i.value !== 'object')) node.flow = true;
    },
  });
  visit(doc, {
    Map(_, node) {
      if (node.items.length <= 4 && node.items.every((i: any) => i.value && typeof i.value.value !== 'object' && !i.value.items)) node.flow = true;
    },
  });
  const text = `${header}\n${doc.toString({ lineWidth: 0 })}`;
  const output = typeof flags.output === 'string' ? flags.output : undefined;
  if (!output) {
    process.stdout.write(text);
    return 0;
  }
  writeFileSync(output, text);
  loadScenario(output);
  process.stderr.write(
    `${output}: ${Object.keys(Object.values<any>(scenario.processes)[0].steps).length} steps, ${Object.keys(scenario.pools).length} pools${warnings.length ? `; ${warnings.length} warning(s), listed at the top of the file` : ''}\n`,
  );
  return 0;
}
