/**
 * Simulation parameters in Prosimos/Simod's JSON format, in both of its
 * shapes: lists with `{ value }` parameters (current Prosimos, means and
 * variances as in pix-framework) and dicts with plain scipy.stats parameters
 * (older Prosimos and its QBP converter: loc and scale). Distributions come
 * out as the scenario's kinds, with a note when one had to be approximated.
 */
import { InputError } from './log-error.js';

export type ScenarioDistribution = Record<string, string | number | number[]>;

export interface ParamResource {
  id: string;
  name: string;
  amount: number;
  costPerHour: number;
  calendar: string;
}
export interface ParamProfile {
  id: string;
  name: string;
  resources: ParamResource[];
}
export interface TimePeriod {
  from: string;
  to: string;
  beginTime: string;
  endTime: string;
}

export interface ProsimosParams {
  profiles: ParamProfile[];
  /** task id → resource id → distribution */
  durations: Map<string, Map<string, { dist: ScenarioDistribution; note?: string }>>;
  /** gateway id → flow id → probability */
  branching: Map<string, Map<string, number>>;
  arrival: { dist: ScenarioDistribution; mean: number; note?: string } | null;
  arrivalCalendar: TimePeriod[];
  calendars: Map<string, TimePeriod[]>;
  /** sections present that the scenario cannot express */
  unsupported: string[];
}

export function readProsimosParams(text: string, file: string): ProsimosParams {
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message}); expected Prosimos simulation parameters`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InputError(`${file}: expected a JSON object of Prosimos simulation parameters`);
  const where = (path: string) => `${file}: ${path}`;
  const entries = (v: any): [string, any][] =>
    Array.isArray(v) ? v.map((x) => [String(x.id ?? x.task_id ?? x.gateway_id ?? ''), x]) : Object.entries(v ?? {});

  const calendars = new Map<string, TimePeriod[]>();
  for (const [id, c] of entries(json.resource_calendars)) calendars.set(id, Array.isArray(c) ? c : (c.time_periods ?? []));

  const profiles: ParamProfile[] = entries(json.resource_profiles).map(([id, p]) => ({
    id,
    name: String(p.name ?? id),
    resources: (p.resource_list ?? []).map((r: any) => ({
      id: String(r.id),
      name: String(r.name ?? r.id),
      amount: Number(r.amount ?? 1) || 1,
      costPerHour: Number(r.cost_per_hour ?? 0) || 0,
      calendar: String(r.calendar ?? (calendars.has(String(r.id)) ? r.id : '')),
    })),
  }));

  const durations = new Map<string, Map<string, { dist: ScenarioDistribution; note?: string }>>();
  for (const [taskId, t] of entries(json.task_resource_distribution)) {
    const m = new Map<string, { dist: ScenarioDistribution; note?: string }>();
    const list: [string, any][] = Array.isArray(t.resources) ? t.resources.map((r: any) => [String(r.resource_id), r]) : Object.entries(t);
    for (const [rid, d] of list) m.set(rid, toDistribution(d, where(`task_resource_distribution '${taskId}' resource '${rid}'`)));
    durations.set(taskId, m);
  }

  const branching = new Map<string, Map<string, number>>();
  for (const [gid, g] of entries(json.gateway_branching_probabilities)) {
    const list: [string, any][] = Array.isArray(g.probabilities) ? g.probabilities.map((x: any) => [String(x.path_id), x.value]) : Object.entries(g);
    branching.set(gid, new Map(list.map(([flow, v]) => [flow, Number(v)])));
  }

  let arrival: ProsimosParams['arrival'] = null;
  if (json.arrival_time_distribution) {
    const d = toDistribution(json.arrival_time_distribution, where('arrival_time_distribution'));
    arrival = { ...d, mean: meanOf(d.dist) };
  }
  const unsupported = [
    'batch_processing',
    'case_attributes',
    'event_distribution',
    'prioritisation_rules',
    'branch_rules',
    'multitask',
    'event_attributes',
    'global_attributes',
  ].filter((k) => (Array.isArray(json[k]) ? json[k].length > 0 : json[k] && Object.keys(json[k]).length > 0));
  return { profiles, durations, branching, arrival, arrivalCalendar: json.arrival_time_calendar ?? [], calendars, unsupported };
}

/** A Prosimos distribution → a scenario distribution (durations in seconds). */
function toDistribution(d: any, where: string): { dist: ScenarioDistribution; note?: string } {
  const name = String(d?.distribution_name ?? '');
  if (name === 'histogram_sampling') return histogram(d?.histogram_data, where);
  const raw: any[] = d?.distribution_params ?? [];
  const modern = raw.some((x) => typeof x === 'object' && x !== null);
  const p = raw.map((x) => Number(typeof x === 'object' && x !== null ? x.value : x));
  if (p.some((x) => !Number.isFinite(x))) throw new InputError(`${where}: distribution_params must be numbers, got ${JSON.stringify(raw)}`);
  const lognormal = (mean: number, sd: number) => ({ dist: 'lognormal', mean: r(mean), sd: r(sd) });
  if (modern) {
    // pix-framework: fix [value]; expon [mean, min, max]; norm [mean, sd, min, max];
    // uniform [min, max]; lognorm and gamma [mean, variance, min, max]
    switch (name) {
      case 'fix':
        return { dist: { dist: 'constant', value: r(p[0]) } };
      case 'expon':
        return boundedExponential(p[0], p[1] ?? 0, p[2] ?? Infinity);
      case 'uniform':
        return { dist: { dist: 'uniform', min: r(p[0]), max: r(p[1]) } };
      case 'norm':
        return {
          dist: { dist: 'gamma', mean: r(p[0]), sd: r(p[1]) },
          note: 'a normal distribution, written as a gamma of the same mean and sd (durations are not negative)',
        };
      case 'lognorm':
        return { dist: lognormal(p[0], Math.sqrt(p[1])) };
      case 'gamma':
        return { dist: { dist: 'gamma', mean: r(p[0]), sd: r(Math.sqrt(p[1])) } };
    }
  } else {
    // scipy.stats: shape parameters first, then loc and scale
    switch (name) {
      case 'fix':
        return { dist: { dist: 'constant', value: r(p[0]) } };
      case 'expon':
        return p[0]
          ? { dist: { dist: 'exponential', mean: r(p[0] + p[1]) }, note: `its shift of ${p[0]}s is added to the mean` }
          : { dist: { dist: 'exponential', mean: r(p[1]) } };
      case 'uniform':
        return p[1] > 0 ? { dist: { dist: 'uniform', min: r(p[0]), max: r(p[0] + p[1]) } } : { dist: { dist: 'constant', value: r(p[0]) } };
      case 'norm':
        return {
          dist: { dist: 'gamma', mean: r(p[0]), sd: r(p[1]) },
          note: 'a normal distribution, written as a gamma of the same mean and sd (durations are not negative)',
        };
      case 'gamma':
        return { dist: { dist: 'gamma', mean: r(p[1] + p[0] * p[2]), sd: r(Math.sqrt(p[0]) * p[2]) } };
      case 'lognorm': {
        const s2 = p[0] * p[0];
        return { dist: lognormal(p[1] + p[2] * Math.exp(s2 / 2), p[2] * Math.sqrt(Math.expm1(s2) * Math.exp(s2))) };
      }
      case 'triang':
        return { dist: { dist: 'triangular', min: r(p[1]), mode: r(p[1] + p[0] * p[2]), max: r(p[1] + p[2]) } };
    }
  }
  throw new InputError(
    `${where}: distribution '${name}' is not supported (expected one of: fix, expon, uniform, norm, lognorm, gamma, triang, histogram_sampling)`,
  );
}

/**
 * pix-framework's exponential [mean, min, max]: min + Exp(scale = mean − min),
 * samples outside [min, max] drawn again (a truncated, shifted exponential).
 * With no shift and a bound that moves the mean by less than 0.1% it is the
 * plain exponential; else
 * an empirical distribution of 64 values (the means of 64 slices of equal
 * probability), which keeps its bounds, shift and mean.
 */
function boundedExponential(mean: number, min: number, max: number): { dist: ScenarioDistribution; note?: string } {
  const scale = mean - min > 0 ? mean - min : mean; // pix-framework: a mean below min uses the mean as scale
  const lo = Math.max(0, min);
  const hi = Number.isFinite(max) && max > lo ? max : Infinity;
  const cut = (hi - lo) / scale; // the bound, in scales: the truncation lowers the mean by cut·e^−cut/(1 − e^−cut) scales
  if (lo === 0 && (cut === Infinity || (cut * Math.exp(-cut)) / -Math.expm1(-cut) < 1e-3)) return { dist: { dist: 'exponential', mean: r(scale) } };
  const mass = Number.isFinite(hi) ? -Math.expm1(-(hi - lo) / scale) : 1;
  // 64 bins of equal probability, each written as its conditional mean, so the mean is kept exactly
  const at = (q: number) => (q >= 1 && !Number.isFinite(hi) ? Infinity : -scale * Math.log1p(-q * mass)); // offset above lo
  const values = Array.from({ length: 64 }, (_, i) => {
    const a = at(i / 64),
      b = at((i + 1) / 64);
    const ea = Math.exp(-a / scale),
      eb = Number.isFinite(b) ? Math.exp(-b / scale) : 0;
    return r(lo + scale + (a * ea - (Number.isFinite(b) ? b * eb : 0)) / (ea - eb));
  });
  return {
    dist: { dist: 'empirical', values },
    note: `an exponential of mean ${r(mean)}s bounded to [${r(lo)}s, ${Number.isFinite(hi) ? `${r(hi)}s` : '∞'}] (as Prosimos draws it): written as 64 values of equal probability, mean ${r(values.reduce((a, v) => a + v, 0) / 64)}s`,
  };
}

/**
 * Prosimos' `histogram_sampling` (pix-framework's observations histogram):
 * a bin's midpoint with the probability of its bin, read off the CDF. The
 * scenario's `empirical` with those values and weights draws the same.
 */
function histogram(h: any, where: string): { dist: ScenarioDistribution } {
  const cdf: unknown[] = Array.isArray(h?.cdf) ? h.cdf : [];
  const mids: unknown[] = Array.isArray(h?.bin_midpoints) ? h.bin_midpoints : [];
  const ok =
    cdf.length > 0 &&
    cdf.length === mids.length &&
    [...cdf, ...mids].every((x) => typeof x === 'number' && Number.isFinite(x)) &&
    (cdf as number[]).every((c, i) => c >= (i ? (cdf[i - 1] as number) : 0)) &&
    (cdf as number[])[cdf.length - 1] > 0;
  if (!ok) throw new InputError(`${where}: histogram_data must have 'cdf' (non-decreasing numbers up to 1) and 'bin_midpoints' (numbers), of the same length`);
  const values: number[] = [],
    weights: number[] = [];
  (cdf as number[]).forEach((c, i) => {
    const w = c - (i ? (cdf[i - 1] as number) : 0);
    if (w > 0) {
      values.push(r(Math.max(0, mids[i] as number)));
      weights.push(Number(w.toPrecision(6)));
    }
  });
  return { dist: { dist: 'empirical', values, weights } };
}

export function meanOf(d: ScenarioDistribution): number {
  switch (d.dist) {
    case 'constant':
      return d.value as number;
    case 'exponential':
    case 'lognormal':
    case 'gamma':
      return d.mean as number;
    case 'uniform':
      return ((d.min as number) + (d.max as number)) / 2;
    case 'triangular':
      return ((d.min as number) + (d.mode as number) + (d.max as number)) / 3;
    case 'empirical': {
      const v = d.values as number[],
        w = (d.weights as number[] | undefined) ?? v.map(() => 1);
      return v.reduce((a, x, i) => a + x * w[i], 0) / w.reduce((a, x) => a + x, 0);
    }
    default:
      return NaN;
  }
}

function r(x: number): number {
  return Number(x.toPrecision(6));
}
