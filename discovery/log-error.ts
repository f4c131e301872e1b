/**
 * A user's input that cannot be read (an event log, a BPMN model, its
 * parameters): the message names the file, the line or element, and what is
 * expected. The CLI prints it without a stack trace and exits with code 2.
 */
export class InputError extends Error {
  override name = 'InputError';
  readonly retriable = false;
  constructor(message: string) {
    super(message);
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}
