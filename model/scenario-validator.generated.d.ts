/**
 * Types of the scenario validator that the build generates from
 * model/scenario-schema.ts with Ajv's standalone code (cli/write-validators.ts
 * writes dist/model/scenario-validator.generated.js; tests generate it first).
 */
import type { ValidateFunction } from 'ajv';

declare const validate: ValidateFunction;
export default validate;
