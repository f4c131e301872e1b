/**
 * Headless Chromium for browser tests: installed from Debian's packages by
 * infra/install-chromium.sh (skipped when present), driven by puppeteer-core
 * over a pipe (no debugging port). Offline flags as the machine notes ask:
 * Chromium must not reach for Google's services.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ROOT } from './cli.js';

/** The chromium binary, installing it on first use. */
export function chromiumPath(): string {
  const out = execFileSync('bash', [join(ROOT, 'infra', 'install-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 });
  return out.trim().split('\n').pop()!;
}

export interface ChromiumHandle {
  browser: Browser;
  close(): Promise<void>;
}

/** One browser, with a fresh profile that is removed on close. */
export async function launchChromium(): Promise<ChromiumHandle> {
  const profile = mkdtempSync(join(tmpdir(), 'autoshift-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
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
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
