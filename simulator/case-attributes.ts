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
import type { Attribute } from '../model/scenario.js';
import { evaluate, type Expr } from '../model/expression.js';
import type { KeyedStream } from './random.js';
import { sample } from './distributions.js';

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

/** The attributes as a record, name → value (for the event log and live events). */
export function attributeRecord(attributes: readonly Attribute[], values: AttributeValues): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  attributes.forEach((a, i) => { out[a.name] = values[i]; });
  return out;
}
