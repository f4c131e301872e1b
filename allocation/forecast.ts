/**
 * Arrival forecasting for staffing policies: additive exponential smoothing
 * (Holt–Winters style) with two seasonalities, daily and weekly (after Taylor's
 * double-seasonal Holt–Winters, in additive form), and an optional damped trend.
 *
 * The history is a list of arrival counts per fixed-length period, oldest
 * first. Position `t` of the history is at phase `t mod D` of the day and
 * `t mod W` of the week (D, W = periods per day and per week), counted from the
 * first element, so the forecast needs no calendar: period `n + h` follows the
 * last observed period `n - 1`.
 *
 * Model (one-step forecast and updates, with e = y_t - ŷ_t):
 *
 *     ŷ_t   = ℓ + φ·b + d[t mod D] + w[t mod W]
 *     ℓ'    = α·(y_t - d - w) + (1 - α)·(ℓ + φ·b)
 *     b'    = β·(ℓ' - ℓ) + (1 - β)·φ·b
 *     d'    = γ_d·(y_t - ℓ' - w) + (1 - γ_d)·d
 *     w'    = γ_w·(y_t - ℓ' - d) + (1 - γ_w)·w
 *
 * Start values come from a classical decomposition of the complete seasons at
 * the start of the history (mean level, mean deviation per phase of the day,
 * then the remaining mean deviation per phase of the week). A seasonality is
 * used only when the history covers at least one full season of it; otherwise
 * the model falls back to daily-only or level-only smoothing.
 *
 * Pure and O(history length + horizon + season lengths). A caller that sees
 * the same series grow period by period can keep the fitted state
 * ({@link fitSmoothing}) and smooth in only the new periods
 * ({@link smoothPeriod}, O(1) each); {@link fitExtends} tells when that gives
 * the very numbers a refit of the longer history would.
 *
 * @example
 * const next24 = forecastArrivals(hourlyCounts, { periodSeconds: 3600, horizon: 24 });
 * // or, period by period:
 * const o = compileForecastOptions({ periodSeconds: 3600, horizon: 1 });
 * const state = fitSmoothing(firstWeeks, o);
 * smoothPeriod(state, countOfTheHourJustEnded, o);
 * const [nextHour] = forecastFrom(state, o);
 */

const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 604_800;

/** Options of {@link forecastArrivals}; every field is optional. */
export interface ForecastOptions {
  /**
   * Length of one history period in seconds.
   * @default 3600
   */
  periodSeconds?: number;
  /**
   * Number of future periods to forecast.
   * @default periods per day (24 for hourly data), or 1 when periods are a day or longer
   */
  horizon?: number;
  /**
   * Smoothing weight of the level, in (0, 1].
   * @default 0.2
   */
  alpha?: number;
  /**
   * Smoothing weight of the daily seasonal index, in [0, 1].
   * @default 0.15
   */
  gammaDaily?: number;
  /**
   * Smoothing weight of the weekly seasonal index, in [0, 1].
   * @default 0.1
   */
  gammaWeekly?: number;
  /**
   * Smoothing weight of the trend, in [0, 1]; 0 disables the trend.
   * @default 0
   */
  beta?: number;
  /**
   * Damping factor φ of the trend, in (0, 1]; 1 is an undamped (Holt) trend.
   * @default 0.9
   */
  damping?: number;
  /**
   * Periods per day (daily season length); 0 disables daily seasonality.
   * @default 86400 / periodSeconds when that is a whole number, 0 when periods are a day or longer
   */
  dailyPeriods?: number;
  /**
   * Periods per week (weekly season length); 0 disables weekly seasonality.
   * @default 604800 / periodSeconds when that is a whole number, 0 when periods are a week or longer
   */
  weeklyPeriods?: number;
  /**
   * Expected count per period returned when the history is empty.
   * @default 0
   */
  fallback?: number;
}

/** {@link ForecastOptions} with every default filled in and validated. */
export interface CompiledForecastOptions {
  readonly periodSeconds: number;
  readonly horizon: number;
  readonly alpha: number;
  readonly gammaDaily: number;
  readonly gammaWeekly: number;
  readonly beta: number;
  readonly damping: number;
  readonly dailyPeriods: number;
  readonly weeklyPeriods: number;
  readonly fallback: number;
}

function fail(field: string, expected: string, got: unknown): never {
  throw new Error(`forecast options: ${field} must be ${expected}, got ${String(got)}`);
}

function checkRange(field: string, value: number, lo: number, hi: number, loOpen: boolean): number {
  const ok = Number.isFinite(value) && (loOpen ? value > lo : value >= lo) && value <= hi;
  if (!ok) fail(field, `a number in ${loOpen ? '(' : '['}${lo}, ${hi}]`, value);
  return value;
}

function checkCount(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) fail(field, 'a non-negative integer', value);
  return value;
}

/**
 * Season length in periods derived from the period length: 0 when a period is
 * as long as the season or longer, the exact quotient when it divides the
 * season, and an error otherwise (a rounded season would drift out of phase).
 */
function derivedSeason(field: string, seasonSeconds: number, periodSeconds: number): number {
  if (periodSeconds >= seasonSeconds) return 0;
  const q = seasonSeconds / periodSeconds;
  const rounded = Math.round(q);
  if (Math.abs(q - rounded) > 1e-9 * q) {
    throw new Error(
      `forecast options: periodSeconds ${periodSeconds} does not divide ${seasonSeconds} s, ` +
        `so ${field} cannot be derived; set ${field} explicitly (0 disables that seasonality)`,
    );
  }
  return rounded;
}

/** Fills the defaults of {@link ForecastOptions} and validates them; throws an Error naming the bad field. */
export function compileForecastOptions(options: ForecastOptions = {}): CompiledForecastOptions {
  const periodSeconds = options.periodSeconds ?? 3600;
  if (!Number.isFinite(periodSeconds) || periodSeconds <= 0) fail('periodSeconds', 'a finite number > 0', periodSeconds);

  const dailyPeriods = checkCount('dailyPeriods', options.dailyPeriods ?? derivedSeason('dailyPeriods', DAY_SECONDS, periodSeconds));
  const weeklyPeriods = checkCount('weeklyPeriods', options.weeklyPeriods ?? derivedSeason('weeklyPeriods', WEEK_SECONDS, periodSeconds));
  const horizon = checkCount('horizon', options.horizon ?? Math.max(1, dailyPeriods));

  const fallback = options.fallback ?? 0;
  if (!Number.isFinite(fallback) || fallback < 0) fail('fallback', 'a finite number >= 0', fallback);

  return {
    periodSeconds,
    horizon,
    alpha: checkRange('alpha', options.alpha ?? 0.2, 0, 1, true),
    gammaDaily: checkRange('gammaDaily', options.gammaDaily ?? 0.15, 0, 1, false),
    gammaWeekly: checkRange('gammaWeekly', options.gammaWeekly ?? 0.1, 0, 1, false),
    beta: checkRange('beta', options.beta ?? 0, 0, 1, false),
    damping: checkRange('damping', options.damping ?? 0.9, 0, 1, true),
    dailyPeriods,
    weeklyPeriods,
    fallback,
  };
}

/** Which seasonalities the history supports, and over how many leading periods to estimate start values. */
interface Plan {
  readonly daily: number; // season length in periods, 0 = off
  readonly weekly: number; // season length in periods, 0 = off
  readonly initLength: number; // leading periods used for start values
}

function plan(n: number, o: CompiledForecastOptions): Plan {
  // A season of one period is indistinguishable from the level.
  const daily = o.dailyPeriods >= 2 && n >= o.dailyPeriods ? o.dailyPeriods : 0;
  let weekly = o.weeklyPeriods >= 2 && n >= o.weeklyPeriods ? o.weeklyPeriods : 0;
  if (weekly !== 0 && weekly === daily) weekly = 0; // the same season twice adds nothing
  const longest = Math.max(daily, weekly);
  const initLength = longest === 0 ? n : Math.floor(n / longest) * longest;
  return { daily, weekly, initLength };
}

function mean(values: readonly number[], from: number, to: number): number {
  let sum = 0;
  for (let t = from; t < to; t++) sum += values[t];
  return sum / (to - from);
}

/**
 * The smoothing after a run of periods, as {@link fitSmoothing} leaves it: the
 * level, the trend and the seasonal indices, and how many periods it has seen
 * (the next period is at phase `periods mod daily` of the day and `periods mod
 * weekly` of the week). {@link smoothPeriod} moves it on by one period, so a
 * caller that sees the series grow can keep it instead of refitting.
 */
export interface SmoothingState {
  /** periods smoothed so far */
  periods: number;
  /** daily and weekly season lengths in use, in periods (0 = off) */
  readonly daily: number;
  readonly weekly: number;
  level: number;
  trend: number;
  /** seasonal index per phase (length max(daily, 1) and max(weekly, 1)) */
  readonly dailyIndex: Float64Array;
  readonly weeklyIndex: Float64Array;
}

function checkCountValue(y: number, where: string): void {
  if (!Number.isFinite(y) || y < 0) throw new Error(`${where} must be a finite count >= 0, got ${String(y)}`);
}

/**
 * True when the fit of a history of `longer` periods is the fit of its first
 * `shorter` periods smoothed on with the rest ({@link smoothPeriod}), number
 * for number: both use the same seasons and take their start values from the
 * same leading periods. False when the longer history changes the model (a
 * first full day or week) or its start window (one more complete season).
 */
export function fitExtends(shorter: number, longer: number, o: CompiledForecastOptions): boolean {
  if (shorter <= 0 || longer < shorter) return false;
  const a = plan(shorter, o),
    b = plan(longer, o);
  return a.daily === b.daily && a.weekly === b.weekly && a.initLength === b.initLength;
}

/**
 * The smoothing fitted to `history` (arrival counts per period, oldest first):
 * start values from the leading complete seasons, then every period smoothed
 * in order. An empty history gives a state that forecasts `fallback`. Throws
 * on a value that is negative or not finite.
 */
export function fitSmoothing(history: readonly number[], o: CompiledForecastOptions): SmoothingState {
  const n = history.length;
  for (let t = 0; t < n; t++) checkCountValue(history[t], `forecastArrivals: history[${t}]`);
  if (n === 0) {
    return { periods: 0, daily: 0, weekly: 0, level: o.fallback, trend: 0, dailyIndex: new Float64Array(1), weeklyIndex: new Float64Array(1) };
  }

  const { daily, weekly, initLength } = plan(n, o);
  const dIdx = new Float64Array(Math.max(daily, 1));
  const wIdx = new Float64Array(Math.max(weekly, 1));

  // Start values: classical decomposition of the leading complete seasons.
  const m = mean(history, 0, initLength);
  let trend = 0;
  const cycle = Math.max(daily, weekly);
  if (o.beta > 0 && cycle > 0 && initLength >= 2 * cycle) {
    // Slope between the first and last complete season of the start window.
    trend = (mean(history, initLength - cycle, initLength) - mean(history, 0, cycle)) / (initLength - cycle);
  }
  const middle = (initLength - 1) / 2;
  // Deviation of y_t from the (detrended) start level, before any seasonal index.
  const deviation = (t: number): number => history[t] - m - trend * (t - middle);
  if (daily > 0) {
    const sums = new Array<number>(daily).fill(0);
    const counts = new Array<number>(daily).fill(0);
    for (let t = 0; t < initLength; t++) {
      sums[t % daily] += deviation(t);
      counts[t % daily] += 1;
    }
    for (let p = 0; p < daily; p++) dIdx[p] = sums[p] / counts[p];
  }
  if (weekly > 0) {
    const sums = new Array<number>(weekly).fill(0);
    const counts = new Array<number>(weekly).fill(0);
    for (let t = 0; t < initLength; t++) {
      sums[t % weekly] += deviation(t) - (daily > 0 ? dIdx[t % daily] : 0);
      counts[t % weekly] += 1;
    }
    for (let p = 0; p < weekly; p++) wIdx[p] = sums[p] / counts[p];
  }
  // The mean sits at the middle of the start window; move it back to just before t = 0.
  const state: SmoothingState = { periods: 0, daily, weekly, level: m - trend * (middle + 1), trend, dailyIndex: dIdx, weeklyIndex: wIdx };
  for (let t = 0; t < n; t++) step(state, history[t], o);
  return state;
}

/** One smoothing step with the count `y` of the next period (unchecked). */
function step(state: SmoothingState, y: number, o: CompiledForecastOptions): void {
  const { daily, weekly, dailyIndex: dIdx, weeklyIndex: wIdx } = state;
  const { alpha, gammaDaily, gammaWeekly, beta, damping: phi } = o;
  const t = state.periods;
  const dp = daily > 0 ? t % daily : 0;
  const wp = weekly > 0 ? t % weekly : 0;
  const d = dIdx[dp];
  const w = wIdx[wp];
  const previousLevel = state.level;
  const level = alpha * (y - d - w) + (1 - alpha) * (previousLevel + phi * state.trend);
  state.trend = beta > 0 ? beta * (level - previousLevel) + (1 - beta) * phi * state.trend : 0;
  state.level = level;
  if (daily > 0) dIdx[dp] = gammaDaily * (y - level - w) + (1 - gammaDaily) * d;
  if (weekly > 0) wIdx[wp] = gammaWeekly * (y - level - d) + (1 - gammaWeekly) * w;
  state.periods = t + 1;
}

/**
 * Smooths the count `y` of the period after the last one `state` has seen
 * into it (mutates `state`). Throws on a count that is negative or not finite.
 */
export function smoothPeriod(state: SmoothingState, y: number, o: CompiledForecastOptions): void {
  checkCountValue(y, 'smoothPeriod: y');
  step(state, y, o);
}

/** A copy of `state`, into `into` when given (its index arrays must have the same lengths). */
export function copySmoothing(state: SmoothingState, into?: SmoothingState): SmoothingState {
  if (!into || into.daily !== state.daily || into.weekly !== state.weekly) {
    return { ...state, dailyIndex: state.dailyIndex.slice(), weeklyIndex: state.weeklyIndex.slice() };
  }
  into.periods = state.periods;
  into.level = state.level;
  into.trend = state.trend;
  into.dailyIndex.set(state.dailyIndex);
  into.weeklyIndex.set(state.weeklyIndex);
  return into;
}

/** Expected counts of the next `horizon` periods after those `state` has seen, never negative. */
export function forecastFrom(state: SmoothingState, o: CompiledForecastOptions, horizon = o.horizon): number[] {
  const { daily, weekly, dailyIndex: dIdx, weeklyIndex: wIdx, level, trend } = state;
  const out = new Array<number>(horizon);
  let damped = 0; // Σ_{i=1..h} φ^i
  let phiPower = 1;
  for (let h = 0; h < horizon; h++) {
    phiPower *= o.damping;
    damped += phiPower;
    const t = state.periods + h;
    const value = level + damped * trend + (daily > 0 ? dIdx[t % daily] : 0) + (weekly > 0 ? wIdx[t % weekly] : 0);
    out[h] = value > 0 ? value : 0;
  }
  return out;
}

/**
 * Expected arrival counts for the next `horizon` periods after `history`
 * (arrival counts per period, oldest first), never negative. An empty history
 * yields `fallback` for every period. Throws on invalid options or on a
 * history value that is negative or not finite.
 */
export function forecastArrivals(history: readonly number[], options: ForecastOptions = {}): number[] {
  const o = compileForecastOptions(options);
  const state = fitSmoothing(history, o);
  if (history.length === 0) return new Array<number>(o.horizon).fill(o.fallback);
  return forecastFrom(state, o);
}
