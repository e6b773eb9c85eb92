// `cgmeter bill` through the CLI's own dispatcher: files written with --out, mistakes as exit code 2.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { Ledger } from '../../collector/ledger/ledger.js';
import { fakeSample, hexId, snapshotsOf, TEST_HOST, GiB } from './fake-samples.js';

const dir = mkdtempSync(join(tmpdir(), 'cgmeter-bill-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'ledger.db');
const now = Date.now();
const ledger = new Ledger({ path, retentionMs: 7 * 86_400_000, host: TEST_HOST });
for (let s = 0; s <= 30; s += 10) {
  ledger.record(snapshotsOf([
    fakeSample({ path: '/', timestampMs: now - 60_000 + s * 1000, inode: 1, cpuSeconds: s, memoryBytes: GiB, cpusetCpus: '0-1' }),
    fakeSample({ path: `/docker/${hexId('cli')}`, timestampMs: now - 60_000 + s * 1000, createdMs: 1, cpuSeconds: s / 4, memoryBytes: GiB / 4, identity: { name: 'cli-app', image: 'cli:1' } }),
  ]));
}
ledger.close();

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true; });
  try {
    return { code: await main(args), stderr };
  } finally {
    spy.mockRestore();
  }
}

describe('cgmeter bill', () => {
  it('writes the report in each format to --out', async () => {
    writeFileSync(join(dir, 'prices.yaml'), 'currency: EUR\ncpuCoreHour: 36\n');
    for (const format of ['json', 'csv', 'html', 'table']) {
      const out = join(dir, `report.${format}`);
      const { code } = await run(['bill', '--ledger', path, '--from=-1h', '--by', 'image', '--rate-card', join(dir, 'prices.yaml'), '--format', format, '--out', out]);
      expect(code).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('cli:1');
    }
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(json.rows[0].cpuCoreHours * 3600).toBeCloseTo(7.5, 9);
    expect(json.rows[0].cost.cpu).toBeCloseTo(0.075, 9);
  });
  it('says what is wrong, with exit code 2', async () => {
    expect(await run(['bill', '--ledger', join(dir, 'missing.db')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/no ledger at .*missing.db/) });
    expect(await run(['bill', '--ledger', path, '--basis', 'request'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--basis "request"/) });
    expect(await run(['bill', '--ledger', path, '--rate-card', join(dir, 'nope.yaml')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read rate card/) });
    expect(await run(['bill', '--ledger', path, '--from', '-24h', '--from-typo'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--from-typo'/) });
    // A relative time after a space is the flag's value, not an option.
    expect(await run(['bill', '--ledger', path, '--from', '-24h', '--format', 'json'])).toMatchObject({ code: 0 });
  });
});
