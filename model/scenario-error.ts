/**
 * Errors in a scenario: each names the file, the line, the field path and what
 * is expected. The CLI prints them and exits with code 2.
 */

export interface ScenarioIssue {
  file: string;
  /** 1-based line in the file, 0 if unknown */
  line: number;
  /** field path, e.g. `pools.clerks.size` or `disruptions[0].start` */
  path: string;
  message: string;
}

export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  const path = issue.path ? `${issue.path}: ` : '';
  return `${where}: ${path}${issue.message}`;
}

/** Problems shown in a message; the rest are counted (the first ones are what to fix first). */
export const MAX_SHOWN_ISSUES = 50;

/** A scenario that cannot be run. `retriable` is false: the file must change. Its message shows the first 50 problems and counts the rest. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  readonly retriable = false;
  constructor(readonly issues: ScenarioIssue[]) {
    const shown = issues.slice(0, MAX_SHOWN_ISSUES).map(formatIssue);
    if (issues.length > MAX_SHOWN_ISSUES) shown.push(`… and ${issues.length - MAX_SHOWN_ISSUES} more problems (the first ${MAX_SHOWN_ISSUES} are shown)`);
    super(shown.join('\n'));
  }
}

/** Display form of a path given as segments: ['pools', 'clerks', 'size'] → pools.clerks.size; numbers as [i]. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}
