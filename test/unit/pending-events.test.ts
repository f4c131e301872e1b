/**
 * simulator/pending-events.ts: within one simulated moment, the live allocator takes events in the order
 * `sim` takes them, whatever order Kafka brought them in: a request right after the report that named it,
 * first at its moment when its report was applied already, and a batch's first requests in arrival order.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PendingEvents, type PendingEvent } from '../../simulator/pending-events.js';
import type { AnyEvent, TaskFinishedEvent, TaskRequestedEvent } from '../../protocol/topics.js';
import { loadScenario } from '../../cli/load-scenario.js';
import { ROOT } from '../helpers/cli.js';

const scenario = loadScenario(join(ROOT, 'test', 'fixtures', 'live-operations.yaml'));
const email = scenario.processes.findIndex((p) => p.id === 'email');
const start = scenario.processes[email].start;
const request = (caseNo: number, step = start, n = 0): TaskRequestedEvent =>
  ({ type: 'task.requested', taskId: `r.email.${caseNo}/${step}/${n}`, caseId: `r.email.${caseNo}`, processIndex: email, step, caseNo }) as TaskRequestedEvent;
const done = (taskId: string): TaskFinishedEvent => ({ type: 'task.done', taskId }) as TaskFinishedEvent;
const idOf = (e: AnyEvent) => (e as { taskId: string }).taskId;
const drain = (p: PendingEvents) => {
  const out: string[] = [];
  for (let e: PendingEvent | undefined; (e = p.shift());) out.push(`${e.at} ${idOf(e.ev)}`);
  return out;
};

describe('PendingEvents', () => {
  it('keeps time order, and within a moment the order events came in', () => {
    const p = new PendingEvents(scenario);
    p.add({ at: 20, ev: done('a/0/0') });
    p.add({ at: 10, ev: done('b/0/0') });
    p.add({ at: 20, ev: done('c/0/0') });
    expect(drain(p)).toEqual(['10 b/0/0', '20 a/0/0', '20 c/0/0']);
  });

  it("takes a batch's first requests in the order its cases arrived, not the order they came", () => {
    const p = new PendingEvents(scenario);
    p.add({ at: 5, ev: request(13) });
    p.add({ at: 5, ev: request(14) });
    p.add({ at: 5, ev: request(12) });
    // a later request of case 11 is no first request: it keeps its place
    p.add({ at: 5, ev: request(11, 2) });
    expect(drain(p).map((x) => x.split('/')[0])).toEqual(['5 r.email.12', '5 r.email.13', '5 r.email.14', '5 r.email.11']);
  });

  it('puts a named request right after its report, in the order the report named them', () => {
    const p = new PendingEvents(scenario);
    p.add({ at: 7, ev: done('a/0/0') });
    p.named('a/0/0', ['r.email.1/1/0', 'r.email.1/2/0']);
    p.add({ at: 7, ev: done('b/0/0') });
    p.add({ at: 7, ev: request(1, 2) });
    p.add({ at: 7, ev: request(1, 1) });
    expect(drain(p)).toEqual(['7 a/0/0', '7 r.email.1/1/0', '7 r.email.1/2/0', '7 b/0/0']);
  });

  it('puts a request whose report was applied first at its moment, before what was still waiting there', () => {
    const p = new PendingEvents(scenario);
    p.add({ at: 3, ev: done('x/0/0') });
    p.add({ at: 7, ev: request(14) });
    p.add({ at: 9, ev: done('y/0/0') });
    // case 13 was blocked at 7 (the allocator's own outcome): its overflow request goes before case 14's request
    p.named('r.email.13/0/0', ['r.email.13/2/0']);
    p.add({ at: 7, ev: request(13, 2) });
    expect(drain(p)).toEqual(['3 x/0/0', '7 r.email.13/2/0', '7 r.email.14/0/0', '9 y/0/0']);
  });
});
