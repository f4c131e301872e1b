/**
 * A user's input that cannot be read (an event log, a BPMN model, its
 * parameters): the message names the file, the line or element, and what is
 * expected. The CLI prints it without a stack trace and exits with code 2.
 * The class is in model/errors.ts (one hierarchy).
 */
export { InputError, isInputError } from '../model/errors.js';
