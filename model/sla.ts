/**
 * When a case is within its SLA: its cycle time (completion − arrival, in
 * simulated seconds) is at most the SLA, up to SLA_TOLERANCE_SECONDS. Times
 * are floating-point seconds, and `now − arrival` of a case whose every step
 * takes exactly the SLA comes out a few nanoseconds above it (a constant
 * 10-minute step with `sla: 10m` measured 0.99996 instead of 1). One
 * millisecond is far above that rounding (~1e-9 s for times up to years) and
 * far below any SLA a scenario can state usefully. Both runtimes count with
 * this function: the sim engine (simulator/run-stats.ts) and the live case
 * workflow (workflows/case-workflow.ts). Pure.
 */
export const SLA_TOLERANCE_SECONDS = 1e-3;

export function withinSla(cycleSeconds: number, slaSeconds: number): boolean {
  return cycleSeconds <= slaSeconds + SLA_TOLERANCE_SECONDS;
}
