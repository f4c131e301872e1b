/**
 * Before a run starts: is it going to fit? Refuses a run whose estimated
 * memory exceeds what this process may use (unless --force), and warns when
 * it is large (docs/scenario.md, "How big a run is").
 */
import { getHeapStatistics } from 'node:v8';
import { UsageError } from '../model/errors.js';
import { describeRunSize, estimateRunSize, type RunSize, type RunSizeOptions } from '../simulator/run-size.js';
import type { Scenario } from '../model/scenario.js';

/** Share of the heap limit above which a run is refused. */
export const REFUSE_MEMORY_SHARE = 0.75;
/** Share of the heap limit above which a run is warned about. */
export const WARN_MEMORY_SHARE = 0.25;
/** Events above which a run is warned about (a few minutes of engine time at least). */
export const WARN_EVENTS = 2e9;
/** Event-log bytes above which a run is warned about. */
export const WARN_EVENT_LOG_BYTES = 5e9;

const gb = (x: number) => (x >= 1e9 ? `${(x / 1e9).toFixed(1)} GB` : `${Math.round(x / 1e6)} MB`);

/**
 * The check every command that simulates makes before anything runs (run,
 * compare, sweep, optimise, live): `scenarios` are the runs it will make (one
 * per policy, sweep cell or design bound), each of `replications`. The largest
 * one's memory is what must fit (they run one after another); their events add up.
 */
export function checkRunSizes(
  scenarios: readonly Scenario[],
  options: RunSizeOptions & { command: string; force: boolean; heapLimit?: number; warn?: (line: string) => void },
): void {
  const sizes = scenarios.map((s) => estimateRunSize(s, options));
  const largest = sizes.reduce((a, b) => (b.memoryBytes > a.memoryBytes ? b : a));
  checkRunSize(
    { ...largest, events: sizes.reduce((n, s) => n + s.events, 0), eventLogBytes: sizes.reduce((n, s) => n + s.eventLogBytes, 0) },
    {
      command: options.command,
      force: options.force,
      heapLimit: options.heapLimit,
      warn: options.warn ?? ((line) => process.stderr.write(`${line}\n`)),
    },
  );
}

function checkRunSize(size: RunSize, options: { command: string; force: boolean; heapLimit?: number; warn: (line: string) => void }): void {
  const limit = options.heapLimit ?? getHeapStatistics().heap_size_limit;
  const what = describeRunSize(size);
  if (size.memoryBytes > REFUSE_MEMORY_SHARE * limit && !options.force) {
    const hints: string[] = [];
    if (size.samples * size.seriesPerSample > 1e8) hints.push('a longer sampleEvery');
    if (size.units > 1e6) hints.push('fewer units (size)');
    if (size.backlogAtEnd > 1e6) hints.push('less demand or more capacity (demand exceeds capacity: the backlog grows without end)');
    hints.push('a shorter horizon', 'fewer replications');
    throw new UsageError(
      `this run would need about ${gb(size.memoryBytes)} of memory and this process may use ${gb(limit)} (${what}). Try ${hints.join(', ')}; or --force to run it anyway`,
    );
  }
  const large: string[] = [];
  if (size.memoryBytes > WARN_MEMORY_SHARE * limit) large.push(`about ${gb(size.memoryBytes)} of memory`);
  if (size.events > WARN_EVENTS) large.push(`about ${(size.events / 1e9).toFixed(1)} billion events (minutes to hours)`);
  if (size.eventLogBytes > WARN_EVENT_LOG_BYTES) large.push(`about ${gb(size.eventLogBytes)} of event log`);
  if (large.length) options.warn(`autoshift ${options.command}: warning: a large run: ${large.join(', ')} (${what})`);
}
