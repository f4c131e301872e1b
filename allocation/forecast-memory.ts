/**
 * Each queue's arrival forecast kept between decision epochs, so that
 * `forecast-staffing` smooths only the periods that are new instead of
 * refitting every queue's whole history at every epoch.
 *
 * Per queue, the memory holds the smoothing state ({@link SmoothingState}) and
 * the history window it has seen. At the next snapshot it places the new
 * window after the old one: k periods are new when the new window, without
 * its last k periods, ends like the old one. Which k to try comes from the
 * snapshots themselves: the growth of the window, and the periodic epochs
 * between the two snapshot times (one period per `epochLength`, give or take
 * one for a disruption edge that falls on an epoch instant); the periods they
 * have in common are compared from the newest back, over
 * {@link CHECKED_PERIODS} of them (or all, when fewer) and as much further as
 * it takes to tell the candidates apart. When exactly one k fits, the k new
 * periods are smoothed in ({@link smoothPeriod}); otherwise (no memory yet, a
 * new run, another scenario, a window that does not follow on, or one that
 * fits in two ways, such as a queue with the same count for two weeks) the
 * window is refitted ({@link fitSmoothing}), as without memory.
 *
 * What it forecasts:
 *
 * - While the window still holds every period since the memory's first (the
 *   first two weeks of a run), the forecast is exactly
 *   `forecastArrivals(arrivalsHistory)`, number for number: the state is
 *   refitted whenever a refit would change the model or its start values (a
 *   first full day, a first full week, each further complete season of the
 *   start window; {@link fitExtends}) and smoothed on otherwise.
 * - Once the window slides (the runtimes keep two weeks), the state goes on
 *   smoothing each new period: the forecast is the double-seasonal smoothing
 *   of every period since the start, with start values from the first two
 *   weeks. A refit of the sliding window (what the policy did before) threw
 *   the older periods away and restarted from start values estimated on the
 *   last two weeks at every epoch.
 *
 * Like `reactive`'s memory it is a deterministic function of the sequence of
 * snapshots: a snapshot at the same time as the previous one is decided from
 * the state before that one (so deciding the same snapshot twice gives the
 * same answer), and a snapshot earlier than the last one, with another number
 * of queues or another epoch length, starts afresh.
 *
 * Cost per epoch and queue: reading about {@link CHECKED_PERIODS} periods of
 * the snapshot's history (more while the newest periods are one long run of
 * the same count, e.g. a quiet night or weekend), copying the window and the
 * state (typed-array copies), and one smoothing step per new period; refits
 * are rare (a handful in the first two weeks).
 *
 * @example
 * const forecasts = createArrivalForecasts();
 * const perSecond = forecasts.rates(snapshot); // one rate per queue, for the next epoch
 */
import {
  compileForecastOptions,
  copySmoothing,
  fitExtends,
  fitSmoothing,
  forecastArrivals,
  forecastFrom,
  smoothPeriod,
  type CompiledForecastOptions,
  type SmoothingState,
} from './forecast.js';
import type { Snapshot } from './policy.js';

const DAY = 86_400;
const WEEK = 604_800;

/** Periods of `period` seconds in a season, or 0 when they do not divide it (no seasonality then). */
export function seasonPeriods(season: number, period: number): number {
  if (!(period > 0) || period >= season) return 0;
  const q = season / period;
  return Math.abs(q - Math.round(q)) < 1e-9 * q ? Math.round(q) : 0;
}

/** The forecast options for epochs of `epochLength` seconds: one period ahead, daily and weekly seasons when they divide. */
export function forecastOptionsFor(epochLength: number): CompiledForecastOptions {
  return compileForecastOptions({
    periodSeconds: epochLength,
    horizon: 1,
    dailyPeriods: seasonPeriods(DAY, epochLength),
    weeklyPeriods: seasonPeriods(WEEK, epochLength),
  });
}

/**
 * Forecast arrivals per second of one queue over the next epoch, from its
 * whole history (no memory): `forecastArrivals(arrivalsHistory)` for one
 * period, divided by the epoch length; the last epoch's `arrivalRate` when
 * there is no history or no periodic epoch.
 */
export function forecastRate(snapshot: Snapshot, q: number): number {
  const queue = snapshot.queues[q];
  const period = snapshot.epochLength;
  if (!(period > 0) || queue.arrivalsHistory.length === 0) return Math.max(0, queue.arrivalRate);
  const [next] = forecastArrivals(queue.arrivalsHistory, forecastOptionsFor(period));
  return next / period;
}

/** One queue's smoothing and the history window it has seen. */
interface QueueFit {
  /** time of the snapshot the window is from */
  time: number;
  state: SmoothingState;
  /** a copy of the window, oldest first, in the first `length` places */
  window: Float64Array;
  length: number;
}

export interface ArrivalForecasts {
  /** Forecast arrivals per second of every queue over the next epoch (by queue index). */
  rates(snapshot: Snapshot): number[];
}

/**
 * Periods in common (the newest ones) over which a new window must continue
 * the old one, and no other placement may, before the memory is used: reading
 * the whole of every window at every epoch would cost about as much as the
 * refit it saves.
 */
export const CHECKED_PERIODS = 48;

/**
 * How many periods of `history` (seen at `time`) are new after `base`, or -1
 * when that cannot be told in exactly one way.
 *
 * Candidates: the growth of the window, and the periodic epochs between the
 * two times give or take one. A candidate k holds when the new window without
 * its last k periods ends like the old window; the candidates are compared
 * from the newest period in common backwards, in step, until one is left that
 * has matched {@link CHECKED_PERIODS} periods or every period it shares with
 * the old window. None left, or several that match everything they share (a
 * window of one repeated count): -1.
 */
export function newPeriods(
  base: { time: number; window: ArrayLike<number>; length: number },
  history: readonly number[],
  time: number,
  epochLength: number,
): number {
  const n = base.length,
    m = history.length;
  if (n === 0 || m < n || !(epochLength > 0)) return -1;
  const elapsed = Math.floor(time / epochLength + 1e-9) - Math.floor(base.time / epochLength + 1e-9);
  const grown = m - n;
  // the window grew by `grown` periods (it cannot have slid as well unless it is full), or one period per epoch passed
  const ks = [grown, elapsed - 1, elapsed, elapsed + 1]
    // at least one period in common, and no more than the old window holds
    .filter((k, i, all) => k >= grown && k < m && all.indexOf(k) === i);
  const failed = ks.map(() => false);
  let live = ks.length;
  for (let j = 0; live > 0; j++) {
    // compare the j-th newest period in common of every live candidate
    let last = -1,
      pending = 0;
    for (let c = 0; c < ks.length; c++) {
      if (failed[c]) continue;
      const overlap = m - ks[c];
      if (j < overlap) {
        if (base.window[n - 1 - j] !== history[overlap - 1 - j]) {
          failed[c] = true;
          live--;
          continue;
        }
        if (j + 1 < overlap) pending++;
      }
      last = c;
    }
    if (live === 1 && (j + 1 >= CHECKED_PERIODS || pending === 0)) return ks[last];
    if (live > 1 && pending === 0) return -1; // several match all they share: ambiguous
  }
  return -1;
}

function withCapacity(window: Float64Array | undefined, length: number): Float64Array {
  return window && window.length >= length ? window : new Float64Array(Math.max(length, 2 * (window?.length ?? 0), 16));
}

/** The fit of `history` refitted from scratch, written into `into` when given. */
function refit(history: readonly number[], time: number, o: CompiledForecastOptions, into: QueueFit | null): QueueFit {
  const state = fitSmoothing(history, o);
  const window = withCapacity(into?.window, history.length);
  for (let i = 0; i < history.length; i++) window[i] = history[i];
  if (!into) return { time, state, window, length: history.length };
  into.time = time;
  into.state = state;
  into.window = window;
  into.length = history.length;
  return into;
}

/** `base` moved on to `history` (seen at `time`), written into `into` when given (never `base` itself). */
function advance(
  base: QueueFit | null,
  history: readonly number[],
  time: number,
  epochLength: number,
  o: CompiledForecastOptions,
  into: QueueFit | null,
): QueueFit {
  const k = base ? newPeriods(base, history, time, epochLength) : -1;
  if (!base || k < 0) return refit(history, time, o, into);
  const n = base.length,
    m = history.length,
    overlap = m - k;
  // the base window holds every period its state has seen, and so does the new one: a refit is the definition
  if (base.state.periods === n && n + k === m && k > 0 && !fitExtends(n, m, o)) return refit(history, time, o, into);
  const fit: QueueFit = into ?? { time, state: copySmoothing(base.state), window: new Float64Array(0), length: 0 };
  if (into) fit.state = copySmoothing(base.state, into.state);
  fit.window = withCapacity(fit.window, m);
  fit.window.set(base.window.subarray(n - overlap, n), 0);
  for (let i = overlap; i < m; i++) {
    smoothPeriod(fit.state, history[i], o);
    fit.window[i] = history[i];
  }
  fit.time = time;
  fit.length = m;
  return fit;
}

/** A fresh memory of per-queue forecasts (one per policy instance). */
export function createArrivalForecasts(): ArrivalForecasts {
  let time = -Infinity;
  let epochLength = NaN;
  let options: CompiledForecastOptions | null = null;
  /** the fits as they stood before the snapshot at `time` … */
  let before: (QueueFit | null)[] = [];
  /** … and after it (their objects are reused once `before` is dropped) */
  let after: (QueueFit | null)[] = [];
  return {
    rates(snapshot) {
      const Q = snapshot.queues.length;
      const E = snapshot.epochLength;
      if (snapshot.time < time || after.length !== Q || E !== epochLength) {
        // a new run (time went back) or another scenario: forget everything
        time = -Infinity;
        epochLength = E;
        options = E > 0 ? forecastOptionsFor(E) : null;
        before = new Array<QueueFit | null>(Q).fill(null);
        after = new Array<QueueFit | null>(Q).fill(null);
      }
      if (snapshot.time > time) {
        // the fits after the last instant become the base; the older ones are recycled
        [before, after] = [after, before];
        time = snapshot.time;
      }
      return snapshot.queues.map((queue) => {
        const q = queue.index;
        const history = queue.arrivalsHistory;
        if (!options || history.length === 0) {
          after[q] = null;
          return Math.max(0, queue.arrivalRate);
        }
        const fit = advance(before[q], history, snapshot.time, E, options, after[q]);
        after[q] = fit;
        return forecastFrom(fit.state, options, 1)[0] / E;
      });
    },
  };
}
