/**
 * A bad value given on the command line is blamed on the flag that gave it
 * (issue 8, item 10), not on the line of the scenario it replaced.
 */
import { describe, it, expect } from 'vitest';
import { autoshift } from '../helpers/cli.js';

const scenario = 'scenarios/invoice-office.yaml';

describe('flag values are blamed on the flag', () => {
  it.each([
    [
      ['run', scenario, '--set', 'pools.clerks.size=abc'],
      /^autoshift run: --set pools\.clerks\.size=abc: pools\.clerks\.size: expected an integer, got "abc"$/m,
    ],
    [['run', scenario, '--seed', '1e20'], /^autoshift run: --seed 1e20: seed: expected a number <= 4294967295/m],
    [['run', scenario, '--horizon', '0s'], /--horizon 0s: horizon: expected a duration above 0/],
    [['validate', scenario, '--set', 'pools.clerks.sise=3'], /^autoshift validate: --set pools\.clerks\.sise=3: pools\.clerks\.sise: unknown key 'sise'/m],
    [['run', scenario, '--set', 'pools.clerkz.size=3'], /^autoshift run: --set pools\.clerkz\.size=3: pools\.clerkz\.size: no field 'clerkz'/m],
    [['compare', scenario, '--policies', 'static,reactive', '--set', 'demand.invoice.rate=fast'], /--set demand\.invoice\.rate=fast: demand\.invoice/],
  ])('%j', (args, expected) => {
    const r = autoshift(args as string[]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(expected as RegExp);
    expect(r.stderr).not.toMatch(/invoice-office\.yaml:\d+: (pools\.clerks\.size|seed|horizon):/);
  });
});
