// The web UI in headless Chromium against `cgmeter serve` and real cgroups with known loads: a CPU
// spinner under a 0.9-core quota and an idle sleeper under a 256 MiB limit, both docker-shaped
// (…/docker/<64 hex>) so that they are containers. The page lists them, sorts the spinner first by CPU,
// its CPU chart gains points every interval, a limit edit with the token reaches the kernel's file, one
// without it is refused, freeze/thaw work, and a serve without the limits API shows limits read-only.
// With CGMETER_UPDATE_SCREENSHOT=1 the screenshots replace docs/img/web-*.png (the README shows them).

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCgroup, destroyAllTestCgroups, requireRootOrSkip, waitFor, type TestCgroup } from '../helpers/kernel.js';
import { startServe, type ServeProcess } from '../exporters/serve/serve-process.js';
import { freezerFor, type FreezerPlace } from '../limits/freezer.js';
import { MAIN_COLUMNS } from '../../dashboard/model/columns.js';
import { openBrowser, type Browser } from './browser.js';

/**
 * The page's globals, typed just as far as the callbacks run in the browser use them: the test compiles
 * without the DOM lib, and a module-level declaration does not leak into other files.
 */
interface PageElement { textContent: string | null; dataset: Record<string, string | undefined>; querySelector(selector: string): PageElement | null; removeAttribute(name: string): void }
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): { length: number } };
declare const sessionStorage: { getItem(key: string): string | null };
declare const localStorage: { length: number };

const skip = requireRootOrSkip({ binaries: ['stress-ng', 'chromium'] }, 'web UI in Chromium');
const MiB = 1024 * 1024;
const INTERVAL_MS = 1000;
const containerId = (prefix: string) => prefix + randomBytes(32).toString('hex').slice(prefix.length);
const BUSY = containerId('b0b0b0');
const IDLE = containerId('1d1e00');
const TOKEN = randomBytes(24).toString('hex');
const DOCS_IMG = join(import.meta.dirname, '../../docs/img');
const engines = ['--docker-socket', 'none', '--podman-socket', 'none'];
/** Other sessions' cgroups (thousands, at times) make serve's first walk slow on this shared machine. */
const SERVE_START_MS = 180_000;
/** Waits for the page; generous for the same reason (the tree has every cgroup of the host). */
const PAGE_MS = 60_000;

/** This machine is shared: a large CPU weight lets the spinner get its quota whatever else runs. */
function favourCpu(cg: TestCgroup): void {
  for (const mount of cg.hierarchies) {
    let dir = mount;
    for (const segment of cg.path.split('/').filter(Boolean)) {
      dir += `/${segment}`;
      for (const [file, value] of [['cpu.shares', '16384'], ['cpu.weight', '1000']] as const) {
        if (existsSync(`${dir}/${file}`)) writeFileSync(`${dir}/${file}`, value);
      }
    }
  }
}

describe.skipIf(skip)('the web UI in Chromium', () => {
  let scratch: string;
  let busy: TestCgroup;
  let idle: TestCgroup;
  let freezer: FreezerPlace | undefined;
  let serve: ServeProcess | undefined;
  let readOnlyServe: ServeProcess | undefined;
  let browser: Browser | undefined;
  const memoryFile = () => (idle.host.mode === 'v2' ? 'memory.max' : 'memory.limit_in_bytes');
  const pageOf = (cg: TestCgroup) => `${serve!.url}/#/c/${encodeURIComponent(cg.path)}`;

  async function screenshot(name: string, fullPage = false): Promise<void> {
    const file = join(scratch, `web-${name}.png`);
    await browser!.page.screenshot({ path: file, fullPage });
    if (process.env.CGMETER_UPDATE_SCREENSHOT === '1') {
      mkdirSync(DOCS_IMG, { recursive: true });
      copyFileSync(file, join(DOCS_IMG, `web-${name}.png`));
    }
  }

  beforeAll(async () => {
    // The page as the sources say now (npm run build does the same; this keeps a stale dist/web out of the test).
    execFileSync(process.execPath, [join(import.meta.dirname, '../../web/build.mjs')], { stdio: 'ignore', timeout: 120_000 });
    scratch = mkdtempSync(join(tmpdir(), 'cgmeter-web-'));
    busy = createTestCgroup(`docker/${BUSY}`, { controllers: ['cpu', 'memory', 'pids'] });
    busy.setLimits({ cpuQuotaUs: 90_000, cpuPeriodUs: 100_000 });
    favourCpu(busy);
    await busy.spawnIn('stress-ng', ['--cpu', '1', '--timeout', '300s', '--quiet']);
    idle = createTestCgroup(`docker/${IDLE}`, { controllers: ['cpu', 'memory', 'pids'] });
    idle.setLimits({ memoryBytes: 256 * MiB });
    await idle.spawnIn('sleep', ['300']);
    freezer = freezerFor(idle); // the kit makes no v1 freezer group; freeze needs one
    freezer.join();
    const tokenFile = join(scratch, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    serve = await startServe(['--interval', `${INTERVAL_MS}ms`, '--enable-limits-api', '--api-token-file', tokenFile,
      '--audit-log', join(scratch, 'audit.log'), '--ledger', join(scratch, 'ledger.db'), ...engines,
      // Limits are slow-cadence files, re-read at each discovery walk (the TUI refreshes them after its own
      // changes, the HTTP API does not yet): a short walk lets the page show a new limit soon.
      '--discovery-interval', '3s'], SERVE_START_MS);
    browser = await openBrowser();
  }, 300_000);

  afterAll(async () => {
    // Each step on its own: one failing must not leave the others running.
    await browser?.close().catch(() => undefined);
    serve?.kill();
    readOnlyServe?.kill();
    freezer?.thaw(); // frozen tasks cannot die
    await destroyAllTestCgroups();
    freezer?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('lists the containers with top\'s columns, and sorting by CPU puts the spinner first', async () => {
    const page = browser!.page;
    const response = await page.goto(`${serve!.url}/`);
    expect(response!.headers()['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self'/);
    // Other work on this machine may have containers too: the filter keeps this process's two.
    await page.fill('#filter', `cgmeter-test-${process.pid}-`);
    await page.waitForSelector(`tr[data-key="${busy.path}"]`, { timeout: PAGE_MS });
    await page.waitForSelector(`tr[data-key="${idle.path}"]`, { timeout: PAGE_MS });
    const headers = await page.$$eval('#containers thead th', (ths) => ths.map((th) => th.textContent!.replace(/[▼▲]/g, '')));
    expect(headers).toEqual(MAIN_COLUMNS.map((c) => c.header));
    await page.click('th[data-col=name] button'); // by name first, so that sorting by CPU is a change
    await page.waitForSelector('th[data-col=name].sorted');
    await page.click('th[data-col=cpu] button');
    await page.waitForFunction(([path]) => {
      const first = document.querySelector('#containers tbody tr');
      return first?.dataset.key === path && Number(first.querySelector('td[data-col=cpu]')?.textContent) > 0.5;
    }, [busy.path], { timeout: PAGE_MS });
    const cores = Number(await page.textContent(`tr[data-key="${busy.path}"] td[data-col=cpu]`));
    expect(cores).toBeLessThanOrEqual(0.95); // its 0.9-core quota
    expect(await page.textContent(`tr[data-key="${busy.path}"] td[data-col=image]`)).toBe('docker');
    expect(Number((await page.textContent(`tr[data-key="${idle.path}"] td[data-col=cpu]`))!)).toBeLessThan(0.05);
    await screenshot('table');
    await page.fill('#filter', IDLE.slice(0, 10));
    await page.waitForFunction(() => document.querySelectorAll('#containers tbody tr').length === 1);
    expect(await page.$(`tr[data-key="${idle.path}"]`)).not.toBeNull();
    await page.fill('#filter', '');
  });

  it('draws live charts on the container page: new points within three intervals', async () => {
    const page = browser!.page;
    await page.goto(pageOf(busy));
    await page.waitForFunction(() => Number(document.querySelector('#chart-cpu')?.dataset.points) >= 2, undefined, { timeout: PAGE_MS });
    const before = Number(await page.getAttribute('#chart-cpu', 'data-points'));
    const started = Date.now();
    await page.waitForFunction((n) => Number(document.querySelector('#chart-cpu')?.dataset.points) >= n + 2,
      before, { timeout: 3 * INTERVAL_MS + 1000, polling: 100 });
    console.log(`web UI: 2 new chart points in ${Date.now() - started} ms (interval ${INTERVAL_MS} ms)`);
    for (const id of ['cpu', 'memory', 'io', 'network', 'pressure']) expect(await page.$(`#chart-${id} canvas`), id).not.toBeNull();
    expect(await page.textContent('#chart-cpu .u-legend')).toContain('quota');
    expect(await page.textContent('#limits-current')).toContain('0.90 cores');
    await page.waitForFunction(() => Number(document.querySelector('#chart-cpu')?.dataset.points) >= 6, undefined, { timeout: 15_000 });
    await screenshot('container', true); // all five charts
  });

  it('changes a memory limit with the token, after a confirmation showing the planned write', async () => {
    const page = browser!.page;
    await page.goto(pageOf(idle));
    await page.waitForSelector('#limits-form');
    expect(Number(idle.read('memory', memoryFile()))).toBe(256 * MiB);
    await page.fill('#api-token', TOKEN);
    await page.fill('#limit-memory', '200M');
    await page.click('#limit-apply');
    await page.waitForSelector('#confirm-dialog[open]', { timeout: 10_000 });
    const plan = await page.textContent('#confirm-dialog');
    expect(plan).toContain(memoryFile());
    expect(plan).toContain(String(200 * MiB));
    expect(Number(idle.read('memory', memoryFile()))).toBe(256 * MiB); // nothing written before the confirmation
    await screenshot('confirm');
    await page.click('#confirm-yes');
    await page.waitForSelector('#limit-result[data-outcome=ok]', { timeout: 10_000 });
    expect(Number(idle.read('memory', memoryFile()))).toBe(200 * MiB);
    expect(await page.textContent('#limit-result')).toMatch(new RegExp(`^Applied: \\S*/${memoryFile()} = ${200 * MiB} \\(applied\\)$`));
    await page.waitForFunction(() => document.querySelector('#limits-current')?.textContent?.includes('200M'), undefined, { timeout: 15_000 });
    // The token is kept for this tab only.
    expect(await page.evaluate(() => sessionStorage.getItem('cgmeter.apiToken'))).toBe(TOKEN);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it('refuses a change without the token or with a wrong one, and writes nothing', async () => {
    const page = browser!.page;
    await page.goto(pageOf(idle));
    await page.waitForSelector('#limits-form');
    for (const [token, reason] of [['', 'bearer token required'], ['not-the-token-at-all', 'invalid token']] as const) {
      await page.fill('#api-token', token);
      await page.fill('#limit-memory', '150M');
      await page.click('#limit-apply');
      await page.waitForSelector('#limit-result[data-outcome=refused]', { timeout: 10_000 });
      expect(await page.textContent('#limit-result')).toBe(`Refused (HTTP 401): ${reason}`);
      expect(await page.$('#confirm-dialog[open]')).toBeNull();
      await page.evaluate(() => { document.querySelector('#limit-result')!.removeAttribute('data-outcome'); });
    }
    expect(Number(idle.read('memory', memoryFile()))).toBe(200 * MiB);
  });

  it('freezes and thaws after a confirmation', async () => {
    const page = browser!.page;
    const frozen = () => (idle.host.mode === 'v2' ? idle.read('unified', 'cgroup.freeze').trim() === '1'
      : readFileSync(`${idle.host.mounts.freezer}${idle.path}/freezer.state`, 'utf8').trim() === 'FROZEN');
    await page.fill('#api-token', TOKEN);
    for (const [button, want] of [['#freeze', true], ['#thaw', false]] as const) {
      await page.click(button);
      await page.waitForSelector('#confirm-dialog[open]', { timeout: 10_000 });
      await page.click('#confirm-yes');
      await page.waitForSelector('#limit-result[data-outcome=ok]', { timeout: 15_000 });
      await waitFor(() => frozen() === want, { timeoutMs: 5000, what: `${button} to reach the kernel` });
      await page.evaluate(() => { document.querySelector('#limit-result')!.removeAttribute('data-outcome'); });
    }
  });

  it('shows the cgroup tree and the billing report with its downloads', { timeout: 180_000 }, async () => {
    const page = browser!.page;
    await page.goto(`${serve!.url}/#/tree`);
    await page.waitForSelector(`#tree tr[data-key="${busy.path}"]`, { timeout: PAGE_MS });
    await page.waitForSelector(`#tree tr[data-key="${busy.topPath}"]`);
    expect(await page.textContent(`#tree tr[data-key="${busy.path}"] .tree-prefix`)).toMatch(/[└├]─/);
    // Only this test's branches (and their ancestors, the root among them) on the screenshot.
    await page.fill('#tree-filter', `cgmeter-test-${process.pid}-`);
    await page.waitForFunction(() => document.querySelectorAll('#tree tbody tr').length <= 8, undefined, { timeout: 10_000 });
    await screenshot('tree');
    await page.goto(`${serve!.url}/#/billing?from=-1h&to=now&by=container&basis=usage`);
    await page.waitForSelector('#billing-table', { timeout: PAGE_MS });
    expect(await page.textContent('#billing-table')).toContain('total');
    const links = await page.$$eval('#billing-downloads a', (as) => as.map((a) => a.getAttribute('href')!));
    expect(links).toHaveLength(3);
    const types = await Promise.all(links.map(async (href) => (await page.request.get(`${serve!.url}/${href}`)).headers()['content-type']));
    expect(types.map((t) => t!.split(';')[0])).toEqual(['text/csv', 'application/json', 'text/html']);
    await screenshot('billing');
  });

  it('shows limits read-only when serve runs without the limits API', { timeout: 300_000 }, async () => {
    readOnlyServe = await startServe(['--interval', `${INTERVAL_MS}ms`, ...engines], SERVE_START_MS);
    const page = browser!.page;
    await page.goto(`${readOnlyServe.url}/#/c/${encodeURIComponent(idle.path)}`);
    await page.waitForSelector('#limits-readonly', { timeout: PAGE_MS });
    await page.waitForFunction(() => document.querySelector('#limits-current')?.textContent?.includes('200M'), undefined, { timeout: 10_000 });
    expect(await page.$('#limits-form')).toBeNull();
    expect(await page.$('#freeze')).toBeNull();
    await page.goto(`${readOnlyServe.url}/#/billing`);
    await page.waitForSelector('#billing-off');
    readOnlyServe.kill();
  });

  it('broke no CSP rule and threw nothing on any page', () => {
    expect(browser!.problems).toEqual([]);
  });
});
