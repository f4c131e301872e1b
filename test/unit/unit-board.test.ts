/**
 * The unit board on its own, driven by hand: who takes a new item, what a
 * freed unit takes next, allocations with switch-over, capacity edges, and a
 * snapshot whose arrival history a policy cannot change.
 */
import { describe, it, expect } from 'vitest';
import { scenarioFrom } from '../helpers/scenario.js';
import type { Policy } from '../../allocation/policy.js';
import { UnitBoard, UnitState, type BoardItem } from '../../simulator/unit-board.js';

interface Item extends BoardItem {
  id: string;
}

const text = `
name: board
seed: 1
horizon: 7d
rebalanceEvery: 1h
pools:
  people: { kind: human, size: 2, skills: [a, b], costPerHour: 30, switchOver: 5m }
  bot: { kind: bot, size: 1, skills: [a], costPerHour: 2 }
processes:
  p:
    sla: 1h
    start: s
    steps:
      s: { skill: a, duration: { dist: constant, value: 10m }, next: t }
      t: { skill: b, duration: { dist: constant, value: 10m } }
demand:
  p: { rate: 1/h }
`;

/** A board with a hand clock; `assign` is what the policy answers next. */
function rig(
  assign: number[][] = [
    [0, 0],
    [0, 0],
  ],
  strict = false,
) {
  const scenario = scenarioFrom(text);
  const answer = { assign, strict };
  const policy: Policy = { name: 'hand', dispatch: 'fifo', decide: () => ({ assign: answer.assign, reason: 'test', strict: answer.strict }) };
  const clock = { now: 0 };
  const started: [string, number][] = [];
  const switching: [number, number][] = [];
  const board = new UnitBoard<Item>(scenario, {
    policy,
    clock,
    disruptions: 'schedule',
    host: { startWork: (item, u) => started.push([item.id, u]), switchOver: (u, until) => switching.push([u, until]) },
  });
  const item = (id: string): Item => ({ key: 0, seq: 0, id, enqueued: clock.now, deadline: clock.now + 3600 });
  for (const p of scenario.pools) board.shift(p.index);
  board.decide('start', true);
  return { board, clock, started, switching, item, answer };
}

describe('UnitBoard', () => {
  it('gives a new item to a free bot first, then to people; the rest wait in order', () => {
    const { board, item } = rig();
    const bot = board.unitName.indexOf('bot#1');
    expect(board.offer(item('x'), 0, 0, 0)).toBe(bot);
    const u = board.offer(item('y'), 0, 0, 0);
    expect(board.unitName[u]).toMatch(/^people#/);
    board.offer(item('z'), 0, 0, 0);
    expect(board.offer(item('w'), 0, 0, 0)).toBe(-1);
    expect(board.queues[0].size).toBe(1);
    // the bot frees and takes the waiting item
    expect(board.free(bot)?.id).toBe('w');
    expect(board.free(bot)).toBeNull();
    expect(board.unitState[bot]).toBe(UnitState.IDLE);
  });

  it('sets the queue order: FIFO key is the enqueue time, ties broken by arrival', () => {
    const { board, item, clock } = rig(
      [
        [0, 2],
        [0, 0],
      ],
      true,
    );
    clock.now = 3600; // people switch to b
    for (const id of ['x', 'y', 'z']) board.offer(item(id), 0, 0, 0);
    const waiting: Item[] = [];
    board.queues[0].forEach((t) => waiting.push(t));
    expect(waiting.map((t) => [t.id, t.key, t.seq])).toEqual([
      ['y', 3600, 1],
      ['z', 3600, 2],
    ]);
  });

  it('moves people between queues with the switch-over, and strict units serve only their queue', () => {
    const { board, clock, switching, started, item, answer } = rig();
    answer.assign = [
      [0, 1],
      [0, 0],
    ];
    answer.strict = true;
    clock.now = 3600;
    board.decide('periodic', true);
    expect(switching).toEqual([[0, 3600 + 300]]);
    expect(board.unitState[0]).toBe(UnitState.SWITCHING);
    // an a-item: the bot, then the flexible person; the strict b-unit never helps
    board.offer(item('a1'), 0, 0, 0);
    board.offer(item('a2'), 0, 0, 0);
    expect(board.offer(item('a3'), 0, 0, 0)).toBe(-1);
    clock.now = 3900;
    expect(board.switched(0)).toBeNull();
    board.offer(item('b1'), 1, 0, 1);
    expect(board.unitState[0]).toBe(UnitState.BUSY);
    expect(started).toEqual([]);
  });

  it('takes units off duty for an outage, busy ones after their task', () => {
    const scenario = scenarioFrom(`${text}disruptions:\n  - { kind: outage, pool: people, units: 2, start: 2h, duration: 1h }\n`);
    const policy: Policy = {
      name: 'hand',
      dispatch: 'fifo',
      decide: () => ({
        assign: [
          [0, 0],
          [0, 0],
        ],
        reason: 'test',
      }),
    };
    const clock = { now: 0 };
    const board = new UnitBoard<Item>(scenario, { policy, clock, disruptions: 'edges', host: { startWork: () => {}, switchOver: () => {} } });
    for (const p of scenario.pools) board.shift(p.index);
    board.decide('start', true);
    board.offer({ key: 0, seq: 0, id: 'b', enqueued: 0, deadline: 3600 }, 1, 0, 1);
    clock.now = 7200;
    board.disruption(0, true);
    expect(board.activeCount[0]).toBe(0);
    expect([...board.unitState.subarray(0, 2)].sort()).toEqual([UnitState.BUSY, UnitState.OFF]);
    const busy = board.unitState[0] === UnitState.BUSY ? 0 : 1;
    expect(board.free(busy)).toBeNull();
    expect(board.unitState[busy]).toBe(UnitState.OFF);
    clock.now = 10800;
    board.disruption(0, false);
    expect(board.activeCount[0]).toBe(2);
  });

  it('gives snapshots the arrival history without letting a policy change the board history', () => {
    const { board, clock, item } = rig();
    board.offer(item('x'), 0, 0, 0);
    clock.now = 3600;
    const { snapshot } = board.decide('periodic', true);
    const history = snapshot.queues[0].arrivalsHistory as number[];
    expect(history).toEqual([1]);
    history.push(5);
    history[0] = 99; // a careless policy
    clock.now = 7200;
    const next = board.decide('periodic', true).snapshot.queues[0].arrivalsHistory;
    expect(next).toEqual([1, 0]);
  });
});
