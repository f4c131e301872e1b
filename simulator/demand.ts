/**
 * Seeded demand: the arrival times of each process, shared by both runtimes
 * (the `sim` engine pulls them in process; the live producer publishes them to
 * Kafka). Poisson demand is non-homogeneous (hour-of-day and day-of-week
 * profiles, surges) and drawn by thinning from the process's own arrivals
 * stream, so arrivals never depend on anything but the scenario and the seed.
 */
import type { Demand, Scenario } from '../model/scenario.js';
import { DAY, HOUR } from '../model/units.js';
import { KeyedStream, Stream } from './random.js';

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
  for (const x of scenario.disruptions) {
    if (x.kind === 'surge' && (x.process < 0 || x.process === d.process) && t >= x.start && t < x.end) rate *= x.factor;
  }
  return rate;
}

export function createArrivalStream(d: Demand, scenario: Scenario, seed: number): ArrivalStream {
  if (d.kind === 'replay') {
    let i = 0;
    return { process: d.process, next: () => (i < d.times.length ? d.times[i++] : Infinity) };
  }
  const rng = new KeyedStream(seed, Stream.arrivals).open(d.process);
  let surgeBound = 1;
  for (const s of d.surges) surgeBound *= Math.max(1, s.factor);
  for (const x of scenario.disruptions) {
    if (x.kind === 'surge' && (x.process < 0 || x.process === d.process)) surgeBound *= Math.max(1, x.factor);
  }
  const flat = d.surges.length === 0 && surgeBound === 1
    && d.hourOfDay.every((h) => h === d.hourOfDay[0]) && d.dayOfWeek.every((w) => w === d.dayOfWeek[0]);
  const maxRate = d.rate * Math.max(...d.hourOfDay) * Math.max(...d.dayOfWeek) * surgeBound;
  let t = 0;
  if (maxRate <= 0) return { process: d.process, next: () => Infinity };
  if (flat) return new FlatPoissonArrivals(d.process, rng, 1 / maxRate);
  const mean = 1 / maxRate;
  const hasDisruptionSurge = scenario.disruptions.some((x) => x.kind === 'surge');
  return {
    process: d.process,
    next: () => {
      for (;;) {
        t += -Math.log(rng.next()) * mean;
        const accept = rng.next();
        const rate = hasDisruptionSurge || d.surges.length ? arrivalRate(d, scenario, t)
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
  constructor(readonly process: number, private readonly rng: KeyedStream, private readonly mean: number) {}
  next(): number {
    this.t += -Math.log(this.rng.next()) * this.mean;
    return this.t;
  }
}
