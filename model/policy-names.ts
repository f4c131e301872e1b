/**
 * The names of the built-in allocation policies. `allocation/registry.ts`
 * maps each to its factory (the compiler checks it maps exactly these), and
 * the scenario schema lists them, so neither is kept by hand.
 */
export const BUILTIN_POLICY_NAMES = ['static', 'reactive', 'sla-slack', 'cmu', 'forecast-staffing', 'bot-first'] as const;

export type BuiltinPolicyName = (typeof BUILTIN_POLICY_NAMES)[number];
