/**
 * Child process of the memory figure: runs about N cases of the M/M/c bench
 * model (no event log) in a fresh process and prints one JSON line with its
 * resident set. A fresh process per N, so each peak belongs to one run.
 *
 *   node --expose-gc dist/bench/memory-probe.js <scenario.yaml> <cases>
 */
import { loadScenario } from '../cli/load-scenario.js';
import { createPolicy } from '../allocation/registry.js';
import { simulateReplication } from '../simulator/simulate.js';

const MB = 1024 * 1024;
const [file, casesArg] = process.argv.slice(2);
const wanted = Number(casesArg);
if (!file || !Number.isFinite(wanted) || wanted <= 0) {
  process.stderr.write('usage: node --expose-gc dist/bench/memory-probe.js <scenario.yaml> <cases>\n');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;

const probe = loadScenario(file);
const demand = probe.demand[0];
if (probe.demand.length !== 1 || demand.kind !== 'poisson') throw new Error('expected one Poisson demand');
const horizon = Math.ceil(wanted / demand.rate);
const scenario = loadScenario(file, [`horizon=${horizon}`]);

gc?.();
const rssBefore = process.memoryUsage().rss;
let rssInRun = rssBefore;
const figures = simulateReplication({
  scenario,
  policy: createPolicy(scenario),
  replication: 0,
  // sampled 100 times during the run
  onProgress: () => {
    rssInRun = Math.max(rssInRun, process.memoryUsage().rss);
  },
});
gc?.();
const after = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    cases: figures.totals.completed,
    gc: !!gc,
    rssBeforeMB: rssBefore / MB,
    rssInRunMB: rssInRun / MB,
    /** the process's peak resident set (getrusage maxrss), loading included */
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    rssAfterGcMB: after.rss / MB,
    heapUsedAfterGcMB: after.heapUsed / MB,
  }) + '\n',
);
