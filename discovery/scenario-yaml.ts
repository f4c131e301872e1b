/**
 * Writes a discovered scenario as a commented YAML scenario: every figure
 * carries the evidence it came from (`# 9.1/h from 16,826 cases, 2026-01-05 .. 2026-04-05`),
 * and what the log could not say (costs, disruptions) is marked for the user.
 */
import type { DiscoveredNext, DiscoveredScenario, DiscoveredStep } from './discover-scenario.js';
import type { Fit, FittedDistribution } from './fit-distribution.js';

export interface ScenarioYamlOptions {
  name: string;
  /** the log's file name, for the header */
  source: string;
  /** replay CSV file per process id (relative to the scenario), for --replay */
  replay?: Record<string, string>;
}

export function scenarioYaml(d: DiscoveredScenario, o: ScenarioYamlOptions): string {
  const L: string[] = [];
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  L.push(`# Discovered by \`autoshift discover\` from ${o.source}: ${fmtInt(d.events)} tasks.`);
  L.push('# Each figure says what it was computed from. The log cannot say what people and bots cost');
  L.push('# (costPerHour is 0: set it), nor show absences or outages at hours when little happens:');
  L.push('# the disruptions below are only the bot outages and demand surges the log shows plainly.');
  for (const w of d.warnings) L.push(`# warning: ${w}`);
  L.push(`name: ${quote(o.name)}`);
  L.push('seed: 1');
  L.push(`start: ${quote(d.start)}            # the Monday on or before the first arrival`);
  L.push(`horizon: ${d.horizonDays}d                 # the log's period, ${d.start} .. ${day(d.startMs + d.horizonDays * 86_400_000)}`);
  L.push('warmup: 0');
  L.push('');
  L.push('pools:');
  for (const p of d.pools) {
    L.push(`  ${p.id}:`);
    L.push(`    kind: ${p.kind}${p.kind === 'bot' ? '              # names match --bots' : ''}`);
    L.push(`    size: ${p.size}                 # ${p.resources.length} resource${p.resources.length === 1 ? '' : 's'}: ${ellipsis(p.resources, 6)}`);
    L.push(`    skills: [${p.skills.join(', ')}]      # ${fmtInt(p.tasks)} tasks`);
    L.push('    costPerHour: 0          # not in the log: set it');
    if (p.shifts) {
      L.push(`    shifts:                 # ${p.shiftEvidence}`);
      L.push(`      - { days: [${p.shifts.days.join(', ')}], from: "${p.shifts.from}", to: "${p.shifts.to}" }`);
    } else if (p.kind === 'human') L.push(`    # no shifts: ${p.shiftEvidence}`);
    if (p.kind === 'bot' && p.failures > 0)
      L.push(`    failureRate: ${p.failureRate.toFixed(4)}     # ${fmtInt(p.failures)} of ${fmtInt(p.tasks)} tasks failed and went to a person`);
  }
  const outages = d.pools.flatMap((p) => p.outages.map((o) => ({ pool: p.id, ...o })));
  L.push('');
  L.push('processes:');
  for (const p of d.processes) {
    L.push(`  ${p.id}:`);
    L.push(
      `    sla: ${fmtDuration(p.slaSeconds)}              # the ${Math.round(p.slaQuantile * 100)}% quantile of the observed cycle time (mean ${fmtDuration(p.cycleMean)}), not a promise from the log`,
    );
    L.push(`    start: ${p.start}`);
    L.push('    steps:');
    for (const s of p.steps) writeStep(L, s);
  }
  L.push('');
  L.push('demand:');
  for (const p of d.processes) {
    L.push(`  ${p.id}:`);
    const replay = o.replay?.[p.id];
    if (replay) {
      L.push(`    replay: ${quote(replay)}   # the ${fmtInt(p.cases)} observed arrivals, ${day(p.firstArrival)} .. ${day(p.lastArrival)}`);
      continue;
    }
    L.push(
      `    rate: ${sig(p.ratePerHour)}/h            # ${fmtInt(p.cases)} cases, ${day(p.firstArrival)} .. ${day(p.lastArrival)}, over ${d.horizonDays} days${p.surges.length ? ' (surge days left out)' : ''}`,
    );
    L.push('    # arrivals per hour of the day relative to the mean (hour 0 first), and per day of the week (Monday first)');
    L.push(`    hourOfDay: [${p.hourOfDay.join(', ')}]`);
    L.push(`    dayOfWeek: [${p.dayOfWeek.join(', ')}]`);
    if (p.surges.length) {
      L.push('    surges:                 # days with far more arrivals than the profiles expect (left out of the rate above)');
      for (const s of p.surges)
        L.push(
          `      - { start: ${s.startDay}d, duration: ${s.days}d, factor: ${s.factor} }   # ${fmtInt(s.cases)} arrivals, ${day(d.startMs + s.startDay * 86_400_000)}`,
        );
    }
  }
  if (outages.length) {
    L.push('');
    L.push('disruptions:                # bot pools that started nothing for hours in which they usually start several tasks');
    const startHour = d.startMs / 3_600_000;
    for (const o of outages)
      L.push(
        `  - { kind: outage, pool: ${o.pool}, start: ${o.startHour - startHour}h, duration: ${o.hours}h }   # from ${new Date(o.startHour * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      );
  }
  return L.join('\n') + '\n';
}

function writeStep(L: string[], s: DiscoveredStep): void {
  L.push(`      ${s.id}:${s.id !== s.activity ? `                  # activity "${s.activity}"` : ''}`);
  L.push(`        skill: ${s.skill}`);
  const dist = (key: string, f: Fit, who: string) =>
    L.push(
      `        ${key}: ${fmtDist(f.distribution)}   # ${fmtInt(f.n)} tasks${who}, mean ${fmtDuration(f.sampleMean)}${f.distribution.dist === 'empirical' ? `; no kind fits (KS distance ${f.ks.toFixed(3)}): their quantiles` : `, KS distance ${f.ks.toFixed(3)}`}`,
    );
  if (s.duration) dist('duration', s.duration, '');
  if (s.humanDuration) dist('humanDuration', s.humanDuration, ' by people');
  if (s.botDuration) dist('botDuration', s.botDuration, ' by bots');
  if (s.onBotFailure) L.push(`        onBotFailure: ${s.onBotFailure}   # what ${fmtInt(s.failures)} failed bot tasks went to`);
  writeNext(L, s.next, s.count, s.waitingMean);
}

function writeNext(L: string[], n: DiscoveredNext, count: number, waiting: number): void {
  const evidence = `# of ${fmtInt(count)} tasks (mean wait before them ${fmtDuration(waiting)})`;
  switch (n.kind) {
    case 'end':
      L.push(`        ${evidence}: the case ends`);
      break;
    case 'step':
      L.push(`        next: ${n.to}   ${evidence}`);
      break;
    case 'parallel':
      L.push(`        next: { parallel: [${n.branches.join(', ')}], join: ${n.join} }   ${evidence}: parallel where their tasks overlap or start together`);
      break;
    case 'branch':
      L.push(`        next:   ${evidence}`);
      L.push('          branch:');
      for (const o of n.options) L.push(`            - { to: ${o.to}, p: ${o.p} }   # ${fmtInt(o.count)} times`);
      break;
  }
}

export function fmtDist(d: FittedDistribution): string {
  switch (d.dist) {
    case 'constant':
      return `{ dist: constant, value: ${fmtDuration(d.value)} }`;
    case 'exponential':
      return `{ dist: exponential, mean: ${fmtDuration(d.mean)} }`;
    case 'lognormal':
    case 'gamma':
      return `{ dist: ${d.dist}, mean: ${fmtDuration(d.mean)}, sd: ${fmtDuration(d.sd)} }`;
    case 'uniform':
      return `{ dist: uniform, min: ${fmtDuration(d.min)}, max: ${fmtDuration(d.max)} }`;
    case 'triangular':
      return `{ dist: triangular, min: ${fmtDuration(d.min)}, mode: ${fmtDuration(d.mode)}, max: ${fmtDuration(d.max)} }`;
    case 'empirical':
      return `{ dist: empirical, values: [${d.values.map(fmtDuration).join(', ')}] }`;
  }
}

/** A duration the scenario format reads: 4 significant digits, in s, m or h. */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0.0005) return '0s';
  if (seconds < 120) return `${plain(seconds)}s`;
  if (seconds < 7200) return `${plain(seconds / 60)}m`;
  return `${plain(seconds / 3600)}h`;
}

function plain(x: number): string {
  const s = Number(x.toPrecision(4));
  return s.toFixed(Math.max(0, 4 - Math.floor(Math.log10(Math.max(1e-9, Math.abs(s)))) - 1)).replace(/\.?0+$/, '');
}

function sig(x: number): string {
  return plain(x);
}
function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
function ellipsis(list: string[], n: number): string {
  return list.length <= n ? list.join(', ') : `${list.slice(0, n).join(', ')}, … (${list.length - n} more)`;
}
function quote(s: string): string {
  return JSON.stringify(s);
}
