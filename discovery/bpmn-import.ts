/**
 * A BPMN process (with Prosimos/Simod parameters when given) → a scenario:
 * tasks become steps, exclusive gateways branches with their probabilities
 * (nested ones multiplied out), parallel gateways splits with their join (the
 * step after the converging gateway), loops stay loops. Where the scenario
 * needs a step to split or choose from (a split or a choice right after the
 * start, a choice into a split, a join followed by a choice or the end), the
 * gateway becomes a gateway step (`gateway: true`: no unit, no time). Resource profiles
 * become pools with their calendars as shifts, the arrival distribution a
 * rate with its calendar as profiles. What the scenario cannot express is
 * listed in `warnings`, each with the element's id and what was done instead:
 * the import never drops an element silently.
 */
import { InputError } from './log-error.js';
import type { BpmnNode, BpmnProcess } from './bpmn-model.js';
import { meanOf, type ProsimosParams, type ScenarioDistribution, type TimePeriod } from './prosimos-params.js';

export interface ImportedScenario {
  scenario: Record<string, any>;
  warnings: string[];
  steps: Map<string, string>;
}

type Target =
  | { kind: 'end' }
  | { kind: 'step'; id: string }
  | { kind: 'branch'; at: string; options: { target: Target; p: number }[] }
  | { kind: 'parallel'; at: string; branches: Target[] }
  /** a converging parallel gateway followed by a choice, a split or the end: a gateway step of its own, so that paths meet there before going on */
  | { kind: 'join'; at: string; after: Target };

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const DAY_IDS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function importBpmn(model: BpmnProcess, params: ProsimosParams | null, options: { file: string; paramsFile?: string; bots: RegExp }): ImportedScenario {
  const warnings: string[] = [];
  const warn = (n: BpmnNode | { id: string; element: string }, what: string) => warnings.push(`${n.element} '${n.id}': ${what}`);
  const ids = new Map<string, string>();
  const nodeOfStep = new Map<string, string>();
  const used = new Set<string>();
  const stepId = (n: BpmnNode) => {
    let id = ids.get(n.id);
    if (id) return id;
    let base = (n.name || n.id).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'task';
    if (!/^[A-Za-z]/.test(base)) base = `t-${base}`;
    id = base;
    for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
    used.add(id);
    ids.set(n.id, id);
    nodeOfStep.set(id, n.id);
    return id;
  };
  const node = (id: string) => model.nodes.get(id)!;
  const tasks = [...model.nodes.values()].filter((n) => n.kind === 'task');
  if (!tasks.length) throw new InputError(`${options.file}: process '${model.id}' has no tasks (expected at least one task between its start and end events)`);
  for (const other of model.otherProcesses) warnings.push(`process '${other}': only the first process with a start event ('${model.id}') is imported`);
  for (const n of model.nodes.values()) {
    if (n.kind === 'inclusive')
      warn(n, 'an inclusive gateway: treated as exclusive (one path, with its probabilities), since a scenario branch takes one path');
    if (n.kind === 'eventBased') warn(n, 'an event-based gateway: treated as exclusive (one path)');
    if (n.kind === 'intermediate') warn(n, 'an intermediate event (timer or message): passed through without waiting');
    if (n.kind === 'subProcess') warn(n, 'a sub-process: not imported (its inner elements are not steps); the flow passes through it');
    if (n.kind === 'other') warn(n, 'a boundary event: not imported (its exception flow is never taken)');
  }
  for (const t of tasks) if (!t.outgoing.length) warn(t, 'a task with no outgoing flow: the case ends after it');

  // known ids in the parameters must be elements of the model
  if (params) {
    for (const taskId of params.durations.keys()) {
      const n = model.nodes.get(taskId);
      if (!n || n.kind !== 'task')
        throw new InputError(
          `${options.paramsFile}: task_resource_distribution: task '${taskId}' is not a task of ${options.file} (expected one of: ${tasks
            .slice(0, 8)
            .map((t) => t.id)
            .join(', ')}${tasks.length > 8 ? ', …' : ''})`,
        );
    }
    for (const [gid, flows] of params.branching) {
      const g = model.nodes.get(gid);
      if (!g) throw new InputError(`${options.paramsFile}: gateway_branching_probabilities: gateway '${gid}' is not an element of ${options.file}`);
      for (const f of flows.keys())
        if (!g.outgoing.includes(f))
          throw new InputError(
            `${options.paramsFile}: gateway_branching_probabilities: '${f}' is not an outgoing flow of gateway '${gid}' (expected one of: ${g.outgoing.join(', ')})`,
          );
    }
    for (const section of params.unsupported)
      warnings.push(`${options.paramsFile}: ${section}: not imported (the scenario format has no ${section.replace(/_/g, ' ')})`);
  }

  // where a flow leads: through gateways and events to steps, branches, splits or the end
  const resolve = (flowId: string, seen: Set<string>): Target => resolveNode(node(model.flows.get(flowId)!.target), seen);
  const resolveNode = (n: BpmnNode, seen: Set<string>): Target => {
    if (n.kind === 'task') return { kind: 'step', id: stepId(n) };
    if (n.kind === 'end') return { kind: 'end' };
    if (seen.has(n.id)) {
      warn(n, 'a loop of gateways with no task in it: the case ends there');
      return { kind: 'end' };
    }
    const next = new Set(seen).add(n.id);
    if (!n.outgoing.length && n.kind !== 'parallel') return { kind: 'end' };
    if (n.kind === 'parallel' && n.incoming.length > 1) {
      const after = n.outgoing.length === 1 ? resolve(n.outgoing[0], next) : n.outgoing.length ? splitAt(n, next) : { kind: 'end' as const };
      return after.kind === 'step' ? after : { kind: 'join', at: n.id, after };
    }
    if (n.outgoing.length === 1) return resolve(n.outgoing[0], next);
    if (n.kind === 'parallel') return splitAt(n, next);
    // exclusive-like: branch with the given probabilities (equal when none)
    const given = params?.branching.get(n.id);
    if (!given)
      warn(n, `no branching probabilities${params ? ` in ${options.paramsFile}` : ''}: each of its ${n.outgoing.length} paths gets 1/${n.outgoing.length}`);
    return { kind: 'branch', at: n.id, options: n.outgoing.map((f) => ({ target: resolve(f, next), p: given ? (given.get(f) ?? 0) : 1 / n.outgoing.length })) };
  };
  const splitAt = (n: BpmnNode, seen: Set<string>): Target => ({ kind: 'parallel', at: n.id, branches: n.outgoing.map((f) => resolve(f, seen)) });
  // the first element every branch of a split at `at` reaches (its join): a task, a converging gateway or the end
  const joinOf = (at: string, firstFlows: string[]): BpmnNode | null => {
    const reach = (flow: string): string[] => {
      const order: string[] = [];
      const seen = new Set<string>([at]);
      const queue = [model.flows.get(flow)!.target];
      while (queue.length) {
        const id = queue.shift()!;
        if (seen.has(id)) continue;
        seen.add(id);
        order.push(id);
        for (const f of node(id).outgoing) queue.push(model.flows.get(f)!.target);
      }
      return order;
    };
    const orders = firstFlows.map(reach);
    const sets = orders.map((o) => new Set(o));
    const common = orders[0].find((id) => sets.every((set) => set.has(id)));
    return common ? node(common) : null;
  };

  // gateway steps: routing points (no unit, no time) where the scenario needs a step to split or choose from
  const gatewaySteps: Record<string, Record<string, any>> = {};
  const gatewayStep = (n: BpmnNode, target: Target | null): string => {
    const sid = stepId(n);
    if (gatewaySteps[sid]) return sid;
    gatewaySteps[sid] = { gateway: true };
    const next = target ? write(target, n) : undefined;
    if (next !== undefined) gatewaySteps[sid].next = next;
    return sid;
  };
  // a target as one step: itself when it is a step, else a gateway step at its element
  const asStep = (t: Target): string | null => {
    if (t.kind === 'step') return t.id;
    if (t.kind === 'end') return null;
    if (t.kind === 'join') return gatewayStep(node(t.at), t.after.kind === 'end' ? null : t.after);
    return gatewayStep(node(t.at), t);
  };

  const write = (t: Target, at: BpmnNode): any => {
    switch (t.kind) {
      case 'end':
        return undefined;
      case 'step':
        return t.id;
      case 'join':
        return asStep(t);
      case 'parallel': {
        const split = node(t.at);
        const joinNode = joinOf(split.id, split.outgoing);
        const after: Target = joinNode && joinNode.kind !== 'end' ? resolveNode(joinNode, new Set()) : { kind: 'end' };
        // branches that never meet before the end: a gateway step with no next, where the last one ends the case
        const join =
          after.kind === 'end'
            ? gatewayStep(
                { id: `${split.id}-end`, name: `${split.name || split.id} end`, kind: 'parallel', element: 'parallelGateway', incoming: [], outgoing: [] },
                null,
              )
            : asStep(after)!;
        // a branch straight to the join (or to the end) arrives at the join at once
        const heads = t.branches.map((b) => (b.kind === 'end' ? join : asStep(b)!));
        return { parallel: heads, join };
      }
      case 'branch': {
        const flat: { to: string; p: number }[] = [];
        const add = (x: Target, p: number) => {
          if (x.kind === 'branch') {
            for (const o of x.options) add(o.target, p * o.p);
            return;
          }
          const to = x.kind === 'end' ? 'end' : asStep(x)!;
          const known = flat.find((o) => o.to === to);
          if (known) known.p += p;
          else flat.push({ to, p });
        };
        add(t, 1);
        const total = flat.reduce((a, o) => a + o.p, 0);
        if (Math.abs(total - 1) > 1e-6) warn(at, `branching probabilities sum to ${total.toFixed(4)}: scaled to 1`);
        let rest = 1;
        const out = flat.map((o, i) => {
          const p = i === flat.length - 1 ? Number(rest.toFixed(6)) : Number((o.p / total).toFixed(6));
          rest -= p;
          return { to: o.to, p };
        });
        return out.length === 1 ? (out[0].to === 'end' ? undefined : out[0].to) : { branch: out };
      }
    }
  };

  // start
  const start = [...model.nodes.values()].find((n) => n.kind === 'start')!;
  if (!start.outgoing.length) throw new InputError(`${options.file}: startEvent '${start.id}' has no outgoing flow (expected a flow to the first task)`);
  if (start.outgoing.length > 1) warn(start, 'several outgoing flows from the start event: read as a parallel split (BPMN semantics)');
  const startTarget =
    start.outgoing.length === 1
      ? resolve(start.outgoing[0], new Set())
      : { kind: 'parallel' as const, at: start.id, branches: start.outgoing.map((f) => resolve(f, new Set())) };
  // a process that starts with a split or a choice starts at a gateway step (a routing point)
  const startStep = startTarget.kind === 'end' ? null : asStep(startTarget);
  if (!startStep) throw new InputError(`${options.file}: startEvent '${start.id}' leads to the end with no task (expected a flow to the first task)`);

  // durations and pools
  const steps: Record<string, any> = {};
  const pools: Record<string, any> = {};
  const poolOfResource = new Map<string, string>();
  if (params?.profiles.length) {
    for (const prof of params.profiles) {
      let id = prof.name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || prof.id;
      if (!/^[A-Za-z]/.test(id)) id = `pool-${id}`;
      while (pools[id]) id = `${id}-2`;
      const size = prof.resources.reduce((a, r) => a + r.amount, 0);
      const cost = size ? prof.resources.reduce((a, r) => a + r.amount * r.costPerHour, 0) / size : 0;
      const calendar = params.calendars.get(prof.resources[0]?.calendar ?? '');
      const kind = options.bots.test(prof.name) ? 'bot' : 'human';
      pools[id] = { kind, size: Math.max(1, size), skills: [] as string[], costPerHour: Number(cost.toFixed(2)) };
      if (calendar && kind === 'human') {
        const shifts = shiftsOf(calendar);
        if (shifts.length) pools[id].shifts = shifts;
      }
      if (prof.resources.some((r) => JSON.stringify(params.calendars.get(r.calendar) ?? null) !== JSON.stringify(calendar ?? null)))
        warnings.push(`resource profile '${prof.id}': its resources have different calendars; pool ${id} takes the first one's`);
      for (const r of prof.resources) poolOfResource.set(r.id, id);
    }
  } else {
    pools.staff = { kind: 'human', size: 1, skills: [] as string[], costPerHour: 0 };
    warnings.push(`no resource profiles${params ? ` in ${options.paramsFile}` : ' (no parameters given)'}: one pool 'staff' of 1 does every task`);
  }
  for (const t of tasks) {
    const sid = stepId(t);
    const step: Record<string, any> = { skill: sid };
    const byResource = params?.durations.get(t.id);
    if (byResource && byResource.size) {
      const list = [...byResource.entries()];
      const [firstRes, first] = list[0];
      step.duration = first.dist;
      if (first.note) warn(t, `duration: ${first.note}`);
      const differs = list.some(([, d]) => JSON.stringify(d.dist) !== JSON.stringify(first.dist));
      if (differs)
        warn(
          t,
          `durations differ per resource: the scenario has one per step (and per people/bots), so all take ${firstRes}'s, mean ${meanOf(first.dist).toFixed(0)}s`,
        );
      for (const [rid] of list) {
        const pool = poolOfResource.get(rid);
        if (!pool)
          throw new InputError(`${options.paramsFile}: task_resource_distribution: task '${t.id}' names resource '${rid}', which no resource profile lists`);
        if (!pools[pool].skills.includes(sid)) pools[pool].skills.push(sid);
      }
    } else {
      step.duration = { dist: 'exponential', mean: 600 };
      warn(t, `no duration${params ? ` in ${options.paramsFile}` : ' (no parameters given)'}: exponential with mean 10m assumed`);
      const first = Object.keys(pools)[0];
      if (!params?.profiles.length || !Object.values(pools).some((p: any) => p.skills.includes(sid))) pools[first].skills.push(sid);
    }
    const next = t.outgoing.length
      ? write(
          t.outgoing.length === 1 ? resolve(t.outgoing[0], new Set()) : { kind: 'parallel', at: t.id, branches: t.outgoing.map((f) => resolve(f, new Set())) },
          t,
        )
      : undefined;
    if (t.outgoing.length > 1) warn(t, 'several outgoing flows from a task: read as a parallel split (BPMN semantics)');
    if (next !== undefined) step.next = next;
    steps[sid] = step;
  }
  for (const [id, pool] of Object.entries<any>(pools))
    if (!pool.skills.length) {
      warnings.push(`pool ${id}: does no task of this process (kept, with no skills it cannot work)`);
      pool.skills.push('unused');
    }

  // arrivals
  let demand: Record<string, any>;
  if (params?.arrival && Number.isFinite(params.arrival.mean) && params.arrival.mean > 0) {
    const perHour = 3600 / params.arrival.mean;
    demand = { rate: `${Number(perHour.toPrecision(6))}/h` };
    if (params.arrival.dist.dist !== 'exponential')
      warnings.push(
        `${options.paramsFile}: arrival_time_distribution: ${params.arrival.dist.dist} inter-arrival times; the scenario's arrivals are Poisson with the same mean (${params.arrival.mean.toFixed(0)}s)`,
      );
    const profile = arrivalProfile(params.arrivalCalendar);
    if (profile) {
      demand.hourOfDay = profile.hourOfDay;
      demand.dayOfWeek = profile.dayOfWeek;
      if (profile.approximate)
        warnings.push(
          `${options.paramsFile}: arrival_time_calendar: its hours differ by day; written as hour-of-day × day-of-week profiles (the union of the hours, on the days it names)`,
        );
    }
  } else {
    demand = { rate: '1/h' };
    warnings.push(`no arrival_time_distribution${params ? ` in ${options.paramsFile}` : ' (no parameters given)'}: 1 case per hour assumed`);
  }
  const processId =
    (model.name || model.id)
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^([^A-Za-z])/, 'p-$1') || 'process';
  const scenario = {
    name: `Imported from ${options.file.split('/').pop()}`,
    seed: 1,
    horizon: '30d',
    pools,
    processes: {
      [processId]: {
        sla: '1d',
        start: startStep,
        steps: { ...(gatewaySteps[startStep] ? { [startStep]: gatewaySteps[startStep] } : {}), ...steps, ...gatewaySteps },
      },
    },
    demand: { [processId]: demand },
  };
  return { scenario, warnings: [...new Set(warnings)], steps: ids };
}

function shiftsOf(periods: TimePeriod[]): { days: string[]; from: string; to: string }[] {
  const out: { days: string[]; from: string; to: string }[] = [];
  for (const p of periods) {
    const a = DAYS.indexOf(String(p.from).toUpperCase()),
      b = DAYS.indexOf(String(p.to).toUpperCase());
    if (a < 0 || b < 0) continue;
    const days = [];
    for (let d = a; ; d = (d + 1) % 7) {
      days.push(DAY_IDS[d]);
      if (d === b) break;
    }
    const from = String(p.beginTime).slice(0, 5),
      to = String(p.endTime).slice(0, 5);
    const toFixed = to === '23:59' ? '24:00' : /:59$/.test(to) ? `${String(Number(to.slice(0, 2)) + 1).padStart(2, '0')}:00` : to;
    if (from === '00:00' && toFixed === '24:00' && days.length === 7) return [];
    out.push({ days, from, to: toFixed });
  }
  return out;
}

function arrivalProfile(periods: TimePeriod[]): { hourOfDay: number[]; dayOfWeek: number[]; approximate: boolean } | null {
  if (!periods.length) return null;
  const open = new Uint8Array(168);
  for (const s of shiftsOf(periods)) {
    const from = Number(s.from.slice(0, 2)),
      to = Math.max(from + 1, Math.ceil(Number(s.to.slice(0, 2)) + Number(s.to.slice(3, 5)) / 60));
    for (const d of s.days) for (let h = from; h < Math.min(24, to); h++) open[DAY_IDS.indexOf(d) * 24 + h] = 1;
  }
  if (open.every((x) => x === 0)) return null;
  const dayOfWeek = DAY_IDS.map((_, d) => (open.slice(d * 24, d * 24 + 24).some((x) => x) ? 1 : 0));
  const hourOfDay = Array.from({ length: 24 }, (_, h) => (DAY_IDS.some((_, d) => open[d * 24 + h]) ? 1 : 0));
  let approximate = false;
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) if (open[d * 24 + h] !== (dayOfWeek[d] & hourOfDay[h])) approximate = true;
  return { hourOfDay, dayOfWeek, approximate };
}

export type { ScenarioDistribution };
