/**
 * Units of time and rate as written in scenarios: durations like `90s`, `20m`,
 * `4h`, `2d`, `1w` (a bare number is seconds) and rates like `8/h`, `200/d`.
 * Internally every time is a number of seconds and every rate is per second.
 */

export const SECOND = 1;
export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;
export const WEEK = 604_800;

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: SECOND,
  sec: SECOND,
  m: MINUTE,
  min: MINUTE,
  h: HOUR,
  d: DAY,
  w: WEEK,
};

export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|sec|m|min|h|d|w)\\s*$';
export const RATE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*/\\s*(s|sec|m|min|h|d|w)\\s*$';
export const TIME_OF_DAY_PATTERN = '^([01]?\\d|2[0-4]):[0-5]\\d$';

const DURATION_RE = new RegExp(DURATION_PATTERN);
const RATE_RE = new RegExp(RATE_PATTERN);

/** Seconds in a duration written as `90s`, `20m`, `4h`, `2d`, `1w` or a number of seconds; NaN if malformed. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : NaN;
  if (!DURATION_RE.test(value)) return NaN;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/.exec(value)!;
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

/** Events per second in a rate written as `8/h`, `200/d`, `3/m`; NaN if malformed. */
export function parseRate(value: string): number {
  if (!RATE_RE.test(value)) return NaN;
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*([a-z]+)\s*$/.exec(value)!;
  return Number(m[1]) / UNIT_SECONDS[m[2]];
}

/** Seconds since midnight for `HH:MM` (24:00 allowed as the end of a day). */
export function parseTimeOfDay(value: string): number {
  const [h, m] = value.split(':').map(Number);
  return h * HOUR + m * MINUTE;
}

/** A duration in seconds written back for humans: `1d 4h`, `20m`, `45s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 60) return `${round(seconds, 1)}s`;
  if (seconds < HOUR) return `${round(seconds / MINUTE, 1)}m`;
  if (seconds < DAY) return `${round(seconds / HOUR, 1)}h`;
  return `${round(seconds / DAY, 1)}d`;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
