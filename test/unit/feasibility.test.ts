/**
 * Models that can never finish a case are found before anything runs
 * (issue 8, item 6): static analysis of the step graph, the pools and their
 * shift calendars. Errors where no case can finish, warnings where some cannot.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { analyseFeasibility } from '../../model/feasibility.js';
import { formatPath } from '../../model/errors.js';
import { ROOT } from '../helpers/cli.js';

const scenario = (pools: string, steps: string, horizon = '10d') =>
  compileScenario(
    parseScenarioText(
      `name: f
horizon: ${horizon}
pools:
${pools}
processes:
  invoice:
    sla: 4h
    start: extract
    steps:
${steps}
demand:
  invoice: { rate: 6/h }
`,
      'f.yaml',
    ),
  );

const POOLS = `  clerks: { kind: human, size: 2, skills: [review, audit] }
  bot: { kind: bot, size: 1, skills: [extract], failureRate: 0.2 }`;
const extract = (extra = '') => `      extract:
        skill: extract
        duration: { dist: exponential, mean: 2m }
        next: review${extra}`;
const review = (branch: string) => `      review:
        skill: review
        duration: { dist: exponential, mean: 5m }
        next:
          branch:
${branch}`;
const found = (s: ReturnType<typeof scenario>) => {
  const { errors, warnings } = analyseFeasibility(s);
  return { errors: errors.map((e) => `${formatPath(e.path)}: ${e.message}`), warnings: warnings.map((w) => `${formatPath(w.path)}: ${w.message}`) };
};

describe('can a case finish?', () => {
  it('a rework loop with p: 1 is an error, named at the loop', () => {
    const r = found(scenario(POOLS, `${extract()}\n${review('            - { to: review, p: 1 }\n            - { to: end, p: 0 }')}`));
    expect(r.errors).toEqual([
      expect.stringMatching(
        /^processes\.invoice\.steps\.review: no case of process 'invoice' can ever finish: at step 'review', every way on from it leads back to it/,
      ),
    ]);
  });

  it('a rework loop with p < 1 is fine', () => {
    expect(found(scenario(POOLS, `${extract()}\n${review('            - { to: review, p: 0.3 }\n            - { to: end, p: 0.7 }')}`))).toEqual({
      errors: [],
      warnings: [],
    });
  });

  it('a bot step with failureRate 1 and no onBotFailure, only bots able to do it, is an error', () => {
    const r = found(scenario(POOLS.replace('failureRate: 0.2', 'failureRate: 1'), `${extract()}\n${review('            - { to: end, p: 1 }')}`));
    expect(r.errors).toEqual([
      expect.stringMatching(/steps\.extract: .*every unit that can do it is a bot with failureRate 1 \(bot\) and the step has no onBotFailure/),
    ]);
  });

  it('the same with people who can also do the step: a warning that every bot try is wasted, not an error', () => {
    const pools = POOLS.replace('failureRate: 0.2', 'failureRate: 1').replace('skills: [review, audit]', 'skills: [review, audit, extract]');
    const r = found(scenario(pools, `${extract()}\n${review('            - { to: end, p: 1 }')}`));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([expect.stringMatching(/steps\.extract: bot pool bot always fails this step \(failureRate 1\) and it has no onBotFailure/)]);
  });

  it('a skill with no unit on duty within the horizon: an error on the main path, a warning on a side branch', () => {
    const weekend = POOLS.replace(
      '{ kind: human, size: 2, skills: [review, audit] }',
      '{ kind: human, size: 2, skills: [review, audit], shifts: [{ days: [sat, sun], from: "09:00", to: "17:00" }] }',
    );
    expect(found(scenario(weekend, `${extract()}\n${review('            - { to: end, p: 1 }')}`, '4d')).errors).toEqual([
      expect.stringMatching(/steps\.review: .*no pool with the skill 'review' \(clerks\) has a unit on duty within the horizon/),
    ]);
    // a week-long horizon reaches Saturday: fine
    expect(found(scenario(weekend, `${extract()}\n${review('            - { to: end, p: 1 }')}`, '7d')).errors).toEqual([]);
    const nobody = `${POOLS}\n  auditors: { kind: human, size: 0, skills: [vat] }`;
    const r = found(
      scenario(
        nobody,
        `${extract()}\n${review('            - { to: vat, p: 0.1 }\n            - { to: end, p: 0.9 }')}\n      vat:\n        skill: vat\n        duration: { dist: exponential, mean: 5m }`,
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^processes\.invoice\.steps\.vat: cases that reach this step can never finish: no pool with the skill 'vat' \(auditors\) has a unit on duty/,
      ),
    ]);
  });

  it('a parallel branch that never reaches its join stops the case', () => {
    const steps = `      extract:
        skill: extract
        duration: { dist: exponential, mean: 2m }
        next: { parallel: [review, audit], join: done }
${review('            - { to: review, p: 1 }\n            - { to: done, p: 0 }')}
      audit:
        skill: audit
        duration: { dist: exponential, mean: 2m }
      done:
        skill: audit
        duration: { dist: exponential, mean: 1m }`;
    expect(found(scenario(POOLS, steps)).errors).toEqual([expect.stringMatching(/steps\.review: no case .* leads back to it/)]);
  });

  it("onBotFailure to a step bots can also do is a warning; the bundled support desk sends its chatbot's failures to people", () => {
    const pools = POOLS.replace('skills: [extract]', 'skills: [extract, review]');
    const r = found(scenario(pools, `${extract('\n        onBotFailure: review')}\n${review('            - { to: end, p: 1 }')}`));
    expect(r.warnings).toEqual([
      expect.stringMatching(/steps\.extract\.onBotFailure: sends a bot's exception to step 'review', whose skill 'review' bots \(bot\) can also do/),
    ]);
    for (const f of ['invoice-office', 'online-shop', 'support-desk', 'outage-and-surge']) {
      const s = compileScenario(parseScenarioText(readFileSync(join(ROOT, 'scenarios', `${f}.yaml`), 'utf8'), f));
      expect(found(s), f).toEqual({ errors: [], warnings: [] });
    }
  });
});
