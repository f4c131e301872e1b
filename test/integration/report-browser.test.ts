/**
 * A real browser renders the reports: headless Chromium from Debian's
 * packages (installed by infra/install-chromium.sh on first use), one browser
 * for the whole file. Each report opens from disk with no console error and
 * no request, each chart is drawn in its box (non-white pixels), and the PDF
 * has the page count its printed layout needs, on A4 and Letter.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoshift } from '../helpers/cli.js';
import { launchChromium, type ChromiumHandle } from '../helpers/chromium.js';
import { renderInBrowser, type RenderedReport } from '../helpers/report-browser.js';

const dir = mkdtempSync(join(tmpdir(), 'autoshift-browser-'));
let chromium: ChromiumHandle;

beforeAll(async () => {
  chromium = await launchChromium();
}, 900_000);
afterAll(async () => {
  await chromium?.close();
});

function expectRendered(r: RenderedReport, charts: number) {
  expect(r.problems, 'console errors, page errors, failed loads').toEqual([]);
  expect(r.requests, 'requests made by the page').toEqual([]);
  expect(r.charts.length).toBe(charts);
  for (const c of r.charts) {
    expect(c.width, `${c.title} width`).toBeGreaterThan(300);
    expect(c.height, `${c.title} height`).toBeGreaterThan(150);
    // axes, grid, lines and bands: well above a blank box, well below a filled one
    expect(c.inked, `${c.title}: share of its box drawn`).toBeGreaterThan(0.03);
    expect(c.inked, `${c.title}: share of its box drawn`).toBeLessThan(0.9);
  }
  for (const format of ['A4', 'Letter'] as const) {
    const p = r.pdf[format];
    // nothing wider than the paper: the page prints at its own size, not shrunk to fit a wide table
    expect(p.width, `${format}: content width at the printable width`).toBeLessThanOrEqual(p.printable);
    // at least the pages its printed height needs; at most one more per chart (a chart is never split across pages)
    expect(p.pages, `${format} pages (content needs at least ${p.minimum})`).toBeGreaterThanOrEqual(p.minimum);
    expect(p.pages, `${format} pages (content needs at least ${p.minimum})`).toBeLessThanOrEqual(p.minimum + charts);
    expect(p.minimum).toBeGreaterThan(1);
  }
}

describe('reports in headless Chromium', () => {
  it('a run report', async () => {
    const file = join(dir, 'run.html');
    const r = autoshift([
      'run',
      'scenarios/invoice-office.yaml',
      '--set',
      'horizon=35d',
      '--set',
      'disruptions[0].start=20d',
      '--replications',
      '3',
      '--report',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rendered = await renderInBrowser(chromium.browser, file);
    writeFileSync(join(dir, 'run.png'), rendered.screenshot);
    expectRendered(rendered, 5);
  });

  it('a compare report', async () => {
    const file = join(dir, 'compare.html');
    const r = autoshift([
      'compare',
      'scenarios/invoice-office.yaml',
      '--set',
      'horizon=35d',
      '--set',
      'disruptions[0].start=20d',
      '--policies',
      'static,reactive,bot-first',
      '--replications',
      '3',
      '--report',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rendered = await renderInBrowser(chromium.browser, file);
    expectRendered(rendered, 2);
  });

  it('a sweep report', async () => {
    const file = join(dir, 'sweep.html');
    const r = autoshift([
      'sweep',
      'scenarios/invoice-office.yaml',
      '--set',
      'horizon=35d',
      '--set',
      'pools.clerks.size=2..4',
      '--set',
      'pools.seniors.size=1..3',
      '--replications',
      '2',
      '--report',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rendered = await renderInBrowser(chromium.browser, file);
    expectRendered(rendered, 2);
  });
});
