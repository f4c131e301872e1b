/**
 * Files that would exhaust the reader (issue 8, item 11): an alias bomb, a
 * 100,000-deep nesting, thousands of unknown keys, duplicate keys: each is a
 * clean ScenarioError (the CLI's exit code 2), and a message shows at most the
 * first 50 problems with a count of the rest. How the time grows with the size
 * of the file is measured in bench/validate-scaling.ts (not a test: no clocks here).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { ScenarioError, MAX_SHOWN_ISSUES } from '../../model/errors.js';
import { policyNames } from '../../allocation/registry.js';
import { ROOT } from '../helpers/cli.js';

function errorOf(text: string): ScenarioError {
  try {
    compileScenario(parseScenarioText(text, 'x.yaml'), { knownPolicies: policyNames() });
  } catch (err) {
    expect((err as Error).name, (err as Error).stack).toBe('ScenarioError');
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('hostile scenario files are clean errors', () => {
  it('an alias bomb ("billion laughs")', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const e = errorOf(lines.join('\n'));
    expect(e.message).toMatch(/x\.yaml: its YAML aliases \(\*name\) expand to too much data/);
  });

  it('a 100,000-deep nesting of lists and a 3,000-deep nesting of mappings', () => {
    expect(errorOf(`name: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`).message).toMatch(/nested too deeply to read/);
    expect(errorOf(Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')).message).toMatch(/nested too deeply to read/);
  });

  it('a key given twice names both the key and its second line', () => {
    const e = errorOf('name: a\nseed: 1\nname: b\n');
    expect(e.issues).toEqual([{ file: 'x.yaml', line: 3, path: '', message: "the key 'name' is given twice in the same mapping (keys must be unique)" }]);
  });

  it('20,000 unknown keys: every one found with its line; the message shows the first 50 and counts the rest', () => {
    const base = readFileSync(join(ROOT, 'scenarios', 'invoice-office.yaml'), 'utf8');
    const baseLines = base.split('\n').length - (base.endsWith('\n') ? 1 : 0);
    const e = errorOf(`${base}${Array.from({ length: 20_000 }, (_, i) => `junk${i}: ${i}`).join('\n')}\n`);
    expect(e.issues).toHaveLength(20_000);
    expect(e.issues[19_999]).toMatchObject({ line: baseLines + 20_000, path: 'junk19999' });
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(MAX_SHOWN_ISSUES + 1);
    expect(MAX_SHOWN_ISSUES).toBe(50);
    expect(lines[0]).toMatch(new RegExp(`^x\\.yaml:${baseLines + 1}: junk0: unknown key 'junk0'`));
    expect(lines[50]).toBe('… and 19950 more problems (the first 50 are shown)');
  });
});
