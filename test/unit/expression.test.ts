/** The expression language of `when` and `durationScale`: what it reads, what it rejects, and how a scenario reports a bad one. */
import { describe, it, expect } from 'vitest';
import { ExpressionError, evaluate, parseExpression, type AttributeType } from '../../model/expression.js';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import type { ScenarioError } from '../../model/errors.js';

const attrs: AttributeType[] = [
  { name: 'amount', type: 'number' },
  { name: 'channel', type: 'string' },
];
const value = (text: string, values: (number | string)[]) => evaluate(parseExpression(text, attrs).expr, values);
const errorOf = (text: string): ExpressionError => {
  try {
    parseExpression(text, attrs);
  } catch (err) {
    return err as ExpressionError;
  }
  throw new Error(`no error for ${text}`);
};

describe('expressions', () => {
  it('compares, combines and computes with the usual precedence', () => {
    expect(value('amount > 10000', [12_000, 'web'])).toBe(true);
    expect(value('amount >= 10000 and channel == "web"', [10_000, 'web'])).toBe(true);
    expect(value("amount < 5 or channel != 'web'", [10, 'phone'])).toBe(true);
    expect(value('not amount <= 3', [4, 'web'])).toBe(true);
    expect(value('not (amount > 3 and channel == "web") or false', [4, 'web'])).toBe(false);
    expect(value('1 + 2 * amount / 4 - -1', [10, 'x'])).toBe(7);
    expect(value('(1 + 2) * 3', [0, 'x'])).toBe(9);
    expect(value('amount / 1e3', [2500, 'x'])).toBe(2.5);
    expect(value('true and not false', [0, 'x'])).toBe(true);
  });

  it('gives each expression its type', () => {
    expect(parseExpression('amount / 1000', attrs).type).toBe('number');
    expect(parseExpression('channel', attrs).type).toBe('string');
    expect(parseExpression('amount > 1 or channel == "a"', attrs).type).toBe('boolean');
  });

  it('rejects what is not in the language, naming the column', () => {
    expect(errorOf('amount > ').message).toMatch(/unexpected the end/);
    expect(errorOf('amount = 5')).toMatchObject({ column: 8 });
    expect(errorOf('amount = 5').message).toMatch(/expected '==' to compare/);
    expect(errorOf('amount > 5 && channel == "web"').message).toMatch(/expected and, or, not/);
    expect(errorOf('total > 5')).toMatchObject({ column: 1 });
    expect(errorOf('total > 5').message).toMatch(/unknown attribute 'total'.*amount, channel/);
    expect(errorOf('channel > 5').message).toMatch(/'>' expects a number, got a string/);
    expect(errorOf('channel == 5').message).toMatch(/one type/);
    expect(errorOf('amount and true').message).toMatch(/'and' expects a boolean/);
    expect(errorOf('(amount > 5').message).toMatch(/expected '\)'/);
    expect(errorOf('"web').message).toMatch(/unterminated string/);
    expect(errorOf('1 < amount < 5').message).toMatch(/do not chain/);
    expect(errorOf('process.exit(1)').message).toMatch(/unexpected '\.'/);
    expect(errorOf('amount > 5 channel').message).toMatch(/expected an operator or the end/);
  });
});

const scenario = (branch: string, extra = '') => `name: e
horizon: 1d
pools: { p: { kind: human, size: 1, skills: [s] } }
processes:
  invoice:
    sla: 1h
    start: a
    attributes:
      amount: { dist: exponential, mean: 100 }${extra}
    steps:
      a:
        skill: s
        duration: { dist: constant, value: 1m }
        next:
          branch:
${branch}
      b: { skill: s, duration: { dist: constant, value: 1m } }
demand: { invoice: { rate: 1/h } }
`;

function issuesOf(text: string) {
  try {
    compileScenario(parseScenarioText(text, 'scenarios/x.yaml'));
  } catch (err) {
    return (err as ScenarioError).issues;
  }
  return [];
}

describe('attributes and conditions in a scenario', () => {
  it('an unreadable when: names the file, line, field and column', () => {
    const issues = issuesOf(scenario('            - { to: b, when: "amount >> 5" }\n            - { to: end, p: 1 }'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'scenarios/x.yaml', line: 16, path: 'processes.invoice.steps.a.next.branch[0].when' });
    expect(issues[0].message).toMatch(/cannot read a condition "amount >> 5" at column 9: unexpected '>'/);
  });

  it('a condition that is not true/false, and a branch with no entry for when none holds, are errors', () => {
    expect(issuesOf(scenario('            - { to: b, when: "amount * 2" }\n            - { to: end, p: 1 }'))[0].message).toMatch(
      /expected a condition .*got an expression giving a number/,
    );
    expect(issuesOf(scenario('            - { to: b, when: "amount > 2" }\n            - { to: end, when: "amount <= 2" }'))[0].message).toMatch(
      /expected an entry with 'p' too/,
    );
    expect(issuesOf(scenario('            - { to: b, when: "amount > 2", p: 0.5 }\n            - { to: end, p: 1 }'))[0].message).toMatch(
      /'when' .* or 'p' .*, not both/,
    );
    expect(issuesOf(scenario('            - { to: b, when: "amount > 2" }\n            - { to: end, p: 0.5 }'))[0].message).toMatch(
      /sum to 1 \(over the entries without 'when'\)/,
    );
  });

  it('attribute names and string weights are checked', () => {
    expect(issuesOf(scenario('            - { to: end, p: 1 }', '\n      and: { dist: exponential, mean: 1 }'))[0].message).toMatch(/cannot name an attribute/);
    expect(issuesOf(scenario('            - { to: end, p: 1 }', '\n      pool: { values: [a] }'))[0].message).toMatch(/is a column of the event log/);
    expect(issuesOf(scenario('            - { to: end, p: 1 }', '\n      channel: { values: [a, b], weights: [1] }'))[0].message).toMatch(/expected 2 weights/);
  });
});
