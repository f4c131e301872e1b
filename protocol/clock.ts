/**
 * The simulated-to-wall clock of the live runtime: simulated time t happens
 * at wall time `startWallMs + t * 1000 / speed`. One mapping, used by the
 * producer (when to publish), the allocator (its simulated now), the case
 * workflow (timers and timestamps) and the live run (the horizon). Pure: the
 * caller reads the wall clock (`Date.now()`, which a workflow's sandbox makes
 * deterministic) and passes it in.
 *
 * ```ts
 * const clock: Clock = { startWallMs: Date.now() + 1500, speed: 3600 };
 * simNow(clock, Date.now());          // simulated seconds now
 * wallAt(clock, 86_400);              // Unix ms when the first simulated day ends
 * wallMsUntil(clock, due, Date.now()); // wall ms from now until simulated time `due`
 * ```
 */

/** Simulated time t happens at wall time `startWallMs + t * 1000 / speed`. */
export interface Clock {
  /** Unix ms of simulated time 0 */
  startWallMs: number;
  /** simulated seconds per wall second */
  speed: number;
}

/** Simulated seconds at Unix time `wallMs`. */
export function simNow(clock: Clock, wallMs: number): number {
  return ((wallMs - clock.startWallMs) * clock.speed) / 1000;
}

/** Unix ms at simulated time `simSeconds`. */
export function wallAt(clock: Clock, simSeconds: number): number {
  return clock.startWallMs + (simSeconds * 1000) / clock.speed;
}

/** Wall milliseconds from Unix time `wallMs` until simulated time `simSeconds` (negative once past). */
export function wallMsUntil(clock: Clock, simSeconds: number, wallMs: number): number {
  return wallAt(clock, simSeconds) - wallMs;
}
