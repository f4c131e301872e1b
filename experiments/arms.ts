/**
 * Several arms (scenario variants or policies), R replications each on the
 * same seeds (common random numbers: replication r of every arm sees the same
 * arrivals and task durations), run by an executor in calls of at most its
 * `batchLimit` replications; each call's figures are reduced arm by arm when it
 * returns, so a large sweep never holds every replication's figures. Results
 * come back in arm order. Pure.
 *
 * ```ts
 * const kept = await runArms(executor, { arms, replications: 5, reduce: (reps, i) => summarize(arms[i].scenario, 'static', reps) });
 * ```
 */
import type { ReplicationFigures } from '../simulator/figures.js';
import type { ArmSpec, Executor, ReplicationRequest } from './executor.js';

export interface ArmsOptions<T> {
  arms: readonly ArmSpec[];
  replications: number;
  /** overall fraction done, over every replication of every arm */
  onProgress?: (fraction: number) => void;
  /** turns an arm's figures (replication order) into what is kept, so the figures can go */
  reduce: (reps: ReplicationFigures[], arm: number) => T;
}

export async function runArms<T>(executor: Executor, options: ArmsOptions<T>): Promise<T[]> {
  const { arms, replications: R } = options;
  const out: T[] = new Array(arms.length);
  // whole arms per call, as many as the executor takes at once (at least one)
  const armsPerCall = Math.max(1, Math.floor(executor.batchLimit / R));
  const calls = Math.ceil(arms.length / armsPerCall);
  for (let c = 0; c < calls; c++) {
    const first = c * armsPerCall;
    const slice = arms.slice(first, first + armsPerCall);
    const requests: ReplicationRequest[] = [];
    for (let a = 0; a < slice.length; a++) for (let r = 0; r < R; r++) requests.push({ arm: a, replication: r });
    const figures = await executor.run(slice, requests, options.onProgress && ((f) => options.onProgress!((c + f) / calls)));
    for (let a = 0; a < slice.length; a++) out[first + a] = options.reduce(figures.slice(a * R, (a + 1) * R), first + a);
  }
  options.onProgress?.(1);
  return out;
}
