/** Every kind of scenario error names the file, the line, the field path and what is expected. */
import { describe, it, expect } from 'vitest';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { ScenarioError, type ScenarioIssue } from '../../model/errors.js';
import { policyNames } from '../../allocation/registry.js';

const base = `name: errors
horizon: 10d
pools:
  clerks:
    kind: human
    size: 2
    skills: [review]
  bot:
    kind: bot
    size: 1
    skills: [extract]
processes:
  invoice:
    sla: 4h
    start: extract
    steps:
      extract:
        skill: extract
        duration: { dist: exponential, mean: 2m }
        next: review
      review:
        skill: review
        duration: { dist: exponential, mean: 5m }
demand:
  invoice: { rate: 6/h }
`;

function issuesOf(text: string, readCompanion?: (p: string) => string): ScenarioIssue[] {
  try {
    compileScenario(parseScenarioText(text, 'scenarios/x.yaml'), { knownPolicies: policyNames(), readCompanion });
  } catch (err) {
    expect((err as Error).name).toBe('ScenarioError');
    return (err as ScenarioError).issues;
  }
  throw new Error('expected the scenario to be rejected');
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('scenario errors', () => {
  it('accepts the base scenario', () => {
    expect(() => compileScenario(parseScenarioText(base, 'x.yaml'))).not.toThrow();
  });

  const cases: { what: string; edit: (t: string) => string; path: string; message: RegExp; lineNeedle: string }[] = [
    {
      what: 'an unknown key',
      edit: (t) => t.replace('    size: 2', '    size: 2\n    sise: 3'),
      path: 'pools.clerks.sise',
      message: /unknown key 'sise' \(expected one of: kind, size, skills/,
      lineNeedle: 'sise',
    },
    {
      what: 'a malformed duration',
      edit: (t) => t.replace('sla: 4h', 'sla: 4 hours'),
      path: 'processes.invoice.sla',
      message: /expected a duration like 90s, 20m, 4h, 2d or 1w.*got "4 hours"/,
      lineNeedle: 'sla:',
    },
    {
      what: 'a malformed rate',
      edit: (t) => t.replace('rate: 6/h', 'rate: 6 per hour'),
      path: 'demand.invoice.rate',
      message: /expected a rate like 8\/h/,
      lineNeedle: 'rate:',
    },
    {
      what: 'a wrong type',
      edit: (t) => t.replace('size: 2', 'size: two'),
      path: 'pools.clerks.size',
      message: /expected an integer, got "two"/,
      lineNeedle: 'size: two',
    },
    {
      what: 'a negative number',
      edit: (t) => t.replace('size: 2', 'size: -1'),
      path: 'pools.clerks.size',
      message: /expected a number >= 0, got -1/,
      lineNeedle: 'size: -1',
    },
    {
      what: 'a missing field',
      edit: (t) => t.replace('    sla: 4h\n', ''),
      path: 'processes.invoice',
      message: /missing field 'sla'/,
      lineNeedle: '  invoice:',
    },
    {
      what: 'an unknown pool kind',
      edit: (t) => t.replace('kind: bot', 'kind: robot'),
      path: 'pools.bot',
      message: /'kind' to be one of: human, bot/,
      lineNeedle: '  bot:',
    },
    {
      what: 'an unknown distribution',
      edit: (t) => t.replace('dist: exponential, mean: 5m', 'dist: weibull, mean: 5m'),
      path: 'processes.invoice.steps.review.duration',
      message: /one of: constant, exponential, lognormal/,
      lineNeedle: 'weibull',
    },
    {
      what: 'a missing distribution parameter',
      edit: (t) => t.replace('dist: exponential, mean: 5m', 'dist: lognormal, mean: 5m'),
      path: 'processes.invoice.steps.review.duration',
      message: /missing field 'sd'/,
      lineNeedle: 'lognormal',
    },
    {
      what: 'an unknown step in next',
      edit: (t) => t.replace('next: review', 'next: reveiw'),
      path: 'processes.invoice.steps.extract.next',
      message: /unknown step 'reveiw' \(expected one of: extract, review, or end\)/,
      lineNeedle: 'next: reveiw',
    },
    {
      what: 'an unknown start step',
      edit: (t) => t.replace('start: extract', 'start: scan'),
      path: 'processes.invoice.start',
      message: /unknown step 'scan'/,
      lineNeedle: 'start: scan',
    },
    {
      what: 'branch probabilities not summing to 1',
      edit: (t) => t.replace('next: review', 'next: { branch: [{ to: review, p: 0.5 }, { to: end, p: 0.3 }] }'),
      path: 'processes.invoice.steps.extract.next.branch',
      message: /sum to 1, got 0.8/,
      lineNeedle: 'branch',
    },
    {
      what: 'a probability above 1',
      edit: (t) => t.replace('next: review', 'next: { branch: [{ to: review, p: 1.5 }] }'),
      path: 'processes.invoice.steps.extract.next.branch[0].p',
      message: /expected a probability between 0 and 1, got 1.5/,
      lineNeedle: 'branch',
    },
    {
      what: 'a skill no pool has',
      edit: (t) => t.replace('skill: review', 'skill: approval'),
      path: 'processes.invoice.steps.review.skill',
      message: /no pool has skill 'approval'/,
      lineNeedle: 'skill: approval',
    },
    {
      what: 'a bot failure sent to a step no person can do',
      edit: (t) => t.replace('        next: review', '        onBotFailure: extract\n        next: review'),
      path: 'processes.invoice.steps.extract.onBotFailure',
      message: /no human pool has/,
      lineNeedle: 'onBotFailure',
    },
    {
      what: 'demand for an unknown process',
      edit: (t) => t.replace('  invoice: { rate', '  invoices: { rate'),
      path: 'demand.invoices',
      message: /unknown process 'invoices' \(expected one of: invoice\)/,
      lineNeedle: 'invoices:',
    },
    {
      what: 'a disruption of an unknown pool',
      edit: (t) => `${t}disruptions:\n  - { kind: outage, pool: ocr, start: 2d, duration: 4h }\n`,
      path: 'disruptions[0].pool',
      message: /unknown pool 'ocr' \(expected one of: clerks, bot\)/,
      lineNeedle: 'pool: ocr',
    },
    {
      what: 'an absence of bots',
      edit: (t) => `${t}disruptions:\n  - { kind: absence, pool: bot, units: 1, start: 2d, duration: 4h }\n`,
      path: 'disruptions[0].pool',
      message: /is a bot pool/,
      lineNeedle: 'absence',
    },
    {
      what: 'an unknown disruption kind',
      edit: (t) => `${t}disruptions:\n  - { kind: flood, start: 2d, duration: 4h }\n`,
      path: 'disruptions[0]',
      message: /'kind' to be one of: outage, absence, surge, slowdown/,
      lineNeedle: 'flood',
    },
    {
      what: 'a bad distribution parameter',
      edit: (t) => t.replace('dist: exponential, mean: 5m', 'dist: triangular, min: 5m, mode: 2m, max: 9m'),
      path: 'processes.invoice.steps.review.duration',
      message: /min <= mode <= max/,
      lineNeedle: 'triangular',
    },
    {
      what: 'a warm-up longer than the horizon',
      edit: (t) => t.replace('horizon: 10d', 'horizon: 10d\nwarmup: 12d'),
      path: 'warmup',
      message: /shorter than the horizon/,
      lineNeedle: 'warmup',
    },
    {
      what: 'an unknown policy',
      edit: (t) => t.replace('horizon: 10d', 'horizon: 10d\npolicy: fastest'),
      path: 'policy',
      message: /unknown policy 'fastest' \(expected one of: static/,
      lineNeedle: 'policy',
    },
    {
      what: 'a 23-item hour-of-day profile',
      edit: (t) => t.replace('{ rate: 6/h }', `{ rate: 6/h, hourOfDay: [${new Array(23).fill(1).join(', ')}] }`),
      path: 'demand.invoice.hourOfDay',
      message: /exactly 24 items, got a list of 23/,
      lineNeedle: 'hourOfDay',
    },
    {
      what: 'both a rate and an inter-arrival distribution',
      edit: (t) => t.replace('{ rate: 6/h }', '{ rate: 6/h, interarrival: { dist: constant, value: 10m } }'),
      path: 'demand.invoice.interarrival',
      message: /either 'rate' \(Poisson arrivals\) or 'interarrival' \(renewal arrivals\), not both/,
      lineNeedle: 'interarrival',
    },
    {
      what: 'neither a rate nor an inter-arrival distribution',
      edit: (t) => t.replace('{ rate: 6/h }', '{ hourOfDay: [' + new Array(24).fill(1).join(', ') + '] }'),
      path: 'demand.invoice',
      message: /expected 'rate' \(e.g. 8\/h\), 'interarrival'/,
      lineNeedle: 'hourOfDay',
    },
    {
      what: 'an inter-arrival distribution of mean 0',
      edit: (t) => t.replace('{ rate: 6/h }', '{ interarrival: { dist: constant, value: 0 } }'),
      path: 'demand.invoice.interarrival',
      message: /mean above 0/,
      lineNeedle: 'interarrival',
    },
    {
      what: 'a step with no skill',
      edit: (t) => t.replace('        skill: review\n', ''),
      path: 'processes.invoice.steps.review',
      message: /missing field 'skill' \(or gateway: true for a routing point that takes no unit\)/,
      lineNeedle: '      review:',
    },
    {
      what: 'a gateway step with a skill',
      edit: (t) => t.replace('        skill: review\n', '        gateway: true\n        skill: review\n'),
      path: 'processes.invoice.steps.review.skill',
      message: /a gateway step takes no unit and no time \(expected no 'skill' beside gateway: true\)/,
      lineNeedle: 'skill: review',
    },
    {
      what: 'a parallel branch that never reaches its join',
      edit: (t) =>
        t
          .replace('next: review', 'next: { parallel: [review, review], join: extract }')
          .replace('duration: { dist: exponential, mean: 5m }', 'duration: { dist: exponential, mean: 5m }\n        next: review'),
      path: 'processes.invoice.steps.extract.next.parallel[0]',
      message: /never reaches the join step/,
      lineNeedle: 'parallel',
    },
  ];

  for (const c of cases) {
    it(`names the field, file and line of ${c.what}`, () => {
      const text = c.edit(base);
      const issues = issuesOf(text);
      const issue = issues.find((i) => i.path === c.path);
      expect(issue, `issues: ${JSON.stringify(issues)}`).toBeDefined();
      expect(issue!.message).toMatch(c.message);
      expect(issue!.file).toBe('scenarios/x.yaml');
      expect(issue!.line).toBe(lineOf(text, c.lineNeedle));
    });
  }

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf(base.replace('    size: 2', '    size: [2'));
    expect(issues[0].message).toMatch(/not valid YAML/);
    expect(issues[0].line).toBeGreaterThan(0);
  });

  it('reports every problem at once, in line order', () => {
    const issues = issuesOf(base.replace('size: 2', 'size: -2').replace('rate: 6/h', 'rate: fast'));
    expect(issues.map((i) => i.path)).toEqual(['pools.clerks.size', 'demand.invoice.rate']);
  });

  it('names the line of a bad replay CSV row', () => {
    const text = base.replace('{ rate: 6/h }', '{ replay: arrivals.csv }');
    const issues = issuesOf(text, () => 'time\n60\n120\nsoon\n');
    expect(issues[0]).toMatchObject({ file: 'arrivals.csv', line: 4 });
    expect(issues[0].message).toMatch(/expected an arrival time/);
  });
});
