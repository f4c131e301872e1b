/**
 * Errors in a scenario: each names the file, the line, the field path and what
 * is expected. The CLI prints them and exits with code 2. The error classes
 * live in model/errors.ts (one hierarchy); this module formats paths.
 */

export { MAX_SHOWN_ISSUES, ScenarioError, formatIssue, type ScenarioIssue } from './errors.js';

/** Display form of a path given as segments: ['pools', 'clerks', 'size'] → pools.clerks.size; numbers as [i]. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}
