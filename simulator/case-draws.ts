/**
 * The random draws of a case, made the same way by both runtimes (the `sim`
 * engine and the live case workflow): a task's duration, whether a bot fails
 * it, which way a branch goes, the case's attributes, and how long the case waits before it abandons. Each is keyed by (seed, stream, process,
 * case number, step, visit), so a case gets the same draws whatever the policy,
 * the order of events or the runtime (common random numbers; simulator/random.ts).
 *
 * ```ts
 * const draws = new CaseDraws(seed);
 * const kase = { process: 0, no: 1234, attributes: null };
 * kase.attributes = draws.attributes(kase, proc);      // null for a process without attributes
 * const seconds = draws.duration(kase, step, visit, pool.kind === 'bot') * slowdown;
 * const failed = draws.botFails(kase, step, visit, pool);
 * const to = nextStep(step, failed, frame, kase, visit, draws);   // model/process-graph.ts
 * ```
 */
import type { PoolKind, Process, Step } from '../model/scenario.js';
import type { BranchDraws } from '../model/process-graph.js';
import { KeyedStream, Stream, taskKey } from './random.js';
import { sample } from './distributions.js';
import { drawAttributes, durationScale, type AttributeValues } from './case-attributes.js';

/** Which case: its process index and its number among that process's arrivals. */
export interface CaseKey {
  process: number;
  no: number;
  /** the case's attributes (`CaseDraws.attributes`), null or absent when its process has none */
  attributes?: AttributeValues | null;
}

export class CaseDraws implements BranchDraws<CaseKey> {
  private readonly durations: KeyedStream;
  private readonly branches: KeyedStream;
  private readonly failures: KeyedStream;
  private readonly attributeStream: KeyedStream;
  private readonly patiences: KeyedStream;

  constructor(seed: number) {
    this.attributeStream = new KeyedStream(seed, Stream.attributes);
    this.durations = new KeyedStream(seed, Stream.durations);
    this.branches = new KeyedStream(seed, Stream.branches);
    this.failures = new KeyedStream(seed, Stream.failures);
    this.patiences = new KeyedStream(seed, Stream.patience);
  }

  /** Seconds the case waits for the task (step, visit) to start before it abandons; Infinity for a step without patience. */
  patience(kase: CaseKey, step: Step, visit: number): number {
    return step.patience ? sample(step.patience, this.patiences.open(kase.process, kase.no, taskKey(step.index, visit))) : Infinity;
  }

  /** Seconds the task (step, visit) of the case takes, done by a bot or a person (before any slowdown), times the step's `durationScale` for the case. */
  duration(kase: CaseKey, step: Step, visit: number, byBot: boolean): number {
    const d = sample(byBot ? step.botDuration : step.humanDuration, this.durations.open(kase.process, kase.no, taskKey(step.index, visit)));
    return step.durationScale ? d * durationScale(step.durationScale, kase.attributes!) : d;
  }

  /** The case's attributes, drawn once when it arrives; null when its process has none. */
  attributes(kase: CaseKey, proc: Process): AttributeValues | null {
    return proc.attributes?.length ? drawAttributes(proc.attributes, this.attributeStream, kase.process, kase.no) : null;
  }

  /** Whether the task fails when done by `pool`: only a bot with a failure rate above 0 fails, by its draw. */
  botFails(kase: CaseKey, step: Step, visit: number, pool: { kind: PoolKind; failureRate: number }): boolean {
    return pool.kind === 'bot' && pool.failureRate > 0 && this.failures.open(kase.process, kase.no, taskKey(step.index, visit)).next() < pool.failureRate;
  }

  /** The uniform that chooses the branch after step `step` (index) on visit `visit`. */
  branch(kase: CaseKey, step: number, visit: number): number {
    return this.branches.open(kase.process, kase.no, taskKey(step, visit)).next();
  }
}
