// The HTML report opened in headless Chromium: its table and its chart render (bars in the palette's
// colours are on the screenshot), from one file with no network access. The screenshot is the one in
// docs/img/billing-report.png when CGMETER_UPDATE_SCREENSHOT=1.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../collector/ledger/ledger.js';
import { billingReport, parseRateCard, renderReport } from '../../exporters/billing/index.js';
import { PALETTE } from '../../exporters/billing/svg-chart.js';
import { findBinary, requireRootOrSkip } from '../helpers/kernel.js';
import { decodePng } from './png.js';
import { fakeSample, hexId, snapshotsOf, MiB, type FakeReading } from './fake-samples.js';

const skip = requireRootOrSkip({ root: false, binaries: ['chromium'] }, 'HTML report in Chromium');
const dir = mkdtempSync(join(tmpdir(), 'cgmeter-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 2, 6, 0, 0);
const APPS = [
  { name: 'checkout-api', image: 'shop/checkout:2.3', team: 'payments', cores: 0.9, mib: 700 },
  { name: 'search', image: 'shop/search:7.1', team: 'discovery', cores: 0.6, mib: 1500 },
  { name: 'catalog', image: 'shop/catalog:1.9', team: 'discovery', cores: 0.3, mib: 400 },
  { name: 'worker-1', image: 'shop/worker:5.0', team: 'platform', cores: 0.4, mib: 300 },
  { name: 'worker-2', image: 'shop/worker:5.0', team: 'platform', cores: 0.4, mib: 300 },
  { name: 'postgres', image: 'postgres:16', team: 'platform', cores: 0.5, mib: 2000 },
];

/** Twelve hours of a small shop, one reading every five minutes, with a daytime peak. */
function writeLedger(path: string): void {
  const ledger = new Ledger({ path, retentionMs: 30 * 24 * HOUR, host: { cpuCount: 4, memTotalBytes: 16 * 1024 * MiB, bootId: 'html' } });
  const cumulative = APPS.map(() => 0);
  let hostCpu = 0;
  for (let k = 0; k <= 12 * 12; k++) {
    const t = START + k * 300_000;
    const load = 0.5 + 0.5 * Math.sin((k / 144) * Math.PI);
    const readings: FakeReading[] = APPS.map((app, i) => {
      cumulative[i]! += app.cores * load * 300;
      return {
        path: `/docker/${hexId(app.name)}`, timestampMs: t, createdMs: 1, cpuSeconds: cumulative[i], memoryBytes: app.mib * MiB * (0.8 + 0.2 * load),
        quotaUs: 100_000, memoryLimitBytes: 4 * 1024 * MiB, readBytes: k * 5e6, writeBytes: k * 2e6,
        identity: { runtime: 'docker', name: app.name, image: app.image, labels: { team: app.team } },
      };
    });
    hostCpu += (APPS.reduce((s, a) => s + a.cores, 0) * load + 0.3) * 300;
    ledger.record(snapshotsOf([fakeSample({ path: '/', timestampMs: t, inode: 1, cpuSeconds: hostCpu, memoryBytes: 8 * 1024 * MiB, cpusetCpus: '0-3' }), ...readings.map(fakeSample)]));
  }
  ledger.close();
}

describe.skipIf(skip)('HTML billing report', () => {
  it('renders its table and chart in headless Chromium', async () => {
    const ledgerPath = join(dir, 'ledger.db');
    writeLedger(ledgerPath);
    const card = parseRateCard('currency: EUR\ncpuCoreHour: 0.045\nmemoryGiBHour: 0.006\nblockIoGiB: 0.02\nnetworkGiB: 0.05\n');
    const report = await billingReport({ kind: 'ledger', path: ledgerPath },
      { from: new Date(START).toISOString(), to: new Date(START + 12 * HOUR).toISOString(), by: 'image' }, card, START + 13 * HOUR);
    const html = renderReport(report, 'html');
    expect(html).not.toMatch(/<script|<link|(src|href)=["']?https?:/); // one self-contained file: nothing fetched
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const chromium = findBinary('chromium')!;
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1400,1000'];
    const dom = execFileSync(chromium, [...flags, '--dump-dom', `file://${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    const bodyRows = dom.slice(dom.indexOf('<tbody>'), dom.indexOf('</tbody>')).match(/<tr /g) ?? [];
    expect(bodyRows.length).toBe(report.rows.length + 3); // groups, outside, idle, total
    expect(report.rows.length).toBe(5);
    expect((dom.match(/<rect class="bar"/g) ?? []).length).toBe(report.series.bucketsMs.length * report.rows.length);
    const shot = join(dir, 'report.png');
    execFileSync(chromium, [...flags, `--screenshot=${shot}`, `file://${file}`], { stdio: 'ignore', timeout: 60_000 });
    const image = decodePng(readFileSync(shot));
    expect([image.width, image.height]).toEqual([1400, 1000]);
    // Every group's colour is drawn (a bar is at least a few hundred pixels).
    const colours = PALETTE.slice(0, report.rows.length).map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
    const counts = colours.map(() => 0);
    for (let p = 0; p < image.width * image.height; p++) {
      const [r, g, b] = [image.rgba[p * 4]!, image.rgba[p * 4 + 1]!, image.rgba[p * 4 + 2]!];
      colours.forEach(([cr, cg, cb], i) => {
        if (Math.abs(r - cr!) < 6 && Math.abs(g - cg!) < 6 && Math.abs(b - cb!) < 6) counts[i]!++;
      });
    }
    expect(Math.min(...counts)).toBeGreaterThan(300);
    if (process.env.CGMETER_UPDATE_SCREENSHOT === '1') {
      const target = join(import.meta.dirname, '../../docs/img/billing-report.png');
      mkdirSync(join(target, '..'), { recursive: true });
      copyFileSync(shot, target);
    }
  }, 120_000);
});
