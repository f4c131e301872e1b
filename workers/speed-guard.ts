/**
 * How fast a live run may go and keep up with the wall clock. In the live
 * runtime every stamp is simulated (logical time), so hand-off latency never
 * lengthens a task, and the allocator decides a simulated moment only once its
 * events are in (the decision barrier), so the answer is sim's; but a task that
 * lasts less wall time than one round trip through the servers (grant signal,
 * workflow task, event publication, the allocator reading it: the hand-off)
 * ends before its report can reach the allocator, every later decision waits
 * for it, and the run falls further behind with each task. So the run is
 * faithful (keeps up) while the scenario's short tasks last longer than the
 * hand-off:
 *
 *   faithful speed = short task (simulated s) / hand-off (wall s)
 *
 * The short task is the 10th percentile of every step's durations (person and
 * bot); the hand-off is the last run's p99 (or a default). Past the faithful
 * speed `autoshift live` warns; past `HARD_LIMIT_FACTOR` times it, it refuses
 * without --force. Pure.
 *
 * ```ts
 * const advice = speedAdvice(scenario, { ms: 450, source: 'the last run' });
 * if (speed > advice.faithfulSpeed) warn(...);
 * ```
 */
import type { Scenario } from '../model/scenario.js';
import { sample } from '../simulator/distributions.js';
import { KeyedStream, Stream } from '../simulator/random.js';

/** Hand-off assumed when no run has measured one here: the p99 measured under load on a 2-core machine. */
export const DEFAULT_HANDOFF_MS = 500;
/** Above this many times the faithful speed, `autoshift live` refuses to start without --force. */
export const HARD_LIMIT_FACTOR = 10;

export interface Handoff {
  /** wall ms, p99 */
  ms: number;
  /** where the figure comes from, for the message */
  source: string;
}

export interface SpeedAdvice {
  /** the 10th percentile of the shortest step's durations, simulated seconds, and that step */
  shortTaskSeconds: number;
  step: string;
  handoff: Handoff;
  /** the largest speed at which that task still outlasts the hand-off */
  faithfulSpeed: number;
  /** HARD_LIMIT_FACTOR × faithfulSpeed */
  hardLimit: number;
}

/** The 10th percentile of a step's durations (2,000 keyed draws: the same on every call). */
function shortDuration(d: Parameters<typeof sample>[0]): number {
  const u = new KeyedStream(1, Stream.durations).open(0xfeed);
  const xs = Array.from({ length: 2000 }, () => sample(d, u)).sort((a, b) => a - b);
  return xs[Math.floor(0.1 * xs.length)];
}

export function speedAdvice(scenario: Scenario, handoff: Handoff): SpeedAdvice {
  let shortTaskSeconds = Infinity;
  let step = '';
  for (const p of scenario.processes) {
    for (const s of p.steps) {
      // only the kinds of unit that can do the step
      const kinds = new Set(scenario.pools.filter((pool) => pool.skills.includes(s.skill)).map((pool) => pool.kind));
      for (const d of [kinds.has('human') ? s.humanDuration : null, kinds.has('bot') ? s.botDuration : null]) {
        if (!d) continue;
        const x = shortDuration(d);
        if (x < shortTaskSeconds) {
          shortTaskSeconds = x;
          step = `${p.id}.${s.id}`;
        }
      }
    }
  }
  const faithfulSpeed = shortTaskSeconds / Math.max(1e-3, handoff.ms / 1000);
  return { shortTaskSeconds, step, handoff, faithfulSpeed, hardLimit: HARD_LIMIT_FACTOR * faithfulSpeed };
}
