/**
 * model/process-graph.ts, the walk both runtimes make, on graphs whose answers
 * are known by hand: revisits, reachability of a join, branch choice by the
 * cumulative probabilities, and the join's bookkeeping of parallel paths.
 */
import { describe, expect, it } from 'vitest';
import { CASE_ENDS, SPLIT, arrive, branchTarget, mayRevisit, nextStep, pathReaches, splitFrame, successors, tasksEntered } from '../../model/process-graph.js';
import type { Next, Step } from '../../model/scenario.js';
import type { Frame } from '../../model/process-graph.js';

const constant = { kind: 'constant', value: 1 } as const;
const step = (index: number, next: Next, onBotFailure = -1): Step => ({
  id: `s${index}`,
  index,
  key: `p/s${index}`,
  skill: 0,
  humanDuration: constant,
  botDuration: constant,
  onBotFailure,
  next,
});
const to = (s: number): Next => ({ kind: 'step', step: s });
const end: Next = { kind: 'end' };
const fixed = (x: number) => ({ branch: () => x });

describe('process graph', () => {
  it('a line never revisits when no bot can fail its steps; a loop back, a branch back or a bot retry in place does', () => {
    const line = [step(0, to(1)), step(1, to(2)), step(2, end)];
    const noBot = () => false;
    expect(mayRevisit(line, noBot)).toBe(false);
    // a bot may fail step 1: retried in place (onBotFailure -1) is a revisit; sent forward to step 2 it is not
    expect(mayRevisit(line, (s) => s.index === 1)).toBe(true);
    expect(
      mayRevisit(
        line.map((s) => (s.index === 1 ? { ...s, onBotFailure: 2 } : s)),
        (s) => s.index === 1,
      ),
    ).toBe(false);
    expect(mayRevisit([step(0, to(1)), step(1, to(0))], noBot)).toBe(true);
    expect(mayRevisit([step(0, { kind: 'branch', to: [1, 0], cumulative: [0.9, 1] }), step(1, end)], noBot)).toBe(true);
    // every step has a failure edge when every step can fail: a finite graph then always has a cycle
    expect(mayRevisit(line)).toBe(true);
    expect(successors(step(0, to(1)))).toEqual([0, 1]);
    expect(successors(step(0, to(1)), false)).toEqual([1]);
    expect(successors(step(0, { kind: 'parallel', branches: [1, 2], join: 3 }, 5))).toEqual([5, 1, 2, 3]);
  });

  it('a branch goes where the draw falls among the cumulative probabilities', () => {
    const next = { kind: 'branch' as const, to: [3, -1, 5], cumulative: [0.2, 0.7, 1] };
    expect([0.01, 0.19999, 0.2, 0.5, 0.69999, 0.7, 0.99999].map((x) => branchTarget(next, x))).toEqual([3, 3, -1, -1, -1, 5, 5]);
    const s = step(0, next);
    expect(nextStep(s, false, null, {}, 0, fixed(0.1))).toBe(3);
    expect(nextStep(s, false, null, {}, 0, fixed(0.5))).toBe(CASE_ENDS);
    // inside a parallel split, ending the path means arriving at the join
    expect(nextStep(s, false, { join: 9, remaining: 2, parent: null }, {}, 0, fixed(0.5))).toBe(9);
  });

  it('a failed bot task goes to its onBotFailure step, or is tried again; no branch is drawn then', () => {
    const drawn: number[] = [];
    const draws = {
      branch: (_: unknown, s: number) => {
        drawn.push(s);
        return 0.5;
      },
    };
    const branching: Next = { kind: 'branch', to: [1, 2], cumulative: [0.5, 1] };
    expect(nextStep(step(0, branching, 4), true, null, {}, 0, draws)).toBe(4);
    expect(nextStep(step(0, branching), true, null, {}, 0, draws)).toBe(0);
    expect(drawn).toEqual([]);
    expect(nextStep(step(0, branching), false, null, {}, 0, draws)).toBe(2);
    expect(drawn).toEqual([0]);
  });

  it('at a join every parallel path but the last stops; the last goes on in the enclosing split', () => {
    const split = step(0, { kind: 'parallel', branches: [1, 2, 3], join: 4 });
    expect(nextStep(split, false, null, {}, 0, fixed(0.5))).toBe(SPLIT);
    const outer = { join: 7, remaining: 2, parent: null };
    const frame = splitFrame(split.next as Extract<Next, { kind: 'parallel' }>, outer);
    expect(arrive(frame, 2)).toBe(frame); // not the join: same frame
    expect(arrive(frame, 4)).toBeUndefined();
    expect(arrive(frame, 4)).toBeUndefined();
    expect(arrive(frame, 4)).toBe(outer);
    expect(arrive(null, 4)).toBeNull();
  });

  it('a path reaches a join through steps and nested splits, or by ending; a loop that never leaves does not', () => {
    const steps = [
      step(0, { kind: 'parallel', branches: [1, 2], join: 5 }),
      step(1, to(5)),
      step(2, { kind: 'parallel', branches: [3], join: 4 }),
      step(3, end),
      step(4, to(5)),
      step(5, end),
      step(6, to(7)),
      step(7, to(6)),
    ];
    expect(pathReaches(steps, 1, 5)).toBe(true);
    expect(pathReaches(steps, 2, 5)).toBe(true);
    expect(pathReaches(steps, 6, 5)).toBe(false);
  });

  it('looks ahead to the tasks a case asks for at once: through gateways, into every branch of a split, and past a join only as its last path', () => {
    const gw = (index: number, next: Next): Step => ({ ...step(index, next), gateway: true, skill: -1 });
    const steps = [
      step(0, to(1)),
      gw(1, { kind: 'branch', to: [2, 3], cumulative: [0.5, 1] }),
      step(2, { kind: 'parallel', branches: [3, 4, 6], join: 5 }),
      step(3, end),
      gw(4, to(3)),
      step(5, end),
      gw(6, to(5)),
    ];
    const visits = steps.map(() => 0);
    const ahead = (after: number, to: number, frame: Frame | null, x: number) => tasksEntered(steps, steps[after], to, frame, {}, visits, true, fixed(x));
    // a task to a gateway: the branch draw picks the task behind it
    expect(ahead(0, 1, null, 0.2)).toEqual([2]);
    expect(ahead(0, 1, null, 0.7)).toEqual([3]);
    // a split: step 3, step 3 again through gateway 4, and branch 6, a gateway straight to the join, asks for nothing
    expect(ahead(2, SPLIT, null, 0.5)).toEqual([3, 3]);
    // the path ends: the case ends, or the path stops at its join while others are out, or goes on past it as the last
    expect(ahead(3, CASE_ENDS, null, 0.5)).toEqual([]);
    const frame = { join: 5, remaining: 2, parent: null };
    expect(ahead(3, 5, frame, 0.5)).toEqual([]);
    expect(ahead(3, 5, { ...frame, remaining: 1 }, 0.5)).toEqual([5]);
    // the walk's own frame is left as it was
    expect(frame.remaining).toBe(2);
    // a gateway's draw is keyed by its visit, counted from the case's visits so far
    const keyed = { branch: (_: unknown, s: number, visit: number) => (s === 1 && visit === 3 ? 0.9 : 0.1) };
    expect(tasksEntered(steps, steps[0], 1, null, {}, [1, 3, 0, 0, 0, 0, 0], true, keyed)).toEqual([3]);
    expect(tasksEntered(steps, steps[0], 1, null, {}, [1, 3, 0, 0, 0, 0, 0], false, keyed)).toEqual([2]);
  });
});
