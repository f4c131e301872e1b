/**
 * `autoshift discover --check`: simulates the discovered scenario over the
 * log's period (one replication) and prints the fidelity table: the same
 * figures of the log and of the simulation, side by side.
 */
import type { Scenario } from '../model/scenario.js';
import { createPolicy } from '../allocation/registry.js';
import { simulateReplication } from '../simulator/simulate.js';
import type { TaskRecord } from '../simulator/engine.js';
import { CaseTable } from '../discovery/case-table.js';
import { LogProfile } from '../discovery/log-profile.js';
import type { LogEvent } from '../discovery/log-event.js';
import type { DiscoveredScenario } from '../discovery/discover-scenario.js';
import { fidelityRows, type FidelityRow } from '../discovery/fidelity.js';
import { table } from './table.js';
import { formatDuration } from '../model/units.js';

export interface FidelityCheckOptions {
  bots: RegExp;
  discovered: DiscoveredScenario;
}

export function fidelityCheck(scenario: Scenario, log: LogProfile, options: FidelityCheckOptions): string {
  const simTable = new CaseTable();
  const sim = new LogProfile(simTable, { bots: options.bots });
  const origin = Date.parse(`${scenario.start}T00:00:00Z`);
  const open = new Map<string, LogEvent[]>();
  const busy = new Map<string, number>();
  const onTask = (r: TaskRecord) => {
    const e: LogEvent = {
      caseId: r.caseId,
      activity: r.activity,
      start: origin + Math.round(r.start * 1000),
      end: origin + Math.round(r.end * 1000),
      enable: origin + Math.round(r.enqueue * 1000),
      resource: r.resource,
      process: r.process,
      failed: r.outcome === 'bot-failed',
    };
    busy.set(r.pool, (busy.get(r.pool) ?? 0) + (r.end - r.start) / 3600);
    let list = open.get(r.caseId);
    if (!list) {
      list = [];
      open.set(r.caseId, list);
    }
    list.push(e);
    if (r.caseDone) {
      open.delete(r.caseId);
      sim.addCase(simTable.compact(list)!);
    }
  };
  const figures = simulateReplication({ scenario, policy: createPolicy(scenario), replication: 0, onTask });
  for (const list of open.values()) sim.addCase(simTable.compact(list)!);
  const pools = options.discovered.pools.map((p) => {
    let logBusy = 0;
    for (const name of p.resources) logBusy += (log.resources.get(log.table.resources.id(name))?.busySeconds ?? 0) / 3600;
    return { pool: p.id, logBusyHours: logBusy, simBusyHours: busy.get(p.id) ?? 0, availableHours: figures.pools[p.id]?.availableHours ?? 0 };
  });
  return renderFidelity(fidelityRows(log, sim, pools), scenario);
}

function renderFidelity(rows: FidelityRow[], scenario: Scenario): string {
  const fmt = (v: number, unit: FidelityRow['unit']) => {
    if (!Number.isFinite(v)) return '–';
    if (unit === 'seconds') return formatDuration(v);
    if (unit === 'share') return `${(v * 100).toFixed(1)}%`;
    if (unit === 'count') return Math.round(v).toLocaleString('en-US');
    return v.toFixed(3);
  };
  const diff = (r: FidelityRow) => {
    if (r.figure.includes('EMD')) return '';
    if (r.unit === 'share') return `${((r.sim - r.log) * 100).toFixed(1)} pt`;
    if (!(Math.abs(r.log) > (r.unit === 'seconds' ? 1 : 1e-12))) return '';
    const d = (r.sim / r.log - 1) * 100;
    return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
  };
  const body = table(
    ['figure', 'log', 'simulated', 'difference'],
    rows.map((r) => [r.figure, r.figure.includes('EMD') ? '' : fmt(r.log, r.unit), fmt(r.sim, r.unit), diff(r)]),
  );
  return (
    `\nFidelity: the discovered scenario simulated once (seed ${scenario.seed}) over the log's period, against the log.\n` +
    "EMD: earth mover's distance between the cycle-time distributions, over the log's mean cycle time (0: the same).\n" +
    "Utilisation: busy time over the hours the scenario's shifts make available.\n\n" +
    body +
    '\n'
  );
}
