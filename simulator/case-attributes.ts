/**
 * Case attributes (`processes.<p>.attributes`): drawn once per case, when it
 * arrives, from the attributes stream keyed by (process, case number,
 * attribute index), so a case has the same attributes whatever the policy,
 * the runtime or the other attributes declared before it. A number attribute
 * is a draw of its distribution; a string attribute picks one of its values
 * by weight with one uniform. Branch conditions (`when`) and step duration
 * scales (`durationScale`) read them (model/expression.ts); the event log
 * carries them.
 *
 * ```ts
 * const values = drawAttributes(proc.attributes, stream, proc.index, caseNo); // [12834.2, 'web']
 * const scale = durationScale(step.durationScale, values);                    // 12.8342
 * ```
 */
import type { Attribute, Process, Step } from '../model/scenario.js';
import { evaluate, type Expr } from '../model/expression.js';
import { KeyedStream, Stream } from './random.js';
import { distributionMean, sample } from './distributions.js';

/** A case's attribute values, in the order the process declares them. */
export type AttributeValues = (number | string)[];

export function drawAttributes(attributes: readonly Attribute[], stream: KeyedStream, process: number, caseNo: number): AttributeValues {
  const values: AttributeValues = new Array(attributes.length);
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i];
    const u = stream.open(process, caseNo, i);
    if (a.type === 'number') values[i] = sample(a.dist, u);
    else {
      const x = u.next();
      let k = 0;
      while (k < a.values.length - 1 && x >= a.cumulative[k]) k++;
      values[i] = a.values[k];
    }
  }
  return values;
}

/**
 * The factor a step's `durationScale` puts on a duration for a case with
 * these attributes: its value, or 0 when that is negative or not a finite
 * number (a division by zero), so a drawn duration stays a duration.
 */
export function durationScale(expr: Expr, values: AttributeValues): number {
  const x = evaluate(expr, values) as number;
  return x >= 0 && x < Infinity ? x : 0;
}

/** How many cases' attributes `meanDurationScale` averages over: its estimate is within about 2% for a scale of coefficient of variation 1. */
export const SCALE_SAMPLE_CASES = 2048;

/**
 * The mean factor a step's `durationScale` puts on its durations (1 without one): the average of the
 * scale over the attributes of the first SCALE_SAMPLE_CASES cases of the process, drawn from the
 * attributes stream of `seed` (keyed like the cases' own, so deterministic). A mean over all cases, not
 * only those a `when` condition sends to the step. What the policies' mean service times, the cμ keys,
 * the staffing start and the run-size estimate read, so that a scale of "amount / 1000" counts.
 */
export function meanDurationScale(proc: Process, step: Step, seed: number): number {
  if (!step.durationScale || !proc.attributes?.length) return 1;
  const stream = new KeyedStream(seed, Stream.attributes);
  let sum = 0;
  for (let no = 0; no < SCALE_SAMPLE_CASES; no++) sum += durationScale(step.durationScale, drawAttributes(proc.attributes, stream, proc.index, no));
  return sum / SCALE_SAMPLE_CASES;
}

/** The mean duration of a step done by a person or a bot, its `durationScale` included (`meanDurationScale`). */
export function meanStepDuration(proc: Process, step: Step, byBot: boolean, seed: number): number {
  const mean = distributionMean(byBot ? step.botDuration : step.humanDuration);
  return step.durationScale ? mean * meanDurationScale(proc, step, seed) : mean;
}

/** The attributes as a record, name → value (for the event log and live events). */
export function attributeRecord(attributes: readonly Attribute[], values: AttributeValues): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  attributes.forEach((a, i) => {
    out[a.name] = values[i];
  });
  return out;
}
