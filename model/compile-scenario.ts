/**
 * From a parsed scenario to the compiled `Scenario` the runtimes use:
 * schema check, cross-reference checks (every step, pool and process named
 * exists; branch probabilities sum to 1; every skill has a pool), then units
 * resolved to seconds and names to indices. Every problem is reported with
 * its file, line, field path and what is expected; nothing runs on a bad file.
 */
import type { Distribution } from '../simulator/distributions.js';
import type { Attribute, Demand, Disruption, DisruptionKind, Next, Pool, Process, Scenario, ShiftWindow, Step } from './scenario.js';
import { ScenarioError, formatPath, type ScenarioIssue } from './errors.js';
import type { ScenarioSource } from './scenario-source.js';
import type { RawScenario, RawScheduleEntry } from './raw-scenario.js';
import { schemaIssues } from './validate-schema.js';
import { DAY, HOUR, parseDuration, parseRate, parseTimeOfDay } from './units.js';
import { DISTRIBUTION_KINDS, compileDistribution, distributionMean, validateDistribution } from '../simulator/distributions.js';
import { parseArrivalsCsv } from './arrivals-csv.js';
import { mayRevisit, pathReaches } from './process-graph.js';
import { compileAttributes, compileExpression } from './compile-attributes.js';
import { DISRUPTION_KINDS, type RawDisruption } from './disruptions.js';
import { scheduleTimes } from './demand-schedule.js';
import { compileQueueCapacity, compileQueueing } from './compile-queueing.js';

export interface CompileOptions {
  /** reads a file named in the scenario (a replay CSV), relative to the scenario file */
  readCompanion?: (relativePath: string) => string;
  /** policy names the caller can run; an unknown name is an error at `policy` */
  knownPolicies?: readonly string[];
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const DEFAULT_START = '2026-01-05';

export function compileScenario(source: ScenarioSource, options: CompileOptions = {}): Scenario {
  const schema = schemaIssues(source);
  if (schema.length) throw new ScenarioError(schema);
  // the schema has passed: the file reads as RawScenario (model/raw-scenario.ts)
  const raw = source.raw as RawScenario;
  const issues: ScenarioIssue[] = [];
  const fail = (path: (string | number)[], message: string) => issues.push({ file: source.file, line: source.locate(path), path: formatPath(path), message });

  const seconds = (value: string | number) => parseDuration(value);

  // Skills: in order of first mention by a pool, then by a step.
  const skills: string[] = [];
  const skillIndex = (name: string) => {
    let i = skills.indexOf(name);
    if (i < 0) {
      i = skills.length;
      skills.push(name);
    }
    return i;
  };

  // Pools
  const pools: Pool[] = Object.entries(raw.pools).map(([id, p], index) => {
    const shifts: ShiftWindow[] | null = p.shifts
      ? p.shifts.map((s, k) => {
          const from = parseTimeOfDay(s.from);
          const to = parseTimeOfDay(s.to);
          if (from === to) fail(['pools', id, 'shifts', k, 'to'], "expected 'to' to differ from 'from' (a shift that ends past midnight has to < from)");
          return { days: s.days.map((d) => DAYS.indexOf(d)), from, to };
        })
      : null;
    return {
      id,
      index,
      kind: p.kind,
      size: p.size,
      skills: p.skills.map(skillIndex),
      costPerHour: p.costPerHour ?? 0,
      shifts,
      switchOver: p.switchOver !== undefined ? seconds(p.switchOver) : 0,
      failureRate: p.failureRate ?? 0,
      absences: (p.absences ?? []).map((a) => ({ start: seconds(a.start), end: seconds(a.start) + seconds(a.duration), units: a.units })),
      ...(p.atShiftEnd === 'pause' ? { atShiftEnd: 'pause' as const } : {}),
    };
  });
  const poolIndex = new Map(pools.map((p) => [p.id, p.index]));
  // a step can fail (and the case go to its onBotFailure step, or retry it) only if a bot that may fail can do it
  const botCanFail = (step: Step) => pools.some((p) => p.kind === 'bot' && p.failureRate > 0 && p.skills.includes(step.skill));

  // Processes and steps
  const processes: Process[] = Object.entries(raw.processes).map(([pid, p], index) => {
    const stepIds = Object.keys(p.steps);
    const stepIdx = (name: string) => stepIds.indexOf(name);
    const stepPath = (sid: string, ...rest: (string | number)[]) => ['processes', pid, 'steps', sid, ...rest];
    const known = `one of: ${stepIds.join(', ')}`;
    if (stepIds.includes('end')) fail(['processes', pid, 'steps', 'end'], "'end' is reserved: it means the case is done");
    const start = stepIdx(p.start);
    if (start < 0) fail(['processes', pid, 'start'], `unknown step '${p.start}' (expected ${known})`);
    const attributes: Attribute[] = compileAttributes(p.attributes, ['processes', pid, 'attributes'], fail);
    const expression = (text: string, path: (string | number)[], type: 'boolean' | 'number', what: string) =>
      compileExpression(text, attributes, path, type, what, fail);

    const steps: Step[] = stepIds.map((sid, sIndex) => {
      const s = p.steps[sid];
      const dist = (field: 'duration' | 'humanDuration' | 'botDuration'): Distribution | null => {
        const d = s[field];
        if (!d) return null;
        const compiled = compileDistribution(d, parseDuration);
        if (!compiled) {
          fail(stepPath(sid, field, 'dist'), `unknown distribution '${d.dist}' (expected one of: ${DISTRIBUTION_KINDS.join(', ')})`);
          return null;
        }
        const problem = validateDistribution(compiled);
        if (problem) fail(stepPath(sid, field), problem);
        return compiled;
      };
      const gateway = s.gateway === true;
      if (gateway) {
        for (const field of ['skill', 'duration', 'humanDuration', 'botDuration', 'onBotFailure'] as const) {
          if (s[field] !== undefined) fail(stepPath(sid, field), `a gateway step takes no unit and no time (expected no '${field}' beside gateway: true)`);
        }
      } else if (s.skill === undefined) fail(stepPath(sid), "missing field 'skill' (or gateway: true for a routing point that takes no unit)");
      const base = gateway ? { kind: 'constant' as const, value: 0 } : dist('duration');
      const human = gateway ? base : (dist('humanDuration') ?? base);
      const bot = gateway ? base : (dist('botDuration') ?? base);
      if (!human || !bot) {
        fail(stepPath(sid), "missing field 'duration' (or both 'humanDuration' and 'botDuration')");
      }
      let next: Next = { kind: 'end' };
      const target = (name: string, path: (string | number)[], allowEnd: boolean): number => {
        if (allowEnd && name === 'end') return -1;
        const i = stepIdx(name);
        if (i < 0) fail(path, `unknown step '${name}' (expected ${known}${allowEnd ? ', or end' : ''})`);
        return i;
      };
      const rawNext = s.next;
      if (typeof rawNext === 'string') {
        const t = target(rawNext, stepPath(sid, 'next'), true);
        next = t < 0 ? { kind: 'end' } : { kind: 'step', step: t };
      } else if (rawNext && 'branch' in rawNext) {
        const to: number[] = [];
        const cumulative: number[] = [];
        const when: ReturnType<typeof expression>[] = [];
        let sum = 0;
        let lastDrawn = -1;
        rawNext.branch.forEach((b, k) => {
          to.push(target(b.to, stepPath(sid, 'next', 'branch', k, 'to'), true));
          if (b.when !== undefined && b.p !== undefined)
            fail(stepPath(sid, 'next', 'branch', k, 'p'), "expected 'when' (a condition) or 'p' (a probability), not both");
          if (b.when !== undefined) when.push(expression(b.when, stepPath(sid, 'next', 'branch', k, 'when'), 'boolean', 'a condition'));
          else {
            when.push(null);
            sum += b.p ?? 0;
            lastDrawn = k;
          }
          cumulative.push(sum);
        });
        const conditional = when.some((w) => w !== null);
        if (conditional && lastDrawn < 0) {
          fail(stepPath(sid, 'next', 'branch'), "expected an entry with 'p' too: where a case goes when no condition holds (e.g. { to: end, p: 1 })");
        } else if (Math.abs(sum - 1) > 1e-9) {
          fail(
            stepPath(sid, 'next', 'branch'),
            `expected probabilities that sum to 1${conditional ? " (over the entries without 'when')" : ''}, got ${round(sum)}`,
          );
        }
        for (let k = Math.max(lastDrawn, 0); k < cumulative.length; k++) cumulative[k] = 1;
        next = conditional ? { kind: 'branch', to, cumulative, when } : { kind: 'branch', to, cumulative };
      } else if (rawNext && 'parallel' in rawNext) {
        const branches = rawNext.parallel.map((b, k) => target(b, stepPath(sid, 'next', 'parallel', k), false));
        const join = target(rawNext.join, stepPath(sid, 'next', 'join'), false);
        next = { kind: 'parallel', branches, join };
      }
      let onBotFailure = -1;
      if (s.onBotFailure !== undefined) onBotFailure = target(s.onBotFailure, stepPath(sid, 'onBotFailure'), false);
      return {
        id: sid,
        index: sIndex,
        key: `${pid}/${sid}`,
        ...(gateway ? { gateway } : {}),
        skill: gateway || s.skill === undefined ? -1 : skillIndex(s.skill),
        humanDuration: human ?? { kind: 'constant', value: 0 },
        botDuration: bot ?? { kind: 'constant', value: 0 },
        onBotFailure,
        next,
        durationScale: s.durationScale !== undefined ? expression(s.durationScale, stepPath(sid, 'durationScale'), 'number', 'a duration scale') : null,
      };
    });
    return {
      id: pid,
      index,
      sla: seconds(p.sla),
      costOfDelayPerHour: p.costOfDelayPerHour ?? 1,
      start: Math.max(start, 0),
      steps,
      mayRevisit: mayRevisit(steps, botCanFail),
      ...(attributes.length ? { attributes } : {}),
    };
  });
  const processIndex = new Map(processes.map((p) => [p.id, p.index]));
  compileQueueing(processes, raw.processes, fail);

  // Every skill must be served by some pool; a bot-failure target by a person.
  for (const proc of processes) {
    for (const step of proc.steps) {
      if (step.gateway || step.skill < 0) continue; // a routing point needs no unit (a missing skill is reported above)
      if (!pools.some((pool) => pool.skills.includes(step.skill))) {
        fail(
          ['processes', proc.id, 'steps', step.id, 'skill'],
          `no pool has skill '${skills[step.skill]}' (expected a skill listed by a pool: ${distinct(pools.flatMap((p) => p.skills))
            .map((i) => skills[i])
            .join(', ')})`,
        );
      }
      if (step.onBotFailure >= 0) {
        const target = proc.steps[step.onBotFailure];
        if (target.gateway)
          fail(['processes', proc.id, 'steps', step.id, 'onBotFailure'], `step '${target.id}' is a gateway step (expected a step people can do)`);
        else if (!pools.some((pool) => pool.kind === 'human' && pool.skills.includes(target.skill))) {
          fail(
            ['processes', proc.id, 'steps', step.id, 'onBotFailure'],
            `step '${target.id}' needs skill '${skills[target.skill]}', which no human pool has (expected a step people can do)`,
          );
        }
      }
    }
    checkReachableJoins(proc, (path, m) => fail(['processes', proc.id, ...path], m));
  }

  // Demand
  const demand: Demand[] = [];
  /** fixed times of the week, unrolled over the horizon: the runtimes read them as replayed arrivals */
  const scheduledDemand = (schedule: RawScheduleEntry[], process: number): Demand => {
    const entries = schedule.map((e) => ({
      days: (e.days ?? DAYS).map((day) => DAYS.indexOf(day)),
      at: parseTimeOfDay(e.at),
      count: e.count ?? 1,
    }));
    const horizon = raw.horizon !== undefined ? seconds(raw.horizon) : 0;
    return { kind: 'replay', process, times: scheduleTimes(entries, horizon), source: 'schedule' };
  };
  for (const [pid, d] of Object.entries(raw.demand)) {
    const process = processIndex.get(pid);
    if (process === undefined) {
      fail(['demand', pid], `unknown process '${pid}' (expected one of: ${[...processIndex.keys()].join(', ')})`);
      continue;
    }
    if (d.replay !== undefined) {
      if (!options.readCompanion) {
        fail(['demand', pid, 'replay'], 'replay files can only be read from a scenario file');
        continue;
      }
      let text: string;
      try {
        text = options.readCompanion(d.replay);
      } catch (err) {
        fail(['demand', pid, 'replay'], `cannot read '${d.replay}': ${(err as Error).message}`);
        continue;
      }
      const parsed = parseArrivalsCsv(text, d.replay, raw.start ?? DEFAULT_START);
      if ('issues' in parsed) {
        issues.push(...parsed.issues);
        continue;
      }
      demand.push({ kind: 'replay', process, times: parsed.times, source: d.replay });
    } else if (d.schedule !== undefined && d.rate === undefined && d.interarrival === undefined) {
      demand.push(scheduledDemand(d.schedule, process));
    } else {
      // a schedule beside a rate or interarrival (a daily batch on top of the trickle): two arrival streams of the process
      if (d.schedule !== undefined) demand.push(scheduledDemand(d.schedule, process));
      const hourOfDay: number[] = d.hourOfDay ?? new Array(24).fill(1);
      const dayOfWeek: number[] = d.dayOfWeek ?? new Array(7).fill(1);
      if (hourOfDay.every((x) => x === 0)) fail(['demand', pid, 'hourOfDay'], 'expected at least one hour with a multiplier above 0');
      if (dayOfWeek.every((x) => x === 0)) fail(['demand', pid, 'dayOfWeek'], 'expected at least one day with a multiplier above 0');
      let rate = 0;
      let interarrival: Distribution | undefined;
      let batch: Distribution | undefined;
      if (d.rate !== undefined && d.interarrival !== undefined) {
        fail(['demand', pid, 'interarrival'], "expected either 'rate' (Poisson arrivals) or 'interarrival' (renewal arrivals), not both");
        continue;
      } else if (d.rate !== undefined) {
        rate = parseRate(d.rate);
      } else if (d.interarrival !== undefined) {
        const compiled = compileDistribution(d.interarrival, parseDuration);
        if (!compiled) {
          fail(['demand', pid, 'interarrival', 'dist'], `unknown distribution '${d.interarrival.dist}' (expected one of: ${DISTRIBUTION_KINDS.join(', ')})`);
          continue;
        }
        interarrival = compiled;
        const problem = validateDistribution(interarrival);
        const mean = distributionMean(interarrival);
        if (problem) {
          fail(['demand', pid, 'interarrival'], problem);
          continue;
        }
        if (!(mean > 0)) {
          fail(['demand', pid, 'interarrival'], `expected a distribution with a mean above 0 (got mean ${mean}s)`);
          continue;
        }
        rate = 1 / mean;
      } else {
        fail(['demand', pid], "expected 'rate' (e.g. 8/h), 'interarrival' (a distribution), 'schedule' (fixed times) or 'replay' (a CSV file)");
        continue;
      }
      if (d.batch !== undefined) {
        const compiled = compileDistribution(d.batch, parseDuration);
        if (!compiled) {
          fail(['demand', pid, 'batch', 'dist'], `unknown distribution '${d.batch.dist}' (expected one of: ${DISTRIBUTION_KINDS.join(', ')})`);
          continue;
        }
        batch = compiled;
        const problem = validateDistribution(batch);
        if (problem) {
          fail(['demand', pid, 'batch'], problem);
          continue;
        }
        if (!(distributionMean(batch) > 0)) {
          fail(['demand', pid, 'batch'], 'expected a batch-size distribution with a mean above 0');
          continue;
        }
      }
      demand.push({
        kind: 'poisson',
        process,
        rate,
        hourOfDay,
        dayOfWeek,
        surges: (d.surges ?? []).map((s) => ({ start: seconds(s.start), end: seconds(s.start) + seconds(s.duration), factor: s.factor })),
        ...(interarrival ? { interarrival } : {}),
        ...(batch ? { batch } : {}),
      });
    }
  }

  // Disruptions
  const disruptions: Disruption[] = (raw.disruptions ?? []).map((d, index): Disruption => {
    let pool = -1;
    let process = -1;
    if (d.pool !== undefined) {
      pool = poolIndex.get(d.pool) ?? -1;
      if (pool < 0) fail(['disruptions', index, 'pool'], `unknown pool '${d.pool}' (expected one of: ${[...poolIndex.keys()].join(', ')})`);
      else if (DISRUPTION_KINDS[d.kind as DisruptionKind].peopleOnly && pools[pool].kind !== 'human')
        fail(['disruptions', index, 'pool'], `'${d.pool}' is a bot pool (expected a human pool: an absence is of people; use an outage for bots)`);
    }
    if (d.process !== undefined) {
      process = processIndex.get(d.process) ?? -1;
      if (process < 0) fail(['disruptions', index, 'process'], `unknown process '${d.process}' (expected one of: ${[...processIndex.keys()].join(', ')})`);
    }
    const start = seconds(d.start);
    const end = start + seconds(d.duration);
    const target = d.pool ?? d.process ?? 'all';
    const kind = d.kind as DisruptionKind;
    const spec = DISRUPTION_KINDS[kind] as { compile(r: RawDisruption): object };
    return {
      index,
      kind,
      label: `${kind} ${target} @${formatDays(start)}`,
      start,
      end,
      ...spec.compile({ kind, pool, process, units: d.units, factor: d.factor }),
    } as Disruption;
  });

  // Queues
  const queueLimits = skills.map(() => ({ min: 0, max: Infinity }));
  for (const [skill, limits] of Object.entries(raw.queues ?? {})) {
    const i = skills.indexOf(skill);
    if (i < 0) {
      fail(['queues', skill], `unknown queue '${skill}' (expected a skill: ${skills.join(', ')})`);
      continue;
    }
    queueLimits[i] = { min: limits.min ?? 0, max: limits.max ?? Infinity };
    if (queueLimits[i].min > queueLimits[i].max) fail(['queues', skill], 'expected min <= max');
  }

  // Run settings
  const horizon = seconds(raw.horizon);
  const warmup = raw.warmup !== undefined ? seconds(raw.warmup) : 0;
  if (horizon <= 0) fail(['horizon'], 'expected a duration above 0');
  if (warmup >= horizon) fail(['warmup'], `expected a warm-up shorter than the horizon (${raw.horizon})`);
  const sampleEvery = raw.sampleEvery !== undefined ? seconds(raw.sampleEvery) : HOUR;
  if (sampleEvery <= 0) fail(['sampleEvery'], 'expected a duration above 0');
  const start = raw.start ?? DEFAULT_START;
  if (new Date(`${start}T00:00:00Z`).getUTCDay() !== 1) fail(['start'], `expected a Monday, got ${start}`);

  const policyRaw = raw.policy ?? 'static';
  const policy =
    typeof policyRaw === 'string'
      ? { name: policyRaw, module: null, params: {} }
      : { name: policyRaw.name ?? 'module', module: policyRaw.module ?? null, params: policyRaw.params ?? {} };
  if (!policy.module && options.knownPolicies && !options.knownPolicies.includes(policy.name)) {
    fail(
      typeof policyRaw === 'string' ? ['policy'] : ['policy', 'name'],
      `unknown policy '${policy.name}' (expected one of: ${options.knownPolicies.join(', ')}, or { module: ./my-policy.js })`,
    );
  }

  if (issues.length) throw new ScenarioError(issues.sort((a, b) => a.line - b.line));
  return {
    name: raw.name,
    description: raw.description ?? '',
    file: source.file,
    seed: raw.seed ?? 1,
    start,
    horizon,
    warmup,
    sampleEvery,
    ...(raw.drain === true || raw.cases !== undefined ? { drain: true } : {}),
    ...(raw.cases !== undefined ? { cases: raw.cases } : {}),
    rebalanceEvery: raw.rebalanceEvery !== undefined ? seconds(raw.rebalanceEvery) : HOUR,
    policy,
    skills,
    queueLimits,
    queueCapacity: compileQueueCapacity(skills, raw.queues),
    pools,
    processes,
    demand,
    disruptions,
  };
}

/** Every branch of a parallel split must be able to reach its join (or end, which counts as arriving there), or the case would wait forever. */
function checkReachableJoins(proc: Process, fail: (path: (string | number)[], message: string) => void) {
  for (const step of proc.steps) {
    if (step.next.kind !== 'parallel') continue;
    const { branches, join } = step.next;
    if (join < 0) continue;
    branches.forEach((b, k) => {
      if (b < 0) return;
      // a branch that ends (no next, or `to: end`) counts as arriving at the join
      if (!pathReaches(proc.steps, b, join))
        fail(
          ['steps', step.id, 'next', 'parallel', k],
          `branch '${proc.steps[b].id}' never reaches the join step '${proc.steps[join].id}' (expected every branch to lead to it)`,
        );
    });
  }
}

function distinct(xs: number[]): number[] {
  return [...new Set(xs)];
}
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
function formatDays(s: number): string {
  return s % DAY === 0 ? `${s / DAY}d` : s % HOUR === 0 ? `${s / HOUR}h` : `${s}s`;
}
