/**
 * The step graph of a process and the one walk of it that both runtimes make:
 * the `sim` engine (simulator/engine.ts) and the live case workflow
 * (workflows/case-workflow.ts) call these functions, so a case goes the same
 * way in both, and the scenario compiler checks graphs with the same edges.
 *
 * A case is one or more *paths*. A path enters a step (its task waits for a
 * unit), and after the task `nextStep` says where it goes: another step, the
 * end of the path, or a parallel split into child paths, one per branch, in a
 * `Frame` that counts them back in at the join (`arrive`): every path but the
 * last stops at the join, the last one carries the case on.
 *
 * ```ts
 * let frame = arrive(frame, s);            // undefined: this path waits at its join
 * const to = nextStep(step, failed, frame, kase, visit, draws);
 * if (to === SPLIT) for (const b of step.next.branches) enter(b, splitFrame(step.next, frame));
 * else if (to === CASE_ENDS) done(); else enter(to, frame);
 * ```
 *
 * Pure; imports nothing at run time, so the workflow bundle stays small.
 */
import type { Next, Step } from './scenario.js';
import { evaluate } from './expression.js';

/** A parallel split in progress: the paths still to reach `join`, and the split around this one. */
export interface Frame {
  join: number;
  remaining: number;
  parent: Frame | null;
}

/** `nextStep`: the case is done (its only path ended outside any parallel split). */
export const CASE_ENDS = -1;
/** `nextStep`: the step splits into parallel paths (`step.next` is `parallel`). */
export const SPLIT = -2;

/** What the walk reads of a case: its attributes, for branch conditions (absent or null: none). */
export interface CaseAttributes {
  attributes?: readonly (number | string)[] | null;
}

/** The uniform draw that chooses a branch, keyed by the case, the step and its visit (simulator/case-draws.ts). */
export interface BranchDraws<K> {
  branch(kase: K, step: number, visit: number): number;
}

/**
 * Where a path goes after a task of `step` in `frame`: the index of the step to
 * enter next (the frame's join when the path ends inside a parallel split),
 * `CASE_ENDS`, or `SPLIT`. A task a bot failed goes to the step's
 * `onBotFailure` (a person), or is tried again at the same step. A branch is
 * chosen by the case's branch draw for (step, visit), made only at a branch;
 * a branch with conditions takes its first entry whose `when` holds for the
 * case's attributes, and only when none holds draws among the entries with `p`.
 */
export function nextStep<K extends CaseAttributes>(step: Step, failed: boolean, frame: Frame | null, kase: K, visit: number, draws: BranchDraws<K>): number {
  if (failed) return step.onBotFailure >= 0 ? step.onBotFailure : step.index;
  const next = step.next;
  switch (next.kind) {
    case 'end':
      return frame ? frame.join : CASE_ENDS;
    case 'step':
      return next.step;
    case 'branch': {
      const to = next.when
        ? conditionalTarget(next, next.when, kase.attributes ?? [], () => draws.branch(kase, step.index, visit))
        : branchTarget(next, draws.branch(kase, step.index, visit));
      return to >= 0 ? to : frame ? frame.join : CASE_ENDS;
    }
    case 'parallel':
      return SPLIT;
  }
}

/** The target of a branch for uniform draw x in (0, 1): a step index, or -1 for `end`. */
export function branchTarget(next: Extract<Next, { kind: 'branch' }>, x: number): number {
  let i = 0;
  while (x >= next.cumulative[i] && i < next.to.length - 1) i++;
  return next.to[i];
}

/** The target of a branch with conditions: the first entry whose `when` holds, else one of the entries with `p` by the draw. */
export function conditionalTarget(
  next: Extract<Next, { kind: 'branch' }>,
  when: NonNullable<Extract<Next, { kind: 'branch' }>['when']>,
  attributes: readonly (number | string)[],
  draw: () => number,
): number {
  for (let i = 0; i < when.length; i++) {
    const c = when[i];
    if (c && evaluate(c, attributes) === true) return next.to[i];
  }
  return branchTarget(next, draw());
}

/** The frame of the child paths of a parallel split inside `parent`. */
export function splitFrame(next: Extract<Next, { kind: 'parallel' }>, parent: Frame | null): Frame {
  return { join: next.join, remaining: next.branches.length, parent };
}

/**
 * A path reaches step `s` inside `frame`. At the frame's join every path but
 * the last stops (returns undefined: the case has one path fewer); the last
 * goes on in the enclosing frame (returned). Elsewhere the frame is unchanged.
 */
export function arrive(frame: Frame | null, s: number): Frame | null | undefined {
  if (frame && s === frame.join) {
    if (--frame.remaining > 0) return undefined;
    return frame.parent;
  }
  return frame;
}

/**
 * The steps a path can go to after a task of `step` succeeds, as one path
 * sees it: the next step, a branch's targets (not `end`), or, for a parallel
 * split, its join (where the path goes on once its child paths are back).
 */
export function pathSuccessors(step: Step): number[] {
  const n = step.next;
  if (n.kind === 'step') return [n.step];
  if (n.kind === 'branch') return n.to.filter((t) => t >= 0);
  if (n.kind === 'parallel') return [n.join];
  return [];
}

/** Whether a path can end after `step` (no next step, or a branch to `end`). */
export function pathCanEnd(step: Step): boolean {
  const n = step.next;
  return n.kind === 'end' || (n.kind === 'branch' && n.to.includes(-1));
}

/**
 * Every step a case can enter right after a task of `step`: the bot-failure
 * target (or the step itself), unless `canFail` says no bot can fail the step;
 * next steps; a split's branches and its join.
 */
export function successors(step: Step, canFail = true): number[] {
  const out = canFail ? [step.onBotFailure >= 0 ? step.onBotFailure : step.index] : [];
  const n = step.next;
  if (n.kind === 'step') out.push(n.step);
  else if (n.kind === 'branch') out.push(...n.to.filter((t) => t >= 0));
  else if (n.kind === 'parallel') out.push(...n.branches, n.join);
  return out;
}

/**
 * Whether a case can enter the same step twice: a cycle, or a bot retry in
 * place. When it cannot, every task is visit 0 of its step, and the keyed
 * draws need no visit counter (compile-scenario sets `Process.mayRevisit`).
 * `canFail(step)` says whether a bot can fail the step at all (a pool with
 * the skill and a failure rate above 0); by default every step can, and since
 * every step then has a failure edge, every graph has a cycle.
 */
export function mayRevisit(steps: Step[], canFail: (step: Step) => boolean = () => true): boolean {
  const state = new Uint8Array(steps.length); // 0 new, 1 on the path, 2 done
  const visit = (i: number): boolean => {
    if (i < 0 || i >= steps.length) return false; // an unknown target (the compiler reports it)
    if (state[i] === 1) return true;
    if (state[i] === 2) return false;
    state[i] = 1;
    for (const j of successors(steps[i], canFail(steps[i]))) if (visit(j)) return true;
    state[i] = 2;
    return false;
  };
  return steps.some((_, i) => visit(i));
}

/**
 * Whether a path that enters step `from` can reach step `target`, or end
 * (which, inside a parallel split, counts as arriving at its join).
 */
export function pathReaches(steps: Step[], from: number, target: number): boolean {
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length) {
    const s = stack.pop()!;
    if (s === target) return true;
    if (seen.has(s) || s < 0 || s >= steps.length) continue;
    seen.add(s);
    if (pathCanEnd(steps[s])) return true;
    stack.push(...pathSuccessors(steps[s]));
  }
  return false;
}

/**
 * Where a path goes after a task of `step` that was not served: abandoned (its
 * patience ran out) or blocked (its queue was full). The step's `onAbandon` or
 * `onBlocked` step when it has one; otherwise the path ends (at its join
 * inside a parallel split), and the case counts as abandoned or lost.
 */
export function unservedNext(step: Step, how: 'abandoned' | 'blocked', frame: Frame | null): number {
  const route = how === 'abandoned' ? step.onAbandon : step.onBlocked;
  if (route !== undefined && route >= 0) return route;
  return frame ? frame.join : CASE_ENDS;
}

/**
 * The task steps a case asks for at once after a task of `after` in `frame`,
 * when the walk goes on to `to` (`nextStep` or `unservedNext`): the walk looked
 * ahead through gateways (no time passes), parallel splits (every branch) and
 * joins (a path that is not the last one back stops there), to the first task
 * of each path. A step appears once per path that enters it. `visits[s]`: the
 * case's visits of step s so far (a gateway's branch draw is keyed by its
 * visit, as in the walk); `frame` is not changed. The live allocator's decision
 * barrier waits for these requests (simulator/decision-barrier.ts), so a task's
 * report names them (`TaskFinishedEvent.next`).
 */
export function tasksEntered<K extends CaseAttributes>(
  steps: readonly Step[],
  after: Step,
  to: number,
  frame: Frame | null,
  kase: K,
  visits: readonly number[],
  mayRevisit: boolean,
  draws: BranchDraws<K>,
): number[] {
  const out: number[] = [];
  /** gateway visits made by the look-ahead, and the paths still out per join as it counts them */
  const passed = new Map<number, number>();
  const pathsOut = new Map<Frame, number>();
  // (a compiled graph has no cycle of gateways alone; the bound keeps a hand-made one from looping)
  let budget = 64 * steps.length + 64;
  const go = (from: Step, target: number, f: Frame | null): void => {
    if (target === CASE_ENDS) return;
    if (target === SPLIT && from.next.kind === 'parallel') {
      const child = splitFrame(from.next, f);
      for (const b of from.next.branches) enter(b, child);
    } else if (target >= 0) enter(target, f);
  };
  const enter = (s: number, f: Frame | null): void => {
    if (--budget < 0) return;
    if (f && s === f.join) {
      const remaining = (pathsOut.get(f) ?? f.remaining) - 1;
      pathsOut.set(f, remaining);
      if (remaining > 0) return;
      f = f.parent;
    }
    const step = steps[s];
    if (!step) return;
    if (!step.gateway) {
      out.push(s);
      return;
    }
    const n = (visits[s] ?? 0) + (passed.get(s) ?? 0);
    passed.set(s, (passed.get(s) ?? 0) + 1);
    go(step, nextStep(step, false, f, kase, mayRevisit ? n : 0, draws), f);
  };
  go(after, to, frame);
  return out;
}
