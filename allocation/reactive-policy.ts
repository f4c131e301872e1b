/**
 * `reactive`: capacity in proportion to backlog, the Kubernetes Horizontal Pod
 * Autoscaler rule (and KEDA's queue-length scaler) applied to work queues.
 *
 * For each queue, with `current` = the units the policy last asked for (as
 * HPA compares with the replicas it last set, not the pods that are ready;
 * on the first epoch, the units the snapshot shows dedicated) and a target
 * backlog per unit:
 *
 *     ratio   = waiting / (targetPerUnit · current)
 *     desired = ceil(waiting / targetPerUnit)      (= ceil(current · ratio), HPA's formula)
 *
 * - no change while |ratio − 1| <= tolerance (HPA's tolerance band);
 * - scale up at once; scale down only when the queue's dedicated count has
 *   not been changed by this policy for `coolDown` seconds (HPA's
 *   scale-down stabilisation window);
 * - desired is at least `minPerQueue` (and the queue's `limits.min`), at most
 *   the queue's `limits.max` and the available units of the pools that serve it.
 *
 * The queues' targets are then filled from the pools (bots first, then the
 * least cross-trained people); units no queue needs stay flexible and serve
 * any of their skills.
 *
 * Memory: the cool-down needs the time of each queue's last change, and
 * `current` the last target, which no snapshot holds (a target the pools
 * cannot reach would otherwise count as a new change every epoch and keep
 * restarting the cool-down), so the policy keeps both in its closure. It is a deterministic
 * function of the sequence of snapshots: a snapshot at the same time as the
 * previous one is decided from the state before that one (so deciding the
 * same snapshot twice gives the same answer), and a snapshot earlier than the
 * last one seen (a new run) resets the memory. With `coolDown: 0` the policy
 * is a pure function of the snapshot.
 *
 * params: `targetPerUnit` (waiting tasks per dedicated unit, > 0, default 5),
 * `tolerance` (>= 0, default 0.1), `coolDown` (seconds or a duration such as
 * `2h`, default 7200), `minPerQueue` (integer >= 0, default 0).
 */
import type { PolicyFactory, Snapshot } from './policy.js';
import { allocate, availableUnits, checkKnownParams, durationParam, fillNeeds, numberParam, poolOrder } from './policy-kit.js';

export interface ReactiveOptions {
  /** waiting tasks one dedicated unit is meant to carry. @default 5 */
  targetPerUnit?: number;
  /** relative deviation of the backlog per unit from its target that is ignored. @default 0.1 */
  tolerance?: number;
  /** seconds after a queue's last change during which it is not scaled down. @default 7200 */
  coolDown?: number | string;
  /** dedicated units every queue keeps. @default 0 */
  minPerQueue?: number;
}

export interface CompiledReactiveOptions {
  readonly targetPerUnit: number;
  readonly tolerance: number;
  readonly coolDown: number;
  readonly minPerQueue: number;
}

const KNOWN = ['targetPerUnit', 'tolerance', 'coolDown', 'minPerQueue'] as const;

export function compileReactiveOptions(params: Record<string, unknown>): CompiledReactiveOptions {
  checkKnownParams(params, KNOWN, 'reactive');
  return {
    targetPerUnit: numberParam(params, 'targetPerUnit', { default: 5, above: 0 }),
    tolerance: numberParam(params, 'tolerance', { default: 0.1, atLeast: 0 }),
    coolDown: durationParam(params, 'coolDown', { default: 7200, atLeast: 0 }),
    minPerQueue: numberParam(params, 'minPerQueue', { default: 0, atLeast: 0, integer: true }),
  };
}

/** Per queue: the time of the last change and the last target (null before the first decision). */
export interface ReactiveState {
  lastChange: number[];
  lastTarget: number[] | null;
}

/** What the policy remembers between epochs. */
interface Memory {
  /** time of the snapshot last decided (-Infinity before the first) */
  time: number;
  /** the state as it stood before the snapshot at `time` … */
  before: ReactiveState;
  /** … and after it */
  after: ReactiveState;
}

/** Target dedicated units per queue, and whether each changed (pure given the state). */
export function reactiveTargets(
  snapshot: Snapshot,
  o: CompiledReactiveOptions,
  state: ReactiveState,
): { target: number[]; changed: boolean[]; held: boolean[] } {
  const { lastChange, lastTarget } = state;
  const current = lastTarget ? lastTarget.slice() : snapshot.queues.map((q) => snapshot.pools.reduce((s, p) => s + (p.assigned[q.index] ?? 0), 0));
  const target: number[] = [];
  const changed: boolean[] = [];
  const held: boolean[] = [];
  for (const queue of snapshot.queues) {
    const q = queue.index;
    const capacity = queue.pools.reduce((s, p) => s + availableUnits(snapshot.pools[p]), 0);
    const floor = Math.max(o.minPerQueue, queue.limits.min);
    const cap = Math.max(0, Math.min(capacity, queue.limits.max));
    const raw = queue.waiting / o.targetPerUnit;
    const desired = Math.min(cap, Math.max(floor, Math.ceil(raw - 1e-9)));
    const now = current[q];
    let next = now;
    if (now === 0) {
      next = desired;
    } else if (Math.abs(raw / now - 1) > o.tolerance || now < floor || now > cap) {
      next = desired;
    }
    let hold = false;
    if (next < now && snapshot.time - lastChange[q] < o.coolDown) {
      next = now;
      hold = true;
    }
    target.push(next);
    changed.push(next !== now);
    held.push(hold);
  }
  return { target, changed, held };
}

export const reactivePolicy: PolicyFactory = (params) => {
  const o = compileReactiveOptions(params);
  const fresh = (Q: number): ReactiveState => ({ lastChange: new Array<number>(Q).fill(-Infinity), lastTarget: null });
  const memory: Memory = { time: -Infinity, before: fresh(0), after: fresh(0) };
  return {
    name: 'reactive',
    dispatch: 'fifo',
    decide(snapshot) {
      const Q = snapshot.queues.length;
      if (snapshot.time < memory.time || memory.after.lastChange.length !== Q) {
        // a new run (time went back) or another scenario: forget everything
        memory.time = -Infinity;
        memory.after = fresh(Q);
      }
      if (snapshot.time > memory.time) {
        memory.before = memory.after;
        memory.time = snapshot.time;
      }
      const { target, changed, held } = reactiveTargets(snapshot, o, memory.before);
      memory.after = {
        lastChange: memory.before.lastChange.map((t, q) => (changed[q] ? snapshot.time : t)),
        lastTarget: target.slice(),
      };

      const { assign } = allocate(snapshot, (assign, free) => {
        fillNeeds(snapshot, assign, free, target.slice(), poolOrder(snapshot));
      });

      const names = snapshot.queues.map((q) => q.skill);
      const parts = target.map((t, q) => (changed[q] ? `${names[q]}→${t}` : held[q] ? `${names[q]} held at ${t} (cool-down)` : '')).filter(Boolean);
      const reason = parts.length
        ? `backlog per unit vs ${o.targetPerUnit}: ${parts.join(', ')}`
        : `within tolerance ${o.tolerance} of ${o.targetPerUnit} waiting per unit; no change`;
      return { assign, reason };
    },
  };
};
