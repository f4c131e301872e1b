/**
 * autoshift's errors: one hierarchy, in this one module (kafkajs'
 * `errors.js` is the model). Every error has a `retriable` flag (would trying
 * the same again help?) and may carry a `cause`; a `UserError` is one the user
 * fixes (a scenario, a flag, a policy's parameters, an input file): the CLI
 * prints its message without a stack trace and exits with code 2.
 *
 * Callers tell errors apart with the typed guards below, never by comparing
 * `name` strings at each call site. The guards also recognise an error by its
 * `name` when it crossed a boundary that drops its class (a worker thread's
 * message, a structured clone); where an error crosses into a Temporal
 * workflow, whose sandbox breaks `instanceof`, it becomes an
 * `ApplicationFailure` whose `type` is the error's name (protocol/bot-work.ts).
 *
 * ```ts
 * try { run(); } catch (err) {
 *   if (isUserError(err)) { console.error(err.message); return 2; }
 *   throw err;
 * }
 * ```
 */

/** The root of autoshift's errors. Subclasses set `name` and `retriable`. */
export abstract class AutoshiftError extends Error {
  /** true: the same call may succeed later (a broker was down); false: something must change first */
  abstract readonly retriable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An error in what the user gave (scenario, flags, policy parameters, an input file): message only, exit code 2. */
export abstract class UserError extends AutoshiftError {
  readonly retriable = false;
}

/** A problem in a scenario: where (file, line, field path) and what is expected. */
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

/** A scenario that cannot be run: the file must change. Its message shows the first 50 problems and counts the rest. */
export class ScenarioError extends UserError {
  override name = 'ScenarioError';
  constructor(readonly issues: ScenarioIssue[]) {
    const shown = issues.slice(0, MAX_SHOWN_ISSUES).map(formatIssue);
    if (issues.length > MAX_SHOWN_ISSUES) shown.push(`… and ${issues.length - MAX_SHOWN_ISSUES} more problems (the first ${MAX_SHOWN_ISSUES} are shown)`);
    super(shown.join('\n'));
  }
}

/** A command line that cannot be run: names the flag and what is expected. */
export class UsageError extends UserError {
  override name = 'UsageError';
}

/** Bad policy parameters, or a policy module that misbehaves; names the parameter or the module and what is expected. */
export class PolicyError extends UserError {
  override name = 'PolicyError';
}

/** A user's input that cannot be read (an event log, a BPMN model, its parameters): names the file, line or element. */
export class InputError extends UserError {
  override name = 'InputError';
}

/** A Kafka message that is not a valid event: the reason goes to the dead-letter topic. */
export class InvalidEventError extends AutoshiftError {
  override name = 'InvalidEventError';
  readonly retriable = false;
}

/** Another writer with the same transactional id took over: this one must stop writing. */
export class FencedError extends AutoshiftError {
  override name = 'FencedError';
  readonly retriable = false;
}

const USER_ERROR_NAMES: ReadonlySet<string> = new Set(['ScenarioError', 'UsageError', 'PolicyError', 'InputError']);

const named = (e: unknown, name: string): boolean => e instanceof Error && e.name === name;

/** An error the user fixes: print its message, exit 2. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError || (e instanceof Error && USER_ERROR_NAMES.has(e.name));
}

/** Whether trying the same again may help (false for anything not known to be retriable). */
export function isRetriable(e: unknown): boolean {
  return e instanceof AutoshiftError ? e.retriable : typeof (e as { retriable?: unknown })?.retriable === 'boolean' && (e as { retriable: boolean }).retriable;
}

export function isScenarioError(e: unknown): e is ScenarioError {
  return e instanceof ScenarioError || (named(e, 'ScenarioError') && Array.isArray((e as { issues?: unknown }).issues));
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError || named(e, 'InputError');
}

export function isInvalidEventError(e: unknown): e is InvalidEventError {
  return e instanceof InvalidEventError || named(e, 'InvalidEventError');
}

export function isFencedError(e: unknown): e is FencedError {
  return e instanceof FencedError || named(e, 'FencedError');
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
