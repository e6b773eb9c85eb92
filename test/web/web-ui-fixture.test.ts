// The page in Chromium over the v1 fixture tree (serve --host-root, no root needed, immune to whatever
// else the machine runs): the table shows the fixture's two containers with the cells `cgmeter top` shows
// for them, "every cgroup" and the tree add the plain cgroups, and a container page without the limits
// API has read-only limits. No CSP violation and no script error anywhere.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRootOrSkip } from '../helpers/kernel.js';
import { startServe, type ServeProcess } from '../exporters/serve/serve-process.js';
import { fixtureDir } from '../exporters/fixture-source.js';
import { openBrowser, type Browser } from './browser.js';

declare const document: { querySelector(selector: string): { textContent: string | null } | null; querySelectorAll(selector: string): { length: number } };

const skip = requireRootOrSkip({ root: false, binaries: ['chromium'] }, 'web UI over the fixture tree');
const A = '/docker/5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83';
const B = '/docker/8c8ddd7e488b48f3f894af7b24f4bd143a734393b9aae93e28dae289c5d87ceb';

describe.skipIf(skip)('the web UI over the v1 fixture tree', () => {
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(import.meta.dirname, '../../web/build.mjs')], { stdio: 'ignore', timeout: 120_000 });
    serve = await startServe(['--interval', '1s', '--host-root', fixtureDir('cgroup-v1'), '--reader', 'fallback',
      '--docker-socket', 'none', '--podman-socket', 'none'], 120_000);
    browser = await openBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    serve?.kill();
  });

  const cells = (path: string) => browser!.page.$$eval(`tr[data-key="${path}"] td`, (tds) => tds.map((td) => td.textContent));

  it('lists the two containers with top\'s cells, and every cgroup on request', async () => {
    const page = browser!.page;
    await page.goto(`${serve!.url}/`);
    await page.waitForSelector(`tr[data-key="${B}"]`, { timeout: 60_000 });
    expect(await page.$$eval('#containers tbody tr', (rows) => rows.length)).toBe(2);
    // The very first sample has no rate yet ('-'); the next one (static files: 0) gives '0.00'.
    await page.waitForFunction((key) => document.querySelector(`tr[data-key="${key}"] td:nth-child(3)`)?.textContent === '0.00', A, { timeout: 15_000 });
    // Static files: no rates (-, 0), limits and memory as the fixture has them.
    expect((await cells(A)).slice(0, 7)).toEqual(['5aacd01bb995', 'docker', '0.00', '0.0%', '108M', '108M', '42%']);
    expect((await cells(B)).slice(0, 7)).toEqual(['8c8ddd7e488b', 'docker', '0.00', '-', '3.6M', '3.6M', '5.7%']);
    await page.check('#show-all');
    await page.waitForFunction(() => document.querySelectorAll('#containers tbody tr').length === 4, undefined, { timeout: 30_000 });
    await page.uncheck('#show-all');
  });

  it('nests every cgroup in the tree', async () => {
    const page = browser!.page;
    await page.goto(`${serve!.url}/#/tree`);
    await page.waitForSelector(`#tree tr[data-key="${A}"]`, { timeout: 30_000 });
    expect(await page.$$eval('#tree tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(expect.arrayContaining(['/', '/docker', A, B]));
    expect(await page.textContent(`#tree tr[data-key="${A}"] .tree-prefix`)).toMatch(/^[│ ]*[├└]─/);
  });

  it('shows a container\'s limits read-only without the limits API', async () => {
    const page = browser!.page;
    await page.goto(`${serve!.url}/#/c/${encodeURIComponent(A)}`);
    await page.waitForSelector('#limits-readonly', { timeout: 30_000 });
    await page.waitForSelector('#chart-memory canvas', { timeout: 30_000 });
    expect(await page.$('#limits-form')).toBeNull();
    expect(await page.textContent('h1')).toBe('5aacd01bb995');
  });

  it('broke no CSP rule and threw nothing', () => {
    expect(browser!.problems).toEqual([]);
  });
});
