import { describe, expect, it } from 'vitest';
import { DecisionBarrier, disruptionKey, type ScheduledEvent } from '../../simulator/decision-barrier.js';

const wallAt = (t: number) => t * 1000; // speed 1: simulated second t happens at wall ms t·1000
const options = { graceMs: 250, timeoutMs: 60_000, mayNotComeMs: 2000 };

describe('DecisionBarrier', () => {
  it('holds nothing when nothing is expected', () => {
    const b = new DecisionBarrier(options);
    expect(b.bound(0, wallAt)).toBe(Infinity);
  });

  it('holds the decisions before the earliest task end still missing', () => {
    const b = new DecisionBarrier(options);
    b.expectEnd('a', 50);
    b.expectEnd('b', 30);
    b.expectEnd('c', 70);
    expect(b.bound(0, wallAt)).toBe(30);
    b.reportIn('b', 30, undefined);
    expect(b.bound(0, wallAt)).toBe(50);
    b.endIn('c');
    expect(b.bound(0, wallAt)).toBe(50);
    b.endIn('a');
    expect(b.bound(0, wallAt)).toBe(Infinity);
    expect(b.awaitedEvents).toBe(0);
  });

  it('holds an arrival that may ask for nothing (a gateway first) until its request is in or its while has passed', () => {
    const schedule: ScheduledEvent[] = [
      { at: 10, caseId: 'r.p.0', mayNotCome: true },
      { at: 20, caseId: 'r.p.1', mayNotCome: true },
      { at: 30, caseId: 'r.p.2' },
    ];
    const b = new DecisionBarrier(options, schedule[Symbol.iterator]());
    // its request is in: the next arrival holds
    expect(b.bound(10_000, wallAt)).toBe(10);
    expect(b.requestIn('r.p.0', 'r.p.0/0/0', 10)).toBe(true);
    expect(b.bound(10_000, wallAt)).toBe(20);
    // no request: it holds up to 2 s of wall time past its moment, then the next one holds
    expect(b.bound(21_999, wallAt)).toBe(20);
    expect(b.bound(22_000, wallAt)).toBe(30);
    // an arrival that may not come is no overdue event; one that must come and does not, after the timeout, is
    expect(b.takeOverdue()).toEqual([]);
    expect(b.bound(30_000 + 60_001, wallAt)).toBe(Infinity);
    expect(b.takeOverdue()).toEqual([{ what: 'the first request of r.p.2', at: 30 }]);
  });

  it('holds each seeded arrival until its first request is in, in schedule order', () => {
    const schedule: ScheduledEvent[] = [
      { at: 10, caseId: 'r.p.0' },
      { at: 20, caseId: 'r.p.1' },
      { at: 25, disruption: disruptionKey(0, true) },
      { at: 40, caseId: 'r.p.2' },
    ];
    const b = new DecisionBarrier(options, schedule[Symbol.iterator]());
    expect(b.bound(0, wallAt)).toBe(10);
    // a request that comes in before the cursor reaches its arrival counts when it gets there
    b.requestIn('r.p.2', 'r.p.2/0/0', 40);
    b.requestIn('r.p.0', 'r.p.0/0/0', 10);
    expect(b.bound(0, wallAt)).toBe(20);
    b.requestIn('r.p.1', 'r.p.1/0/0', 20);
    expect(b.bound(0, wallAt)).toBe(25);
    b.disruptionIn(0, true, 25);
    expect(b.bound(0, wallAt)).toBe(Infinity);
  });

  it('holds the moment of a task end until the requests its report names are in, once per report', () => {
    const b = new DecisionBarrier(options);
    b.expectEnd('c/0/0', 30);
    b.expectEnd('d/0/0', 80);
    expect(b.bound(0, wallAt)).toBe(30);
    // the end is in, and the case will ask for two tasks at 30 (a parallel split)
    b.reportIn('c/0/0', 30, ['c/1/0', 'c/2/0']);
    expect(b.bound(0, wallAt)).toBe(30);
    // a duplicate of the report (at-least-once) awaits nothing again
    expect(b.requestIn('c', 'c/1/0', 30)).toBe(true);
    b.reportIn('c/0/0', 30, ['c/1/0', 'c/2/0']);
    expect(b.bound(0, wallAt)).toBe(30);
    expect(b.requestIn('c', 'c/2/0', 30)).toBe(true);
    expect(b.bound(0, wallAt)).toBe(80);
    // a request no report named and no arrival schedules: the caller holds its moment a grace if it came late
    expect(b.requestIn('c', 'c/3/0', 40)).toBe(false);
    // a report with no requests to follow (its path ends) releases its moment at once
    b.reportIn('d/0/0', 80, []);
    expect(b.bound(0, wallAt)).toBe(Infinity);
  });

  it('stops waiting for a named request that never comes, and says which', () => {
    const b = new DecisionBarrier(options);
    b.expectEnd('c/0/0', 30);
    b.reportIn('c/0/0', 30, ['c/1/0']);
    expect(b.bound(89_999, wallAt)).toBe(30);
    expect(b.bound(90_001, wallAt)).toBe(Infinity);
    expect(b.takeOverdue()).toEqual([{ what: 'the request of task c/1/0', at: 30 }]);
  });

  it('holds the moment of an event that came late for the grace, so what follows it at that moment is taken with it', () => {
    const b = new DecisionBarrier(options);
    // on time: its moment (5 s) is decided at 5 s + the 2 s settle, long after the grace
    b.arrived(5, 5_300, 7_000);
    expect(b.bound(5_300, wallAt)).toBe(Infinity);
    // late: it arrived at 6.9 s wall, its moment would be decided at 7 s
    b.arrived(5, 6_900, 7_000);
    expect(b.bound(7_000, wallAt)).toBe(5);
    expect(b.bound(7_149, wallAt)).toBe(5);
    expect(b.bound(7_151, wallAt)).toBe(Infinity);
  });

  it('stops waiting for an event that never comes, and says which', () => {
    const b = new DecisionBarrier(options, [{ at: 100, caseId: 'r.p.0' } as ScheduledEvent][Symbol.iterator]());
    b.expectEnd('t', 30);
    expect(b.bound(89_999, wallAt)).toBe(30);
    expect(b.takeOverdue()).toEqual([]);
    // 60 s past the end's wall instant (30 s): it no longer holds
    expect(b.bound(90_001, wallAt)).toBe(100);
    expect(b.takeOverdue()).toEqual([{ what: 'the end of task t', at: 30 }]);
    expect(b.bound(160_001, wallAt)).toBe(Infinity);
    expect(b.takeOverdue()).toEqual([{ what: 'the first request of r.p.0', at: 100 }]);
  });

  it('forgets requests of cases whose arrival the cursor has passed', () => {
    const many: ScheduledEvent[] = Array.from({ length: 3000 }, (_, i) => ({ at: 1000 + i, caseId: `r.p.${i}` }));
    const b = new DecisionBarrier(options, many[Symbol.iterator]());
    // later requests of cases that arrived before the cursor: never a first request of a scheduled arrival
    for (let i = 0; i < 5000; i++) b.requestIn(`old.${i}`, `old.${i}/1/0`, 500);
    for (let i = 0; i < 3000; i++) b.requestIn(`r.p.${i}`, `r.p.${i}/0/0`, 1000 + i);
    expect(b.bound(0, wallAt)).toBe(Infinity);
  });
});
