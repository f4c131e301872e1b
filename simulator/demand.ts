/**
 * Seeded demand: the arrival times of each process, shared by both runtimes
 * (the `sim` engine pulls them in process; the live producer publishes them to
 * Kafka). Poisson demand is non-homogeneous (hour-of-day and day-of-week
 * profiles, surges) and drawn by thinning from the process's own arrivals
 * stream, so arrivals never depend on anything but the scenario and the seed.
 *
 * Renewal demand (`interarrival`) draws each gap from its distribution in
 * operational time: a gap g is the amount of "multiplier × time" that passes
 * before the next arrival, so the arrival comes at the t' where the integral of
 * the rate multiplier (hour-of-day × day-of-week × surges) from t to t' equals
 * g. With every multiplier 1 this is the plain renewal process; a multiplier of
 * 2 halves every gap in force while it lasts, and hours at 0 bring nothing.
 * Batches (`batch`) repeat an arrival time as many times as the batch size
 * drawn from the process's own batches stream.
 */
import type { Demand, Scenario } from '../model/scenario.js';
import { DAY, HOUR } from '../model/units.js';
import { KeyedStream, Stream } from './random.js';
import { sample } from './distributions.js';
import { standardExponential } from './exponential.js';
import { actsOnDemand, demandFactor, hitsDemand } from '../model/disruptions.js';

export interface ArrivalStream {
  readonly process: number;
  /** the next arrival time in seconds, or Infinity when there are no more */
  next(): number;
}

/** The arrival rate (per second) of a Poisson demand at time t, with every surge active then. */
export function arrivalRate(d: Extract<Demand, { kind: 'poisson' }>, scenario: Scenario, t: number): number {
  const hour = Math.floor((t % DAY) / HOUR);
  const day = Math.floor(t / DAY) % 7;
  let rate = d.rate * d.hourOfDay[hour] * d.dayOfWeek[day];
  for (const s of d.surges) if (t >= s.start && t < s.end) rate *= s.factor;
  for (const x of scenario.disruptions) if (t >= x.start && t < x.end) rate *= demandFactor(x, d.process);
  return rate;
}

export function createArrivalStream(d: Demand, scenario: Scenario, seed: number): ArrivalStream {
  const single = createSingleArrivalStream(d, scenario, seed);
  if (d.kind === 'poisson' && d.batch) return new BatchArrivals(single, new KeyedStream(seed, Stream.batches).open(d.process), d.batch);
  return single;
}

function createSingleArrivalStream(d: Demand, scenario: Scenario, seed: number): ArrivalStream {
  if (d.kind === 'replay') {
    let i = 0;
    return { process: d.process, next: () => (i < d.times.length ? d.times[i++] : Infinity) };
  }
  const rng = new KeyedStream(seed, Stream.arrivals).open(d.process);
  let surgeBound = 1;
  let surged = d.surges.length > 0;
  for (const s of d.surges) surgeBound *= Math.max(1, s.factor);
  for (const x of scenario.disruptions) {
    if (hitsDemand(x, d.process)) {
      surgeBound *= Math.max(1, demandFactor(x, d.process));
      surged = true;
    }
  }
  // any surge makes the rate vary, a drop (factor < 1) too: only then is the fast constant-rate path exact
  const flat = !surged && d.hourOfDay.every((h) => h === d.hourOfDay[0]) && d.dayOfWeek.every((w) => w === d.dayOfWeek[0]);
  const maxRate = d.rate * Math.max(...d.hourOfDay) * Math.max(...d.dayOfWeek) * surgeBound;
  let t = 0;
  if (maxRate <= 0) return { process: d.process, next: () => Infinity };
  if (d.interarrival) {
    const boundaries = surgeBoundaries(d, scenario);
    const profileFlat = d.hourOfDay.every((h) => h === d.hourOfDay[0]) && d.dayOfWeek.every((w) => w === d.dayOfWeek[0]);
    return new RenewalArrivals(d, scenario, rng, boundaries, boundaries.length === 0 && profileFlat ? d.hourOfDay[0] * d.dayOfWeek[0] : 0);
  }
  if (flat) return new FlatPoissonArrivals(d.process, rng, 1 / maxRate);
  const mean = 1 / maxRate;
  const hasDisruptionSurge = scenario.disruptions.some(actsOnDemand);
  return {
    process: d.process,
    next: () => {
      for (;;) {
        t += standardExponential(rng) * mean;
        const accept = rng.next();
        const rate =
          hasDisruptionSurge || d.surges.length
            ? arrivalRate(d, scenario, t)
            : d.rate * d.hourOfDay[Math.floor((t % DAY) / HOUR)] * d.dayOfWeek[Math.floor(t / DAY) % 7];
        if (accept * maxRate < rate) return t;
      }
    },
  };
}

/**
 * Poisson arrivals at a constant rate: exponential gaps from the process's
 * own stream. A class rather than a closure: the running time is a field V8
 * updates in place, where a closure's variable holding a double is a fresh
 * heap number at every arrival.
 */
class FlatPoissonArrivals implements ArrivalStream {
  private t = 0;
  constructor(
    readonly process: number,
    private readonly rng: KeyedStream,
    private readonly mean: number,
  ) {}
  next(): number {
    this.t += standardExponential(this.rng) * this.mean;
    return this.t;
  }
}

/** The rate multiplier of a demand at time t: hour-of-day × day-of-week × every surge active then. */
function rateMultiplier(d: Extract<Demand, { kind: 'poisson' }>, scenario: Scenario, t: number): number {
  let m = d.hourOfDay[Math.floor((t % DAY) / HOUR)] * d.dayOfWeek[Math.floor(t / DAY) % 7];
  for (const s of d.surges) if (t >= s.start && t < s.end) m *= s.factor;
  for (const x of scenario.disruptions) if (t >= x.start && t < x.end) m *= demandFactor(x, d.process);
  return m;
}

/** Every time a surge affecting `d` starts or ends, ascending. */
function surgeBoundaries(d: Extract<Demand, { kind: 'poisson' }>, scenario: Scenario): number[] {
  const out: number[] = [];
  for (const s of d.surges) out.push(s.start, s.end);
  for (const x of scenario.disruptions) {
    if (hitsDemand(x, d.process)) out.push(x.start, x.end);
  }
  return out.sort((a, b) => a - b);
}

/**
 * A renewal process: gaps drawn from `interarrival` in operational time (see
 * the file comment). `constant` is the multiplier when it never changes
 * (no profile, no surge), else 0: then the multiplier is constant between hour
 * boundaries and surge boundaries, and the gap is spent piece by piece.
 */
class RenewalArrivals implements ArrivalStream {
  private t = 0;
  readonly process: number;
  private readonly gap: NonNullable<Extract<Demand, { kind: 'poisson' }>['interarrival']>;
  constructor(
    private readonly d: Extract<Demand, { kind: 'poisson' }>,
    private readonly scenario: Scenario,
    private readonly rng: KeyedStream,
    private readonly boundaries: number[],
    private readonly constant: number,
  ) {
    this.process = d.process;
    this.gap = d.interarrival!;
  }

  next(): number {
    let g = sample(this.gap, this.rng);
    if (this.constant > 0) return (this.t += g / this.constant);
    let t = this.t;
    for (let guard = 0; guard < 1e7; guard++) {
      const m = rateMultiplier(this.d, this.scenario, t);
      let end = (Math.floor(t / HOUR) + 1) * HOUR;
      for (const b of this.boundaries)
        if (b > t) {
          end = Math.min(end, b);
          break;
        }
      if (m > 0 && t + g / m <= end) {
        this.t = t + g / m;
        return this.t;
      }
      g -= m * (end - t);
      t = end;
    }
    this.t = Infinity;
    return Infinity;
  }
}

/** Each arrival of `inner` repeated by a batch size drawn from `sizes` (rounded; a batch of 0 brings no case). */
class BatchArrivals implements ArrivalStream {
  private left = 0;
  private at = 0;
  readonly process: number;
  constructor(
    private readonly inner: ArrivalStream,
    private readonly rng: KeyedStream,
    private readonly sizes: NonNullable<Extract<Demand, { kind: 'poisson' }>['batch']>,
  ) {
    this.process = inner.process;
  }
  next(): number {
    while (this.left === 0) {
      this.at = this.inner.next();
      if (this.at === Infinity) return Infinity;
      this.left = Math.max(0, Math.round(sample(this.sizes, this.rng)));
    }
    this.left--;
    return this.at;
  }
}
