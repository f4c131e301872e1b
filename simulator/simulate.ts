/**
 * One replication, start to finish: the engine, run in slices so the caller
 * can report progress, closed at the horizon (or, for a draining run, when
 * every case is done).
 */
import type { Scenario } from '../model/scenario.js';
import type { Policy } from '../allocation/policy.js';
import { Engine, type TaskRecord } from './engine.js';
import type { ReplicationFigures } from './figures.js';
import type { DecisionRecord } from './snapshot.js';
import { replicationSeed } from './random.js';

export interface ReplicationOptions {
  scenario: Scenario;
  policy: Policy;
  replication: number;
  onTask?: (record: TaskRecord) => void;
  onDecision?: (record: DecisionRecord) => void;
  /** called with the fraction of simulated time done, about 100 times */
  onProgress?: (fraction: number) => void;
}

export function simulateReplication(options: ReplicationOptions): ReplicationFigures {
  const { scenario, policy, replication } = options;
  const seed = replicationSeed(scenario.seed, replication);
  const engine = new Engine({ scenario, policy, seed, onTask: options.onTask, onDecision: options.onDecision });
  engine.start();
  const slices = options.onProgress ? 100 : 1;
  for (let i = 1; i <= slices; i++) {
    engine.runUntil((scenario.horizon * i) / slices);
    if (i < slices || !engine.drains) options.onProgress?.(i / slices);
  }
  engine.drain(); // a draining run goes on past the horizon until every case is done
  if (engine.drains) options.onProgress?.(1);
  const figures = engine.finish();
  figures.seed = seed;
  return figures;
}
