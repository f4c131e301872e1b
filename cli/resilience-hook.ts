/** Resilience per disruption, from the time series of each replication (see simulator/resilience.ts). */
import type { Scenario } from '../model/scenario.js';
import type { ReplicationFigures } from '../simulator/figures.js';
import { resilienceOf } from '../simulator/resilience.js';

export function computeResilience(scenario: Scenario, reps: ReplicationFigures[]) {
  return resilienceOf(scenario, reps);
}
