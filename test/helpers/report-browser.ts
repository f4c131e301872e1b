/**
 * Opens an HTML report in headless Chromium and reads what a reader would
 * see: console errors, network requests, each chart's box and how much of it
 * is drawn (non-white pixels of a full-page screenshot), and the page count
 * of its PDF on A4 and Letter.
 */
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import type { Browser } from 'puppeteer-core';

export interface RenderedReport {
  /** console errors and warnings, page errors, failed loads */
  problems: string[];
  /** requests for anything but the file itself (there should be none) */
  requests: string[];
  /** per chart (in page order): its title and the share of its box that is not white */
  charts: { title: string; width: number; height: number; inked: number }[];
  pdf: Record<'A4' | 'Letter', { pages: number; minimum: number; bytes: number; width: number; printable: number }>;
  screenshot: Buffer;
}

/** Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

const MM = 96 / 25.4; // CSS pixels per millimetre
const PAPER = { A4: { w: 210, h: 297 }, Letter: { w: 215.9, h: 279.4 } } as const;
const MARGIN = { x: 12, y: 14 }; // the report's @page margins, mm

export async function renderInBrowser(browser: Browser, file: string): Promise<RenderedReport> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  try {
    await page.setViewport({ width: 1000, height: 900 });
    await page.goto(url, { waitUntil: 'load' });
    const boxes = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('.plot svg')!;
        const r = svg.getBoundingClientRect();
        return {
          title: svg.querySelector('title')?.textContent ?? '',
          x: r.left + window.scrollX,
          y: r.top + window.scrollY,
          width: r.width,
          height: r.height,
        };
      }),
    );
    const screenshot = Buffer.from(await page.screenshot({ fullPage: true, type: 'png' }));
    const png = PNG.sync.read(screenshot);
    const charts = boxes.map((b) => {
      let inked = 0,
        all = 0;
      for (let y = Math.floor(b.y); y < Math.min(png.height, b.y + b.height); y++) {
        for (let x = Math.floor(b.x); x < Math.min(png.width, b.x + b.width); x++) {
          const i = (y * png.width + x) * 4;
          all++;
          if (png.data[i] < 235 || png.data[i + 1] < 235 || png.data[i + 2] < 235) inked++;
        }
      }
      return { title: b.title, width: b.width, height: b.height, inked: all ? inked / all : 0 };
    });
    const pdf = {} as RenderedReport['pdf'];
    await page.emulateMediaType('print');
    for (const format of ['A4', 'Letter'] as const) {
      const paper = PAPER[format];
      // the content's height when laid out at the printable width: the fewest pages it can take
      const printable = Math.floor((paper.w - 2 * MARGIN.x) * MM);
      await page.setViewport({ width: printable, height: 900 });
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      // wider than the printable width (a table that cannot wrap): the browser shrinks the whole page to print it
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      const minimum = Math.ceil(height / ((paper.h - 2 * MARGIN.y) * MM));
      const bytes = Buffer.from(await page.pdf({ format, printBackground: true, preferCSSPageSize: false }));
      pdf[format] = { pages: pdfPageCount(bytes), minimum, bytes: bytes.length, width, printable };
    }
    return { problems, requests, charts, pdf, screenshot };
  } finally {
    await page.close();
  }
}
