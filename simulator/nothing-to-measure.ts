/**
 * Figures with nothing behind them, said in words instead of a table of
 * zeros (issue 8, item 5): a process with no completed case has no cycle
 * time, SLA attainment or cost per case; a disruption window in which no
 * case completed has no SLA attainment; a disruption or surge that starts
 * after the horizon, or a replay whose arrivals all fall in the warm-up,
 * measures nothing. The CLI prints these as warnings and `n/a` in its
 * tables, and the result document lists them under `warnings`. Pure.
 */
import type { Scenario } from '../model/scenario.js';
import { formatDuration } from '../model/units.js';
import type { Estimate } from './summarize.js';

/** Warnings about the scenario itself: what it asks for that a run cannot measure. */
export function scenarioWarnings(scenario: Scenario): string[] {
  const out: string[] = [];
  const h = scenario.horizon;
  for (const d of scenario.disruptions) {
    if (d.start >= h && !scenario.drain)
      out.push(
        `disruptions[${d.index}] (${d.label}) starts at ${formatDuration(d.start)}, at or after the horizon (${formatDuration(h)}): it is not simulated; its resilience figures are not applicable`,
      );
    else if (d.end <= scenario.warmup)
      out.push(`disruptions[${d.index}] (${d.label}) ends within the warm-up (${formatDuration(scenario.warmup)}): its effect is not counted in the results`);
  }
  for (const d of scenario.demand) {
    const proc = scenario.processes[d.process].id;
    if (d.kind === 'poisson') {
      d.surges.forEach((s, i) => {
        if (s.start >= h)
          out.push(`demand.${proc}.surges[${i}] starts at ${formatDuration(s.start)}, at or after the horizon (${formatDuration(h)}): it is not simulated`);
      });
    } else if (d.times.length > 0 && d.times.every((t) => t < scenario.warmup)) {
      out.push(
        `demand.${proc}: every replayed arrival (${d.times.length}) falls in the warm-up (${formatDuration(scenario.warmup)}): no case of ${proc} is counted`,
      );
    } else if (d.times.length > 0 && d.times.every((t) => t > h)) {
      out.push(`demand.${proc}: every replayed arrival (${d.times.length}) falls after the horizon (${formatDuration(h)}): no case of ${proc} arrives`);
    }
  }
  return out;
}

/** Share of arrivals still open at the horizon above which the cycle-time figures are flagged as biased. */
export const OPEN_AT_END_WARNING_SHARE = 0.03;

interface Figures {
  processes: Record<string, { arrived: Estimate; completed: Estimate; openAtEnd?: Estimate; openAgeMeanSeconds?: Estimate | null }>;
  totals: { completed: Estimate };
  resilience?: unknown;
}

/** Figures of a result that are not applicable, with the reason. */
export function notApplicable(doc: Figures): string[] {
  const out: string[] = [];
  for (const [id, p] of Object.entries(doc.processes)) {
    if (p.completed.mean === 0)
      out.push(
        `processes.${id}: no case completed (${p.arrived.mean} arrived after the warm-up): its wait, cycle time, p95, SLA attainment and cost per case are not applicable (null in the JSON, with the reason under notApplicable; n/a in tables)`,
      );
  }
  for (const [id, p] of Object.entries(doc.processes)) {
    const open = p.openAtEnd?.mean ?? 0;
    if (p.completed.mean > 0 && open > OPEN_AT_END_WARNING_SHARE * p.arrived.mean) {
      out.push(
        `processes.${id}: ${open} cases (${((100 * open) / p.arrived.mean).toFixed(1)}% of arrivals) are still open at the horizon, ${formatDuration(p.openAgeMeanSeconds?.mean ?? 0)} old on average: cycle-time figures leave them out and are biased down; a longer horizon counts them, \`drain: true\` runs every case to its end (docs/scenario.md)`,
      );
    }
  }
  if (doc.totals.completed.mean === 0) out.push('totals: no case completed: SLA attainment and cost per completed case are not applicable');
  const res = (doc.resilience ?? []) as { disruption: string; recovered: Estimate | null; slaInWindow: Estimate | null }[];
  for (const r of res) {
    // (a disruption the run does not reach has its own warning: scenarioWarnings)
    if (r.recovered !== null && r.slaInWindow === null)
      out.push(`resilience of ${r.disruption}: no case completed inside the disruption window: its SLA attainment inside is not applicable`);
  }
  return out;
}
