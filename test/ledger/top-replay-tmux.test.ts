// `cgmeter top --replay` in a real terminal (tmux) over a ledger written by the ledger's recorder:
// it opens stopped at --from with the recorded values, `]` `}` `[` step, `J -1m` jumps, `e` is
// refused, `p` plays forward, `q` quits. The rows come from recorded Samples only.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../collector/ledger/ledger.js';
import { SampleRecorder } from '../../collector/ledger/recorder.js';
import { dateTime } from '../../dashboard/text/format.js';
import { requireRootOrSkip } from '../helpers/kernel.js';
import { TmuxSession, topCommandLine } from '../dashboard/tmux.js';
import { fakeSample, snapshotsOf, TEST_HOST, hexId } from './fake-samples.js';

const skip = requireRootOrSkip({ root: false, binaries: ['tmux'] }, 'cgmeter top --replay in tmux');
const ROUNDS = 60;
const T0 = Math.floor(Date.now() / 10_000) * 10_000 - ROUNDS * 10_000;
const dirs: string[] = [];
const sessions: TmuxSession[] = [];

afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** web: 0.5 core for the first half, then 0.25; db idle; each round 10 s. */
function writeLedger(path: string): void {
  const ledger = new Ledger({ path, retentionMs: 90 * 86_400_000, host: TEST_HOST });
  const recorder = new SampleRecorder(ledger.db, { intervalMs: 10_000, retentionMs: 6 * 3_600_000 });
  let webCpu = 0;
  for (let k = 0; k < ROUNDS; k++) {
    const t = T0 + k * 10_000;
    if (k > 0) webCpu += k <= ROUNDS / 2 ? 5 : 2.5;
    const snapshots = snapshotsOf([
      fakeSample({ path: '/', timestampMs: t, inode: 1, cpuSeconds: k * 10 }),
      fakeSample({ path: `/docker/${hexId('web')}`, timestampMs: t, inode: 20, cpuSeconds: webCpu, memoryBytes: 300 * 2 ** 20, quotaUs: 100_000, identity: { name: 'web', image: 'shop/web:1' } }),
      fakeSample({ path: `/docker/${hexId('db')}`, timestampMs: t, inode: 21, cpuSeconds: 1, memoryBytes: 64 * 2 ** 20, identity: { name: 'db' } }),
    ]);
    ledger.record(snapshots);
    recorder.record(snapshots);
  }
  ledger.close();
}

const at = (k: number) => `REPLAY ${dateTime(T0 + k * 10_000)}`;
const webCores = (lines: string[]) => /^web\s+shop\/web:1\s+(\d\.\d\d)/.exec(lines.find((l) => l.startsWith('web ')) ?? '')?.[1];

describe.skipIf(skip)('cgmeter top --replay in a terminal', () => {
  it('opens at --from, steps, jumps and plays through the recorded rounds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgmeter-replay-tmux-'));
    dirs.push(dir);
    const path = join(dir, 'ledger.db');
    writeLedger(path);
    const from = new Date(T0 + 20 * 10_000 + 4000).toISOString();
    const top = new TmuxSession(topCommandLine(['--replay', '--ledger', path, '--from', from, '--interval', '200ms']), 120, 30, { NO_COLOR: '1' });
    sessions.push(top);
    let lines = await top.waitForStart((l) => l[0]!.includes(at(20)), 'the round at --from');
    expect(lines[0]).toMatch(/STOPPED/);
    expect(webCores(lines)).toBe('0.50');
    top.keys(']');
    await top.waitForScreen((l) => l[0]!.includes(at(21)), 'one round on');
    top.keys('}');
    lines = await top.waitForScreen((l) => l[0]!.includes(at(31)), 'ten rounds on');
    expect(webCores(lines)).toBe('0.25'); // the load halved after round 30
    top.keys('[');
    await top.waitForScreen((l) => l[0]!.includes(at(30)), 'one round back');
    top.keys('J');
    // `--`: TmuxSession.type would hand tmux '-1m' as a flag.
    top.tmux('send-keys', '-t', top.name, '-l', '--', '-1m');
    top.keys('Enter');
    lines = await top.waitForScreen((l) => l[0]!.includes(at(24)), 'a jump a minute back');
    expect(webCores(lines)).toBe('0.50');
    top.keys('e');
    await top.waitForScreen((l) => l.some((x) => x.includes('a replay shows the past')), 'e refused');
    // p plays one round per --interval until the end of the recording.
    top.keys('p');
    await top.waitForScreen((l) => l[0]!.includes(at(ROUNDS - 1)), 'playback to the last round', 30_000);
    top.keys('q');
    await top.waitForScreen(() => top.display('#{pane_dead}') === '1', 'top to quit');
  }, 120_000);
});
