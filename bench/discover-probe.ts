/**
 * Child process of the discovery benchmark: reads one event log and discovers
 * a scenario from it, in a fresh process, and prints one JSON line with the
 * time and the peak resident set.
 *
 *   node dist/bench/discover-probe.js <log.csv|log.xes>
 */
import { performance } from 'node:perf_hooks';
import { readEventLog } from '../cli/read-event-log.js';
import { discoverScenario } from '../discovery/discover-scenario.js';
import { DEFAULT_BOTS } from '../cli/discover-command.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node dist/bench/discover-probe.js <log.csv|log.xes>\n');
  process.exit(2);
}
const t0 = performance.now();
const profile = await readEventLog(file, {}, { bots: new RegExp(DEFAULT_BOTS, 'i') });
const t1 = performance.now();
const found = discoverScenario(profile, { processName: 'bench', slaQuantile: 0.9 });
const t2 = performance.now();
process.stdout.write(
  JSON.stringify({
    tasks: profile.events,
    activities: profile.table.activities.list.length,
    resources: profile.table.resources.list.length,
    steps: found.processes.reduce((a, p) => a + p.steps.length, 0),
    pools: found.pools.length,
    readSeconds: (t1 - t0) / 1000,
    discoverSeconds: (t2 - t1) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
