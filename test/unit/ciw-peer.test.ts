/**
 * Abandonment, finite queues and priority classes next to a peer nobody here
 * wrote: Ciw (PyPI, in bench/peers/.venv, installed by bench/peers/setup.sh on
 * first use), whose reneging, queue capacities and priority classes are the
 * same models. The same queue in both, several replications each: the
 * difference of the means is within the 99% band of the two estimates.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { scenarioFrom, runMany } from '../helpers/scenario.js';
import { estimate, type Estimate } from '../../simulator/summarize.js';
import { ensurePythonPeers, runPeerJson } from '../helpers/python-peers.js';

const DAY = 86_400;
let python = '';
beforeAll(() => {
  python = ensurePythonPeers();
}, 900_000);

const ciw = (model: string, reps: number, days: number, warmupDays: number, params: object): Record<string, number>[] =>
  runPeerJson(python, 'ciw_queueing.py', [model, String(reps), String(days * DAY), String(warmupDays * DAY), JSON.stringify(params)]).replications;

/** The two estimates agree: their difference within 2.6 standard errors of it (99%), from the 95% half-widths. */
function agree(ours: Estimate, peer: Estimate, what: string) {
  const band = (2.6 / 1.96) * Math.hypot(ours.ci95, peer.ci95);
  expect(Math.abs(ours.mean - peer.mean), `${what}: autoshift ${ours.mean} ± ${ours.ci95}, Ciw ${peer.mean} ± ${peer.ci95}`).toBeLessThan(band);
}

const of = (rows: Record<string, number>[], k: string) => estimate(rows.map((r) => r[k]));

describe('against Ciw', () => {
  it('reneging: M/M/4+M, P(abandon) and the waits of served and abandoned calls', () => {
    const s = scenarioFrom(`
name: Erlang A
seed: 12
horizon: 30d
warmup: 2d
sampleEvery: 1d
pools: { agents: { kind: human, size: 4, skills: [phone] } }
processes:
  call: { sla: 1h, start: answer, steps: { answer: { skill: phone, duration: { dist: exponential, mean: 6m }, patience: { dist: exponential, mean: 5m } } } }
demand: { call: { rate: 36/h } }
`);
    const ours = runMany(s, 8).map((r) => r.processes.call);
    const peer = ciw('erlang-a', 8, 30, 2, { c: 4, lam: 36 / 3600, mu: 1 / 360, theta: 1 / 300 });
    agree(estimate(ours.map((p) => p.abandonmentRate!)), of(peer, 'abandonmentRate'), 'abandonment rate');
    agree(estimate(ours.map((p) => p.servedWaitMeanSeconds!)), of(peer, 'servedWait'), 'wait of the served');
    agree(estimate(ours.map((p) => p.abandonedWaitMeanSeconds!)), of(peer, 'abandonedWait'), 'wait of the abandoned');
  }, 300_000);

  it('queue capacity: M/M/2 with 3 waiting places, blocking rate and wait of the admitted', () => {
    const s = scenarioFrom(`
name: M/M/2/5
seed: 13
horizon: 30d
warmup: 2d
sampleEvery: 1d
pools: { agents: { kind: human, size: 2, skills: [work] } }
queues: { work: { capacity: 3 } }
processes:
  job: { sla: 8h, start: serve, steps: { serve: { skill: work, duration: { dist: exponential, mean: 10m } } } }
demand: { job: { rate: 15/h } }
`);
    const ours = runMany(s, 8).map((r) => r.processes.job);
    const peer = ciw('mmck', 8, 30, 2, { c: 2, capacity: 3, lam: 15 / 3600, mu: 1 / 600 });
    agree(estimate(ours.map((p) => p.blockingRate!)), of(peer, 'blockingRate'), 'blocking rate');
    agree(estimate(ours.map((p) => p.waitMeanSeconds)), of(peer, 'wait'), 'wait of the admitted');
  }, 300_000);

  it("priority classes: non-preemptive M/M/1 with two classes, each class's wait", () => {
    const s = scenarioFrom(`
name: two classes
seed: 14
horizon: 100d
warmup: 3d
sampleEvery: 1d
pools: { clerk: { kind: human, size: 1, skills: [work] } }
processes:
  urgent: { sla: 1h, priority: 1, start: serve, steps: { serve: { skill: work, duration: { dist: exponential, mean: 10m } } } }
  normal: { sla: 4h, start: serve, steps: { serve: { skill: work, duration: { dist: exponential, mean: 10m } } } }
demand: { urgent: { rate: 2/h }, normal: { rate: 2/h } }
`);
    const ours = runMany(s, 8);
    const peer = ciw('priority', 8, 100, 3, { lam: [2 / 3600, 2 / 3600], mu: 1 / 600 });
    agree(estimate(ours.map((r) => r.processes.urgent.waitMeanSeconds)), of(peer, 'highWait'), 'high class wait');
    agree(estimate(ours.map((r) => r.processes.normal.waitMeanSeconds)), of(peer, 'lowWait'), 'low class wait');
  }, 300_000);
});
