/**
 * `autoshift import`: BPMN models with each supported element (written for the
 * tests) and public Prosimos / Simod models; the imported scenario validates,
 * runs, and its steps and parameters match the model element by element (read
 * here from the files themselves). Bad input exits 2 naming the element.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { autoshift } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'autoshift-import-'));
const F = 'test/fixtures/bpmn';

function importAndRun(model: string, params?: string) {
  const out = join(dir, `${model.replace(/\W+/g, '-')}.yaml`);
  const r = autoshift(['import', `${F}/${model}`, ...(params ? [`${F}/${params}`] : []), '-o', out]);
  expect(r.code, r.stderr).toBe(0);
  const run = autoshift(['run', out, '--horizon', '7d', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const text = readFileSync(out, 'utf8');
  return { doc: parse(text), text, result: JSON.parse(run.stdout) };
}

/** task id → name and flows, read from the BPMN with plain regular expressions (not the importer's parser) */
function bpmnFacts(file: string) {
  const xml = readFileSync(`${F}/${file}`, 'utf8');
  const tasks = new Map<string, string>();
  for (const m of xml.matchAll(/<(?:bpmn:)?(?:task|userTask|serviceTask)\s([^>]*)>/g))
    tasks.set(/\bid="([^"]+)"/.exec(m[1])![1], /\bname="([^"]*)"/.exec(m[1])?.[1] ?? '');
  const flows = new Map<string, { source: string; target: string }>();
  for (const m of xml.matchAll(/<(?:bpmn:)?sequenceFlow\s[^>]*?id="([^"]+)"[^>]*?sourceRef="([^"]+)"[^>]*?targetRef="([^"]+)"/g))
    flows.set(m[1], { source: m[2], target: m[3] });
  return { tasks, flows };
}
const idOf = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');

describe('autoshift import: a model with every supported element', () => {
  it('imports steps, branches, a nested parallel split and join, a rework loop, durations, pools and arrivals', () => {
    const { doc, text, result } = importAndRun('claims.bpmn', 'claims.json');
    const steps = doc.processes.claims.steps;
    expect(doc.processes.claims.start).toBe('Register-claim');
    expect(Object.keys(steps).sort()).toEqual([
      'Ask-for-documents',
      'Assess-damage',
      'Check-policy',
      'Decide',
      'Fast-track',
      'Inspect',
      'Pay',
      'Register-claim',
      'Review-photos',
      'Review-report',
    ]);
    expect(steps['Register-claim'].next.branch).toEqual([
      { to: 'Fast-track', p: 0.3 },
      { to: 'Check-policy', p: 0.7 },
    ]);
    expect(steps['Check-policy'].next).toEqual({ parallel: ['Inspect', 'Assess-damage'], join: 'Decide' });
    expect(steps.Inspect.next).toEqual({ parallel: ['Review-photos', 'Review-report'], join: 'Decide' });
    for (const s of ['Review-photos', 'Review-report', 'Assess-damage']) expect(steps[s].next).toBe('Decide');
    // the rework loop, and the inclusive gateway taken as exclusive: 0.8 × 0.9 to Pay, 0.8 × 0.1 to the end
    expect(steps.Decide.next.branch).toEqual([
      { to: 'Ask-for-documents', p: 0.2 },
      { to: 'Pay', p: 0.72 },
      { to: 'end', p: 0.08 },
    ]);
    expect(steps['Ask-for-documents'].next).toBe('Decide');
    expect(steps.Pay.next).toBeUndefined();
    // durations: fix, expon, uniform, lognorm (mean, variance), gamma (mean, variance), norm → gamma
    expect(steps['Register-claim'].duration).toEqual({ dist: 'constant', value: 30 });
    expect(steps['Fast-track'].duration).toEqual({ dist: 'exponential', mean: 300 });
    expect(steps['Check-policy'].duration).toEqual({ dist: 'uniform', min: 60, max: 120 });
    expect(steps['Review-photos'].duration).toEqual({ dist: 'lognormal', mean: 600, sd: 200 });
    expect(steps['Review-report'].duration).toEqual({ dist: 'gamma', mean: 900, sd: 300 });
    expect(steps['Assess-damage'].duration).toEqual({ dist: 'gamma', mean: 1200, sd: 300 });
    // pools: sizes are the amounts, costs their weighted mean, the calendar a shift; a bot by name
    expect(doc.pools['Claims-clerks']).toMatchObject({
      kind: 'human',
      size: 4,
      costPerHour: 31.5,
      shifts: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }],
    });
    expect(doc.pools['RPA-bot']).toMatchObject({ kind: 'bot', size: 2, costPerHour: 2 });
    expect(doc.pools['RPA-bot'].skills.sort()).toEqual(['Check-policy', 'Pay', 'Register-claim']);
    // arrivals: mean inter-arrival 900 s in the calendar's hours
    expect(doc.demand.claims.rate).toBe('4/h');
    expect(doc.demand.claims.dayOfWeek).toEqual([1, 1, 1, 1, 1, 0, 0]);
    expect(doc.demand.claims.hourOfDay.indexOf(1)).toBe(8);
    expect(doc.demand.claims.hourOfDay.lastIndexOf(1)).toBe(17);
    // nothing dropped silently: each element the format cannot express is named
    for (const w of [
      /intermediateCatchEvent 'timer_wait'/,
      /inclusiveGateway 'or_notify'/,
      /batch_processing: not imported/,
      /task 't_assess': durations differ per resource/,
      /task 't_assess': duration: a normal distribution/,
    ])
      expect(text).toMatch(w);
    expect(result.processes.claims.completed.mean).toBeGreaterThan(50);
  });
});

describe('autoshift import: public Prosimos and Simod models', () => {
  it('Prosimos PurchasingExampleQBP (older parameters): every task a step, every branching probability and duration mean as in the JSON', () => {
    const { doc } = importAndRun('prosimos-PurchasingExampleQBP.bpmn', 'prosimos-PurchasingExampleQBP.json');
    const { tasks, flows } = bpmnFacts('prosimos-PurchasingExampleQBP.bpmn');
    const params = JSON.parse(readFileSync(`${F}/prosimos-PurchasingExampleQBP.json`, 'utf8'));
    const proc = Object.values<any>(doc.processes)[0];
    expect(Object.keys(proc.steps).length).toBe(tasks.size);
    for (const name of tasks.values()) expect(proc.steps[idOf(name)], name).toBeDefined();
    // each gateway's probability on the step that leads into the gateway, to the task its flow reaches
    // (through converging gateways, which have one way out or in)
    const forward = (node: string): string => {
      let n = node;
      while (!tasks.has(n)) n = [...flows.values()].find((f) => f.source === n)!.target;
      return n;
    };
    const backward = (node: string): string => {
      let n = node;
      while (!tasks.has(n)) n = [...flows.values()].find((f) => f.target === n)!.source;
      return n;
    };
    for (const [gateway, probabilities] of Object.entries<any>(params.gateway_branching_probabilities)) {
      const step = proc.steps[idOf(tasks.get(backward(gateway))!)];
      const expected = new Map<string, number>();
      for (const [flow, p] of Object.entries<any>(probabilities)) {
        const to = idOf(tasks.get(forward(flows.get(flow)!.target))!);
        expected.set(to, (expected.get(to) ?? 0) + Number(p));
      }
      for (const [to, p] of expected) {
        const option = step.next.branch.find((o: any) => o.to === to);
        expect(option, `${gateway} → ${to}`).toBeDefined();
        expect(option.p).toBeCloseTo(p, 5);
      }
    }
    // durations: the scipy.stats parameters' mean (shape parameters first, then loc and scale)
    for (const [task, byResource] of Object.entries<any>(params.task_resource_distribution)) {
      const d: any = Object.values(byResource)[0];
      const p = d.distribution_params;
      const mean = (
        {
          expon: () => p[0] + p[1],
          uniform: () => p[0] + p[1] / 2,
          norm: () => p[0],
          fix: () => p[0],
          gamma: () => p[1] + p[0] * p[2],
          lognorm: () => p[1] + p[2] * Math.exp((p[0] * p[0]) / 2),
          triang: () => p[1] + (p[2] * (1 + p[0])) / 3,
        } as Record<string, () => number>
      )[d.distribution_name]();
      const got = proc.steps[idOf(tasks.get(task)!)].duration;
      const gotMean = got.dist === 'constant' ? got.value : got.dist === 'uniform' ? (got.min + got.max) / 2 : got.mean;
      expect(gotMean, `${tasks.get(task)} (${d.distribution_name})`).toBeCloseTo(mean, 3);
    }
    // pools: one per resource profile, its size the number of resources
    for (const profile of Object.values<any>(params.resource_profiles)) expect(doc.pools[idOf(profile.name)].size).toBe(profile.resource_list.length);
  });

  it('Prosimos AND_join (current parameters): the parallel split right after the start event, all six branches, from a gateway step', () => {
    const { doc } = importAndRun('prosimos-AND_join.bpmn', 'prosimos-AND_join.json');
    expect(doc.pools.Resource.size).toBe(10);
    const proc = doc.processes.Process_1;
    expect(Object.keys(proc.steps).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'Gateway_1qxlzmi']);
    expect(proc.start).toBe('Gateway_1qxlzmi');
    expect(proc.steps.Gateway_1qxlzmi.gateway).toBe(true);
    expect(proc.steps.Gateway_1qxlzmi.skill).toBeUndefined();
    expect([...proc.steps.Gateway_1qxlzmi.next.parallel].sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(proc.steps.Gateway_1qxlzmi.next.join).toBe('G');
  });

  it('Prosimos padua example: a choice right after the start event, and a choice into a parallel split, as gateway steps', () => {
    const { doc } = importAndRun('prosimos-padua.bpmn', 'prosimos-padua.json');
    const proc = Object.values<any>(doc.processes)[0];
    const start = proc.steps[proc.start];
    expect(start.gateway).toBe(true);
    expect(start.next.branch.map((o: any) => [o.to, o.p])).toEqual([
      ['Create-Purchase-Requisition', 0.73],
      ['Create-Purchase-Order', 0.27],
    ]);
    const intoSplit = proc.steps['Create-Purchase-Order'].next.branch.map((o: any) => o.to).filter((to: string) => proc.steps[to]?.gateway);
    expect(intoSplit).toHaveLength(1);
    expect(proc.steps[intoSplit[0]].next).toEqual({ parallel: ['Record-Goods-Receipt', 'Record-Invoice-Receipt'], join: 'Clear-Invoice' });
  });

  it("Prosimos' histogram_sampling (pix-framework's observations histogram): an empirical of the bins' midpoints with their probabilities", () => {
    const params = JSON.parse(readFileSync(`${F}/prosimos-AND_join.json`, 'utf8'));
    const histogram = { distribution_name: 'histogram_sampling', histogram_data: { cdf: [0.25, 0.25, 1], bin_midpoints: [60, 120, 180] } };
    params.arrival_time_distribution = histogram;
    params.task_resource_distribution[0].resources[0] = { ...params.task_resource_distribution[0].resources[0], ...histogram };
    writeFileSync(join(dir, 'histogram.json'), JSON.stringify(params));
    const out = join(dir, 'histogram.yaml');
    const r = autoshift(['import', `${F}/prosimos-AND_join.bpmn`, join(dir, 'histogram.json'), '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(readFileSync(out, 'utf8'));
    expect(doc.processes.Process_1.steps.B.duration).toEqual({ dist: 'empirical', values: [60, 180], weights: [0.25, 0.75] });
    // arrivals: Poisson with the histogram's mean inter-arrival time, 0.25 × 60 + 0.75 × 180 = 150 s
    expect(doc.demand.Process_1.rate).toBe('24/h');
    expect(readFileSync(out, 'utf8')).toMatch(
      /arrival_time_distribution: empirical inter-arrival times; the scenario's arrivals are Poisson with the same mean \(150s\)/,
    );
  });

  it('Simod LoanApp_simplified (no parameters): the three-way parallel split and its join', () => {
    const { doc, text } = importAndRun('simod-LoanApp_simplified.bpmn');
    const steps = Object.values<any>(doc.processes)[0].steps;
    expect(steps['Check-application-form-completeness'].next.parallel.sort()).toEqual(['AML-check', 'Appraise-property', 'Check-credit-history']);
    expect(steps['Check-application-form-completeness'].next.join).toBe('Assess-loan-risk');
    expect(steps['Assess-loan-risk'].next.branch.map((o: any) => o.to).sort()).toEqual(['Design-loan-offer', 'Reject-application']);
    expect(text).toMatch(/no branching probabilities: each of its 2 paths gets 1\/2/);
  });
});

describe('autoshift import: bad input', () => {
  it.each([
    [
      'malformed XML',
      'bad.bpmn',
      '<?xml version="1.0"?>\n<definitions>\n  <process id="p">\n    <task id="a">\n  </process>\n</definitions>\n',
      /bad\.bpmn:5: malformed XML/,
    ],
    [
      'a model with no process',
      'empty.bpmn',
      '<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><collaboration id="c"/></definitions>\n',
      /empty\.bpmn: <definitions> has no <process> element/,
    ],
  ])('%s: exit 2, naming the file and the element', (_what, name, xml, message) => {
    const file = join(dir, name);
    writeFileSync(file, xml);
    const r = autoshift(['import', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('parameters naming a task that is not in the model: exit 2, naming the task', () => {
    const params = JSON.parse(readFileSync(`${F}/claims.json`, 'utf8'));
    params.task_resource_distribution.push({ task_id: 'Activity_ghost', resources: [] });
    const file = join(dir, 'ghost.json');
    writeFileSync(file, JSON.stringify(params));
    const r = autoshift(['import', `${F}/claims.bpmn`, file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ghost\.json: task_resource_distribution: task 'Activity_ghost' is not a task of .*claims\.bpmn/);
  });

  it('a branching probability on a flow the gateway does not have: exit 2, naming both', () => {
    const params = JSON.parse(readFileSync(`${F}/claims.json`, 'utf8'));
    params.gateway_branching_probabilities[0].probabilities[0].path_id = 'f99';
    const file = join(dir, 'flow.json');
    writeFileSync(file, JSON.stringify(params));
    const r = autoshift(['import', `${F}/claims.bpmn`, file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'f99' is not an outgoing flow of gateway 'x_triage'/);
  });
});
