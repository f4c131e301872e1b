/**
 * Which report a saved document asks for, read from its shape: a run (or
 * live) result has `processes` and `pools`, a comparison `policies` and
 * `differences`, a sweep `axes` and `cells`, an optimisation `runnersUp`
 * and `pareto`. A document that is none of
 * these is named with what was expected.
 */
export type ReportKind = 'run' | 'compare' | 'sweep' | 'optimise';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The kind, or the problem with the document (which field is missing or wrong). */
export function reportKindOf(doc: unknown): ReportKind | { problem: string } {
  if (!isObject(doc)) return { problem: 'expected a JSON object (a result document written by run, live, compare or sweep --json)' };
  const need = (kind: ReportKind, fields: [string, (x: unknown) => boolean, string][]): ReportKind | { problem: string } => {
    for (const [field, ok, what] of fields) {
      if (!ok(doc[field])) return { problem: `field '${field}': expected ${what} in a ${kind} result document` };
    }
    return kind;
  };
  const str = (x: unknown) => typeof x === 'string';
  const num = (x: unknown) => typeof x === 'number';
  if ('differences' in doc || 'ranking' in doc) {
    return need('compare', [
      ['scenario', str, 'a string'],
      ['policies', isObject, 'an object of result documents'],
      ['kpis', isObject, 'an object'],
      ['differences', isObject, 'an object'],
      ['ranking', Array.isArray, 'an array'],
      ['baseline', str, 'a string'],
      ['replications', num, 'a number'],
    ]);
  }
  if ('runnersUp' in doc || 'pareto' in doc) {
    return need('optimise', [
      ['scenario', str, 'a string'],
      ['runnersUp', Array.isArray, 'an array'],
      ['pareto', Array.isArray, 'an array'],
      ['targetSpecs', (x) => Array.isArray(x) && x.length > 0, 'a non-empty array (written by optimise --json)'],
      ['figureKinds', isObject, 'an object'],
      ['simulations', num, 'a number'],
    ]);
  }
  if ('cells' in doc || 'axes' in doc) {
    return need('sweep', [
      ['scenario', str, 'a string'],
      ['axes', (x) => Array.isArray(x) && x.length > 0, 'a non-empty array'],
      ['cells', (x) => Array.isArray(x) && x.length > 0, 'a non-empty array'],
      ['target', num, 'a number'],
      ['replications', num, 'a number'],
    ]);
  }
  return need('run', [
    ['scenario', str, 'a string'],
    ['processes', isObject, 'an object of per-process figures'],
    ['pools', isObject, 'an object of per-pool figures'],
    ['totals', isObject, 'an object'],
    ['replications', num, 'a number'],
    ['seed', num, 'a number'],
    ['simulatedSeconds', num, 'a number'],
  ]);
}
