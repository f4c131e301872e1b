/**
 * Case attributes and conditions against the attributes' own distributions:
 * a branch `when: amount > 10000` is taken by the fraction of cases that
 * P(lognormal > 10,000) gives (computed here from the normal CDF), a string
 * attribute's branch by its weight, and `durationScale: amount / 1000` makes
 * the mean service time 60 s × E[amount] / 1000. Plus: draws are keyed per
 * case (a second attribute or a policy changes none of the first's values),
 * and the event log carries them.
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom, runOnce } from '../helpers/scenario.js';
import type { TaskRecord } from '../../simulator/engine.js';
import { CaseDraws } from '../../simulator/case-draws.js';
import { EventLogWriter, attributeColumns } from '../../cli/event-log-writer.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Φ(x) by the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const MEAN = 6000,
  SD = 8000;
const office = (extra = '') =>
  scenarioFrom(`
name: amounts
seed: 7
horizon: 60d
pools: { clerks: { kind: human, size: 50, skills: [review, approval, web] } }
processes:
  invoice:
    sla: 2d
    start: review
    attributes:
      amount: { dist: lognormal, mean: ${MEAN}, sd: ${SD} }
      channel: { values: [web, phone], weights: [3, 1] }${extra}
    steps:
      review:
        skill: review
        duration: { dist: constant, value: 60s }
        durationScale: amount / 1000
        next:
          branch:
            - { to: approve, when: "amount > 10000" }
            - { to: web-check, when: "channel == 'web' and not (amount > 10000)" }
            - { to: end, p: 1 }
      approve: { skill: approval, duration: { dist: constant, value: 1m } }
      web-check: { skill: web, duration: { dist: constant, value: 1m } }
demand: { invoice: { rate: 20/h } }
`);

function run(extra = '') {
  const tasks: TaskRecord[] = [];
  const figures = runOnce(office(extra), 0, undefined, (r) => tasks.push(r));
  return { figures, tasks };
}

describe('case attributes and branch conditions', () => {
  const { figures, tasks } = run();
  const cases = figures.steps['invoice/review'].completed;

  it('a branch on amount > 10000 is taken with the lognormal probability mass above 10,000', () => {
    const sigma2 = Math.log1p((SD / MEAN) ** 2);
    const mu = Math.log(MEAN) - sigma2 / 2;
    const p = 1 - normalCdf((Math.log(10_000) - mu) / Math.sqrt(sigma2));
    const seen = figures.steps['invoice/approve'].completed / cases;
    expect(cases).toBeGreaterThan(25_000);
    // binomial: 4 standard errors
    expect(Math.abs(seen - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / cases));
  });

  it('a string attribute with weights [3, 1] sends 3/4 of the other cases to the web check', () => {
    const sigma2 = Math.log1p((SD / MEAN) ** 2);
    const mu = Math.log(MEAN) - sigma2 / 2;
    const p = 0.75 * normalCdf((Math.log(10_000) - mu) / Math.sqrt(sigma2));
    const seen = figures.steps['invoice/web-check'].completed / cases;
    expect(Math.abs(seen - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / cases));
  });

  it('durationScale: amount / 1000 makes the mean service 60 s × E[amount] / 1000', () => {
    const theory = (60 * MEAN) / 1000;
    const se = (60 * SD) / 1000 / Math.sqrt(cases);
    expect(Math.abs(figures.steps['invoice/review'].serviceMeanSeconds - theory)).toBeLessThan(4 * se);
  });

  it('each case keeps one set of attributes, and its tasks agree with them', () => {
    const byCase = new Map<string, TaskRecord[]>();
    for (const t of tasks) byCase.set(t.caseId, [...(byCase.get(t.caseId) ?? []), t]);
    let checked = 0;
    for (const ts of byCase.values()) {
      const a = ts[0].attributes!;
      expect(ts.every((t) => t.attributes!.amount === a.amount && t.attributes!.channel === a.channel)).toBe(true);
      const review = ts.find((t) => t.activity === 'review')!;
      expect(review.end - review.start).toBeCloseTo(((a.amount as number) * 60) / 1000, 6);
      const approved = ts.some((t) => t.activity === 'approve');
      expect(approved).toBe((a.amount as number) > 10_000);
      if (++checked > 2000) break;
    }
  });

  it('attributes are keyed per case: declaring another attribute changes none of the others', () => {
    const scenario = office();
    const more = office('\n      region: { dist: uniform, min: 0, max: 9 }');
    const draws = new CaseDraws(7);
    for (let no = 0; no < 500; no++) {
      const kase = { process: 0, no };
      const a = draws.attributes(kase, scenario.processes[0])!;
      const b = draws.attributes(kase, more.processes[0])!;
      expect(b.slice(0, 2)).toEqual(a);
    }
  });

  it('the event log has a column per attribute, and XES trace attributes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attrs-'));
    const scenario = office();
    for (const file of ['log.csv', 'log.xes']) {
      const w = new EventLogWriter(join(dir, file), scenario.start, 0, true, 'amounts', attributeColumns(scenario));
      tasks.slice(0, 50).forEach((t) => w.write(t));
      w.close();
    }
    const csv = readFileSync(join(dir, 'log.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('case_id,process,activity,resource,pool,enqueue_time,start_time,end_time,outcome,replication,warmup,amount,channel');
    const row = csv[1].split(',');
    expect(Number(row[11])).toBe(tasks[0].attributes!.amount);
    expect(row[12]).toBe(tasks[0].attributes!.channel);
    const xes = readFileSync(join(dir, 'log.xes'), 'utf8');
    expect(xes).toMatch(/<float key="amount" value="[0-9.e+-]+"\/>\n    <string key="channel" value="(web|phone)"\/>/);
  });
});
