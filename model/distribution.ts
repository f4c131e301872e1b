/**
 * Duration distributions, as compiled from a scenario: every parameter is in
 * seconds (or is dimensionless, like a shape). Sampling lives in
 * `simulator/distributions.ts`; this file only names the shapes.
 */
export type Distribution =
  | { kind: 'constant'; value: number }
  | { kind: 'exponential'; mean: number }
  /** lognormal given by the mean and standard deviation of the duration itself (not of its log) */
  | { kind: 'lognormal'; mean: number; sd: number }
  /** gamma given by its mean and standard deviation (shape = (mean/sd)^2) */
  | { kind: 'gamma'; mean: number; sd: number }
  | { kind: 'triangular'; min: number; mode: number; max: number }
  | { kind: 'uniform'; min: number; max: number }
  /** empirical: one of `values`, with probability proportional to `weights` (all equal when absent) */
  | { kind: 'empirical'; values: number[]; weights?: number[] };

export type DistributionKind = Distribution['kind'];

export const DISTRIBUTION_KINDS: readonly DistributionKind[] = [
  'constant', 'exponential', 'lognormal', 'gamma', 'triangular', 'uniform', 'empirical',
];
