/**
 * Report size and open time, for the sizes the issue names: a 10-policy
 * compare and a 100-cell sweep (and a run of a quarter with 8 replications).
 * Prints figures; asserts nothing (STYLE.md rule 17).
 *
 *   npm run build && node dist/bench/report.js [--quick]
 *
 * Per report: the HTML's size, the time `autoshift report` takes to write it
 * from the saved JSON (Vega-Lite compile + Vega SVG render), and the time
 * headless Chromium takes to open it from disk (navigation start to the load
 * event, and to the page drawn: two animation frames later), next to the same
 * browser opening a blank page in the same run (the ratio is the figure to
 * compare across machines). Needs Chromium: infra/install-chromium.sh installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const quick = process.argv.includes('--quick');
const dir = mkdtempSync(join(tmpdir(), 'autoshift-bench-report-'));

function autoshift(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`autoshift ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

const horizon = quick ? ['--set', 'horizon=21d', '--set', 'warmup=2d', '--set', 'disruptions[0].start=10d'] : [];
const cases: { name: string; args: string[] }[] = [
  { name: 'run, 8 replications', args: ['run', 'scenarios/invoice-office.yaml', ...horizon, '--replications', '8', '--timeseries', '--json'] },
  {
    name: 'compare, 10 policies × 5 replications',
    args: [
      'compare',
      'scenarios/invoice-office.yaml',
      ...horizon,
      '--policies',
      'static,reactive,sla-slack,cmu,forecast-staffing,bot-first,static,reactive,sla-slack,cmu',
      '--replications',
      '5',
      '--json',
    ],
  },
  {
    name: 'sweep, 100 cells (10 × 10) × 3 replications',
    args: [
      'sweep',
      'scenarios/invoice-office.yaml',
      ...(quick ? horizon : ['--set', 'horizon=35d', '--set', 'disruptions[0].start=20d']),
      '--set',
      'pools.clerks.size=1..10',
      '--set',
      'pools.seniors.size=1..10',
      '--replications',
      '3',
      '--json',
    ],
  },
];

const chromium = execFileSync('bash', [join(ROOT, 'infra', 'install-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  .trim()
  .split('\n')
  .pop()!;
const profile = mkdtempSync(join(tmpdir(), 'autoshift-bench-chromium-'));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  pipe: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ],
});

/** Median of three opens: ms from navigation start to the load event, and to the page drawn (two animation frames after load). */
async function open(file: string): Promise<{ load: number; paint: number }> {
  const runs: { load: number; paint: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    runs.push(
      await page.evaluate(async () => {
        // two animation frames after load: style, layout and paint of the whole page are done
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        const rendered = performance.now();
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return { load: nav.loadEventEnd - nav.startTime, paint: rendered - nav.startTime };
      }),
    );
    await page.close();
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[1];
  return { load: med(runs.map((r) => r.load)), paint: med(runs.map((r) => r.paint)) };
}

const blank = join(dir, 'blank.html');
writeFileSync(blank, '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body><p>blank</p></body></html>\n');
const base = await open(blank);
console.log(`report benchmark${quick ? ' (--quick: shorter horizons, not the figures of record)' : ''}: Node ${process.version}, ${chromium}`);
const ms = (x: number) => (x >= 0 ? x.toFixed(0) : '-');
console.log(`blank page: load ${ms(base.load)} ms, drawn ${ms(base.paint)} ms`);
console.log('');
console.log('report                                          JSON kB   HTML kB  charts  write s  load ms  drawn ms  × blank');
for (const c of cases) {
  const json = join(dir, 'result.json'),
    html = join(dir, 'report.html');
  writeFileSync(json, autoshift(c.args));
  const t0 = performance.now();
  autoshift(['report', json, '-o', html]);
  const write = (performance.now() - t0) / 1000;
  const charts = (readFileSync(html, 'utf8').match(/<figure class="chart"/g) ?? []).length;
  const o = await open(html);
  console.log(
    `${c.name.padEnd(46)}  ${(statSync(json).size / 1024).toFixed(0).padStart(7)}  ${(statSync(html).size / 1024).toFixed(0).padStart(8)}  ${String(charts).padStart(6)}  ${write.toFixed(2).padStart(7)}  ${ms(o.load).padStart(7)}  ${ms(o.paint).padStart(8)}  ${(o.paint / base.paint).toFixed(1).padStart(7)}`,
  );
}
await browser.close();
rmSync(profile, { recursive: true, force: true });
rmSync(dir, { recursive: true, force: true });
