/**
 * Duration distributions, as compiled from a scenario: every parameter is in
 * seconds (or is dimensionless, like a weight). Each kind is one entry of the
 * table in `simulator/distributions.ts` (fields, validation, sampling, mean,
 * variance, scaling); the types are derived from it and named here for the model.
 */
export type { Distribution, DistributionKind, DistributionOf } from '../simulator/distributions.js';
export { DISTRIBUTION_KINDS } from '../simulator/distributions.js';
