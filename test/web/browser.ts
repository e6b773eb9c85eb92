// Test and bench support: Debian's Chromium driven by playwright-core, headless, with a fresh profile
// directory that is removed on close. Never downloads a browser (no `playwright install`).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Quiet and offline: no sync, updates, QUIC or background fetches that would cost CPU or touch the network. */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught errors, console errors and CSP violations the page reported. */
  readonly problems: string[];
  close(): Promise<void>;
}

export interface BrowserOptions {
  readonly width?: number;
  readonly height?: number;
  readonly httpCredentials?: { username: string; password: string };
}

export async function openBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'cgmeter-chromium-'));
  let context: BrowserContext | undefined;
  try {
    // A persistent context is how playwright takes a profile directory (it refuses --user-data-dir in args).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000,
      viewport: { width: options.width ?? 1400, height: options.height ?? 900 },
      ...(options.httpCredentials ? { httpCredentials: options.httpCredentials } : {}),
    });
    const page = context.pages()[0] ?? await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // Not the page's fault: EventSource reconnects when serve stops, and the 401 of a refused limit change
      // (Chromium logs every failed fetch; the page shows the refusal).
      const expected = /EventSource|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_CONNECTION_REFUSED|status of 401 \(Unauthorized\)/;
      if (msg.type() === 'error' && !expected.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    const ctx = context;
    return {
      context: ctx, page, problems,
      async close() {
        await ctx.close().catch(() => undefined); // already gone with the browser: nothing left to close
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
