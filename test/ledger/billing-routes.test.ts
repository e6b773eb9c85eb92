// GET /api/v1/billing in-process (app.request): the same report as the CLI, and 400/503 that say why.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { Ledger } from '../../collector/ledger/ledger.js';
import { registerBillingRoutes } from '../../exporters/http/billing-routes.js';
import { billingReport, parseRateCard, type BillingReport } from '../../exporters/billing/index.js';
import { fakeSample, hexId, snapshotsOf, TEST_HOST, GiB } from './fake-samples.js';

const T0 = Date.UTC(2026, 6, 1, 9, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'cgmeter-routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'ledger.db');
const ledger = new Ledger({ path, retentionMs: 7 * 86_400_000, host: TEST_HOST });
for (let s = 0; s <= 60; s += 10) {
  ledger.record(snapshotsOf([
    fakeSample({ path: '/', timestampMs: T0 + s * 1000, inode: 1, cpuSeconds: s, memoryBytes: 2 * GiB, cpusetCpus: '0-1' }),
    fakeSample({ path: `/docker/${hexId('api')}`, timestampMs: T0 + s * 1000, createdMs: 1, cpuSeconds: s / 2, memoryBytes: GiB, identity: { name: 'api', image: 'api:1' } }),
  ]));
}
ledger.close();
const card = parseRateCard('currency: EUR\ncpuCoreHour: 3.6\n');
const now = () => T0 + 3_600_000;
const app = new Hono();
registerBillingRoutes(app, { ledgerPath: path, rateCard: card, now });

describe('GET /api/v1/billing', () => {
  it('answers the CLI\'s report as JSON', async () => {
    const query = { from: '2026-07-01T09:00:00Z', to: '2026-07-01T10:00:00Z', by: 'image' };
    const res = await app.request(`/api/v1/billing?${new URLSearchParams(query)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await res.json() as BillingReport;
    const cli = await billingReport({ kind: 'ledger', path }, query, card, now());
    expect(body).toEqual(JSON.parse(JSON.stringify(cli)));
    expect(body.rows[0]).toMatchObject({ label: 'api:1', containers: 1 });
    expect(body.rows[0]!.cpuCoreHours * 3600).toBeCloseTo(30, 9);
    expect(body.rows[0]!.cost!.cpu).toBeCloseTo(0.03, 12);
  });
  it('renders csv and html on request', async () => {
    const csv = await app.request('/api/v1/billing?from=2026-07-01T09:00:00Z&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await csv.text()).toMatch(/^kind,group,/);
    const html = await app.request('/api/v1/billing?from=2026-07-01T09:00:00Z&format=html');
    expect(await html.text()).toMatch(/<svg/);
  });
  it('says what was wrong with a parameter (400) and when there is no ledger yet (503)', async () => {
    const bad = await app.request('/api/v1/billing?by=team');
    expect(bad.status).toBe(400);
    expect((await bad.json() as { error: string }).error).toMatch(/use container, image, label:KEY/);
    const missing = new Hono();
    registerBillingRoutes(missing, { ledgerPath: join(dir, 'none.db') });
    const res = await missing.request('/api/v1/billing');
    expect(res.status).toBe(503);
  });
});
