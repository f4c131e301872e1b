/**
 * Can a case finish? Static analysis of a compiled scenario's step graphs,
 * pools and shift calendars, before anything runs: a rework loop taken with
 * probability 1, a step only bots can do that always fails and has no
 * `onBotFailure`, a skill whose pools have no unit on duty within the
 * horizon. An error when no case of a process can ever finish, a warning when
 * some cannot; a warning too when `onBotFailure` sends an exception to a step
 * that bots can also do. Pure.
 *
 * ```ts
 * const { errors, warnings } = analyseFeasibility(scenario);
 * ```
 */
import type { Pool, Process, Scenario, Step } from './scenario.js';
import { DAY, WEEK } from './units.js';

export interface FeasibilityIssue {
  /** field path, e.g. `processes.ticket.steps.review` */
  path: (string | number)[];
  message: string;
}

/** Whether any unit of the pool is on duty at some time in [0, horizon). */
export function poolEverOnDuty(pool: Pool, horizon: number): boolean {
  if (pool.size <= 0) return false;
  if (!pool.shifts) return !pool.absences.some((a) => a.start <= 0 && a.end >= horizon && a.units >= pool.size);
  for (const s of pool.shifts) {
    if (s.from === s.to) continue;
    for (const d of s.days) {
      const from = d * DAY + s.from;
      // the window's first occurrence from t = 0 (weeks start on the scenario's start day, index 0)
      if (horizon >= WEEK || from < horizon || (s.to < s.from && d * DAY + DAY + s.to - WEEK > 0)) return true;
    }
  }
  return false;
}

interface StepFacts {
  /** a unit that can finish it successfully is ever on duty */
  canSucceed: boolean;
  /** a bot that can fail it is ever on duty */
  canFail: boolean;
  /** why it cannot succeed, if it cannot */
  why: string;
}

function stepFacts(step: Step, scenario: Scenario, onDuty: boolean[]): StepFacts {
  if (step.gateway) return { canSucceed: true, canFail: false, why: '' }; // a routing point: no unit, passes on at once
  const pools = scenario.pools.filter((p) => p.skills.includes(step.skill));
  const skill = scenario.skills[step.skill];
  const working = pools.filter((p) => onDuty[p.index]);
  const canSucceed = working.some((p) => p.kind === 'human' || p.failureRate < 1);
  const canFail = working.some((p) => p.kind === 'bot' && p.failureRate > 0);
  let why = '';
  if (working.length === 0) {
    why =
      pools.length === 0
        ? `no pool has the skill '${skill}'`
        : `no pool with the skill '${skill}' (${pools.map((p) => p.id).join(', ')}) has a unit on duty within the horizon`;
  } else if (!canSucceed) {
    why = `every unit that can do it is a bot with failureRate 1 (${working.map((p) => p.id).join(', ')})${step.onBotFailure < 0 ? ' and the step has no onBotFailure: it is retried forever' : ''}`;
  }
  return { canSucceed, canFail, why };
}

export function analyseFeasibility(scenario: Scenario): { errors: FeasibilityIssue[]; warnings: FeasibilityIssue[] } {
  const errors: FeasibilityIssue[] = [];
  const warnings: FeasibilityIssue[] = [];
  const onDuty = scenario.pools.map((p) => poolEverOnDuty(p, scenario.horizon));
  for (const proc of scenario.processes) analyseProcess(proc, scenario, onDuty, errors, warnings);
  return { errors, warnings };
}

const probabilities = (cumulative: number[]) => cumulative.map((c, i) => c - (i > 0 ? cumulative[i - 1] : 0));

function analyseProcess(proc: Process, scenario: Scenario, onDuty: boolean[], errors: FeasibilityIssue[], warnings: FeasibilityIssue[]): void {
  const steps = proc.steps;
  const facts = steps.map((s) => stepFacts(s, scenario, onDuty));
  const failTarget = (s: Step) => (s.onBotFailure >= 0 ? s.onBotFailure : s.index);
  const END = -1;

  // ok(target)[s]: a case entering step s reaches `target` (a join step, or END) with positive probability
  const memo = new Map<number, boolean[]>();
  const reaches = (target: number): boolean[] => {
    const cached = memo.get(target);
    if (cached) return cached;
    const ok = new Array<boolean>(steps.length).fill(false);
    memo.set(target, ok); // a nested parallel asking for this target again sees the partial answer (a fixpoint from below)
    const enter = (t: number) => t === target || ok[t];
    const onSuccess = (s: Step): boolean => {
      const n = s.next;
      switch (n.kind) {
        case 'end':
          return true; // the end of the process, or of a parallel branch (then: its join)
        case 'step':
          return enter(n.step);
        case 'branch':
          return probabilities(n.cumulative).some((p, i) => p > 0 && (n.to[i] < 0 || enter(n.to[i])));
        case 'parallel': {
          const inner = reaches(n.join);
          return n.branches.every((b) => b === n.join || inner[b]) && enter(n.join);
        }
      }
    };
    for (let changed = true; changed;) {
      changed = false;
      for (const s of steps) {
        if (ok[s.index]) continue;
        const f = facts[s.index];
        if ((f.canSucceed && onSuccess(s)) || (f.canFail && enter(failTarget(s)))) {
          ok[s.index] = true;
          changed = true;
        }
      }
    }
    return ok;
  };
  const finishes = reaches(END);

  // steps a case can reach from the start (positive probability, units on duty)
  const reachable = new Array<boolean>(steps.length).fill(false);
  const stack = [proc.start];
  while (stack.length) {
    const i = stack.pop()!;
    if (reachable[i]) continue;
    reachable[i] = true;
    const s = steps[i];
    const f = facts[i];
    if (f.canFail) stack.push(failTarget(s));
    if (!f.canSucceed) continue;
    const n = s.next;
    if (n.kind === 'step') stack.push(n.step);
    else if (n.kind === 'branch')
      probabilities(n.cumulative).forEach((p, k) => {
        if (p > 0 && n.to[k] >= 0) stack.push(n.to[k]);
      });
    else if (n.kind === 'parallel') {
      stack.push(...n.branches);
      const inner = reaches(n.join);
      if (n.branches.every((b) => b === n.join || inner[b])) stack.push(n.join);
    }
  }

  const path = (s: Step) => ['processes', proc.id, 'steps', s.id];
  const stuck = steps.filter((s) => reachable[s.index] && !finishes[s.index]);
  const isStuck = new Set(stuck.map((s) => s.index));
  const ways = (s: Step, withFailures = true): number[] => {
    const out: number[] = [];
    if (withFailures && facts[s.index].canFail) out.push(failTarget(s));
    const n = s.next;
    if (n.kind === 'step') out.push(n.step);
    else if (n.kind === 'branch')
      probabilities(n.cumulative).forEach((p, k) => {
        if (p > 0 && n.to[k] >= 0) out.push(n.to[k]);
      });
    else if (n.kind === 'parallel') out.push(...n.branches, n.join);
    return out;
  };
  /** a stuck step that a case can come back to without leaving the stuck steps: where a loop never exits */
  const loopsBack = (s: Step): boolean => {
    const seen = new Set<number>();
    // success edges only: a bot retry in place is a loop every case leaves when a unit succeeds
    const todo = ways(s, false).filter((t) => isStuck.has(t));
    while (todo.length) {
      const t = todo.pop()!;
      if (t === s.index) return true;
      if (seen.has(t)) continue;
      seen.add(t);
      todo.push(...ways(steps[t], false).filter((u) => isStuck.has(u)));
    }
    return false;
  };
  const root = stuck.find((x) => facts[x.index].why) ?? stuck.find(loopsBack) ?? null;
  const reason = (x: Step) =>
    facts[x.index].why || 'every way on from it leads back to it without reaching the end (a rework loop or a branch taken with probability 1)';
  const because = (s: Step): string => {
    if (facts[s.index].why || !root || root === s) return reason(s);
    return `its cases go on to step '${root.id}', where ${reason(root)}`;
  };
  if (!finishes[proc.start]) {
    const at = root ?? steps[proc.start];
    errors.push({ path: path(at), message: `no case of process '${proc.id}' can ever finish: at step '${at.id}', ${reason(at)}` });
  } else {
    for (const s of stuck) {
      warnings.push({ path: path(s), message: `cases that reach this step can never finish: ${because(s)}` });
    }
  }

  // always-failing bots retried in place, where a person could take over
  for (const s of steps) {
    if (!reachable[s.index] || s.onBotFailure >= 0) continue;
    const always = scenario.pools.filter((p) => onDuty[p.index] && p.kind === 'bot' && p.failureRate >= 1 && p.skills.includes(s.skill));
    if (always.length && facts[s.index].canSucceed) {
      warnings.push({
        path: path(s),
        message: `bot pool ${always.map((p) => p.id).join(', ')} always fails this step (failureRate 1) and it has no onBotFailure: each failure puts the task back in the same queue`,
      });
    }
  }
  // exceptions handed to a step that bots can do again
  for (const s of steps) {
    if (s.onBotFailure < 0 || !reachable[s.index]) continue;
    const target = steps[s.onBotFailure];
    const bots = scenario.pools.filter((p) => p.kind === 'bot' && p.skills.includes(target.skill));
    if (bots.length) {
      warnings.push({
        path: [...path(s), 'onBotFailure'],
        message: `sends a bot's exception to step '${target.id}', whose skill '${scenario.skills[target.skill]}' bots (${bots.map((p) => p.id).join(', ')}) can also do: the exception may go to a bot again; give '${target.id}' a skill only people have`,
      });
    }
  }
}
