/**
 * model/errors.ts: one hierarchy; the guards tell errors apart by class, and
 * by name once the class is lost (an error sent back by a worker thread).
 */
import { describe, expect, it } from 'vitest';
import {
  AutoshiftError,
  FencedError,
  InputError,
  InvalidEventError,
  PolicyError,
  ScenarioError,
  UsageError,
  isFencedError,
  isInputError,
  isInvalidEventError,
  isRetriable,
  isScenarioError,
  isUserError,
} from '../../model/errors.js';

describe('errors', () => {
  it("user errors are the ones a user fixes; none of autoshift's own errors is retriable", () => {
    const issue = { file: 'a.yaml', line: 3, path: 'pools.x.size', message: 'expected a number' };
    const users = [new ScenarioError([issue]), new UsageError('--x: expected'), new PolicyError('p'), new InputError('log.csv:2: bad')];
    for (const e of users) {
      expect(e).toBeInstanceOf(AutoshiftError);
      expect(isUserError(e), e.name).toBe(true);
      expect(isRetriable(e)).toBe(false);
    }
    for (const e of [new InvalidEventError('not JSON'), new FencedError('fenced'), new Error('bug'), 'text', undefined]) {
      expect(isUserError(e)).toBe(false);
      expect(isRetriable(e)).toBe(false);
    }
    expect(new ScenarioError([issue]).message).toBe('a.yaml:3: pools.x.size: expected a number');
    const cause = new Error('root');
    expect(new InputError('wrapped', { cause }).cause).toBe(cause);
  });

  it('the guards recognise an error by name when its class was lost on the way (a worker thread)', () => {
    const lost = (name: string, extra: object = {}) => Object.assign(new Error('m'), { name }, extra);
    expect(isUserError(lost('ScenarioError'))).toBe(true);
    expect(isUserError(lost('PolicyError'))).toBe(true);
    expect(isScenarioError(lost('ScenarioError', { issues: [] }))).toBe(true);
    expect(isScenarioError(lost('ScenarioError'))).toBe(false); // no issues: not usable as one
    expect(isInputError(lost('InputError'))).toBe(true);
    expect(isInvalidEventError(lost('InvalidEventError'))).toBe(true);
    expect(isFencedError(lost('FencedError'))).toBe(true);
    expect(isFencedError(lost('InvalidEventError'))).toBe(false);
  });
});
