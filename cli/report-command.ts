/**
 * `autoshift report RESULT.json -o FILE.html`: renders a saved result
 * document (`run --json`, `live --json`, `compare --json` or `sweep --json`)
 * as an HTML report, so a run made elsewhere, or a live run, can be reported
 * later.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from './args.js';
import { UsageError } from '../model/errors.js';
import { reportPath, writeReport } from './report-file.js';
import { renderReport, reportKindOf } from '../report/index.js';

export const reportHelp = `Usage: autoshift report <result.json> -o <report.html>

Renders a saved result document as one self-contained HTML report with
charts: no network, opens from disk in any browser, prints on A4 or Letter.
The kind is read from the document:

  autoshift run ... --json --timeseries > result.json     a run report (live --json too)
  autoshift compare ... --json > compare.json            a policy comparison
  autoshift sweep ... --json > sweep.json                a what-if grid
  autoshift optimise ... --json > optimise.json          an optimisation

(without --timeseries a run report has its tables and cycle-time chart but no
charts over time). The charts and how to read them: docs/report.md.

Options:
  -o, --out FILE.html   where to write the report (required)
`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(
    argv.map((a) => (a === '-o' ? '--out' : a)),
    { out: { value: true }, help: {} },
  );
  if (flags.help) {
    process.stdout.write(reportHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one result document: autoshift report <result.json> -o <report.html>');
  const out = reportPath(flags.out, '--out');
  if (out === undefined) throw new UsageError('-o: expected the report file to write, like -o report.html');
  const file = positionals[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); expected a result document written by --json`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message}); expected a result document written by run, live, compare or sweep --json`);
  }
  const kind = reportKindOf(doc);
  if (typeof kind !== 'string') throw new UsageError(`${file}: ${kind.problem}`);
  writeReport(out, await renderReport(doc));
  return 0;
}
