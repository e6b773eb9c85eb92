// `cgmeter top --replay` over a ledger file written by the ledger and its recorder: --once --json
// gives the recorded Samples of the round at --from with rates derived from the round before, and
// every way there is nothing to replay is one line saying why (exit 1), a --from outside the
// recording names the recorded range (exit 2). The command runs in this process (cli/main.ts);
// test/integration/top-replay.test.ts runs it as its own process next to a real serve.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { Ledger } from '../../collector/ledger/ledger.js';
import { SampleRecorder } from '../../collector/ledger/recorder.js';
import { fakeSample, snapshotsOf, TEST_HOST, hexId } from './fake-samples.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-top-replay-'));
  dirs.push(dir);
  return dir;
}

/** Runs `cgmeter top ARGS` here, capturing what it writes. */
async function top(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout += String(chunk); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true; });
  try {
    const code = await main(['top', ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

const WEB = `/docker/${hexId('web')}`;
const DB = `/docker/${hexId('db')}`;
// Recent enough for the default --from (10 minutes before the last round), whole 10 s rounds.
const T0 = Math.floor(Date.now() / 10_000) * 10_000 - 600_000;

/** 30 rounds, 10 s apart: web uses 0.5 core and grows 4 KiB a round, db 0.125 core at 64 MiB. */
function writeLedger(path: string, rounds = 30): void {
  const ledger = new Ledger({ path, retentionMs: 90 * 86_400_000, host: TEST_HOST });
  const recorder = new SampleRecorder(ledger.db, { intervalMs: 10_000, retentionMs: 6 * 3_600_000 });
  for (let k = 0; k < rounds; k++) {
    const t = T0 + k * 10_000;
    const snapshots = snapshotsOf([
      fakeSample({ path: '/', timestampMs: t, inode: 1, cpuSeconds: 1000 + k * 10 }),
      fakeSample({ path: WEB, timestampMs: t, inode: 20, cpuSeconds: 100 + k * 5, memoryBytes: 100 * 2 ** 20 + k * 4096, quotaUs: 50_000, identity: { name: 'web', image: 'shop/web:1' } }),
      fakeSample({ path: DB, timestampMs: t, inode: 21, cpuSeconds: k * 1.25, memoryBytes: 64 * 2 ** 20, memoryLimitBytes: 256 * 2 ** 20, identity: { name: 'db' } }),
    ]);
    ledger.record(snapshots);
    recorder.record(snapshots);
  }
  ledger.close();
}

interface OnceJson {
  timeMs: number;
  containers: Array<{ sample: { path: string; identity: { name: string }; memory: { usageBytes: number; limitBytes: number | 'max' }; cpu: { usageSeconds: number } }; cpu: { coresUsed?: number; limitCores?: number | 'max' } }>;
}

describe('cgmeter top --replay', () => {
  it('--once --json prints the recorded round at --from, with rates from the round before', async () => {
    const path = join(tempDir(), 'ledger.db');
    writeLedger(path);
    const at = T0 + 12 * 10_000;
    const out = await top(['--replay', '--ledger', path, '--from', new Date(at + 3000).toISOString(), '--once', '--json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const frame = JSON.parse(out.stdout) as OnceJson;
    expect(frame.timeMs).toBe(at); // the round at or before --from
    expect(frame.containers.map((c) => c.sample.identity.name)).toEqual(['web', 'db']); // by CPU, containers only
    const [web, db] = frame.containers;
    expect(web!.sample.cpu.usageSeconds).toBe(100 + 12 * 5);
    expect(web!.sample.memory).toMatchObject({ usageBytes: 100 * 2 ** 20 + 12 * 4096, limitBytes: 'max' });
    expect(web!.cpu.coresUsed).toBeCloseTo(0.5, 12);
    expect(web!.cpu.limitCores).toBe(0.5);
    expect(db!.cpu.coresUsed).toBeCloseTo(0.125, 12);
    expect(db!.sample.memory.limitBytes).toBe(256 * 2 ** 20);
    // The table form of the same frame; without --from, 10 minutes before the last round.
    const table = await top(['--replay', '--ledger', path, '--from', new Date(at).toISOString(), '--once']);
    expect(table.stdout.split('\n')[1]).toMatch(/^web +shop\/web:1 +0\.50 +100% +100M/);
    const latest = JSON.parse((await top(['--replay', '--ledger', path, '--once', '--json'])).stdout) as OnceJson;
    // 29 rounds span 290 s: 10 minutes before the last is before the first, so the first.
    expect(latest.timeMs).toBe(T0);
  });

  it('says why there is nothing to replay, and names the recorded range for a --from outside it', async () => {
    const dir = tempDir();
    const missing = await top(['--replay', '--ledger', join(dir, 'absent.db'), '--once']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(`cgmeter top: --replay needs recorded Samples: no ledger at ${join(dir, 'absent.db')}; \`cgmeter serve\` records them in the ledger it writes (its --ledger, every --record-interval), or point --ledger at that file\n`);

    const empty = join(dir, 'empty.db');
    writeLedger(empty, 0);
    expect(await top(['--replay', '--ledger', empty, '--once'])).toMatchObject({
      code: 1, stderr: expect.stringMatching(/^cgmeter top: --replay needs recorded Samples, and the ledger .*empty\.db holds none yet: `cgmeter serve` records a round every --record-interval/),
    });

    const old = join(dir, 'old.db');
    writeLedger(old, 2);
    const ledger = new Ledger({ path: old, retentionMs: 86_400_000, host: TEST_HOST });
    ledger.db.exec(`DROP TABLE sample_rounds; UPDATE meta SET value = '1' WHERE key = 'schema_version'`);
    ledger.close();
    expect(await top(['--replay', '--ledger', old, '--once'])).toMatchObject({
      code: 1, stderr: expect.stringMatching(/--replay needs recorded Samples: the ledger .*old\.db was written by an older cgmeter serve, which recorded no Samples/),
    });

    const path = join(dir, 'ledger.db');
    writeLedger(path);
    const before = await top(['--replay', '--ledger', path, '--once', '--from', new Date(T0 - 3_600_000).toISOString()]);
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/^cgmeter top: --from \S+ \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d\) is before the first recorded round: the ledger .*ledger\.db holds Samples from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d to /);
    expect(await top(['--replay', '--ledger', path, '--once', '--from', '+1h'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/is after the last recorded round: the ledger .* holds Samples from/) });
    expect(await top(['--replay', '--ledger', path, '--once', '--from', 'yesterday-ish'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--from: "yesterday-ish" is not a time/) });
    // Within one recording interval of an end is near enough: that end is shown.
    const nearEnd = JSON.parse((await top(['--replay', '--ledger', path, '--once', '--json', '--from', new Date(T0 + 29 * 10_000 + 9000).toISOString()])).stdout) as OnceJson;
    expect(nearEnd.timeMs).toBe(T0 + 29 * 10_000);
  });
});
