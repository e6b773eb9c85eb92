// Bad input to the real CLI process on the live host: each refusal is a clear message and exit
// code 2, every limit file reads the same before and after, and the audit log holds the refusal
// and nothing else (a kernel refusal: the failed write and the rollback of what came before).

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ALLOWED_FILES, type AuditEntry } from '../../collector/limits/index.js';
import { createTestCgroup, destroyAllTestCgroups, detectHostCgroups, requireRootOrSkip, type TestCgroup } from '../helpers/kernel.js';
import { ensureBuilt, runCgmeter } from './run-cli.js';

const skip = requireRootOrSkip({ binaries: ['stress-ng'] }, 'limits refusal tests');
const host = skip ? undefined : detectHostCgroups();
let scratch: string;
let cg: TestCgroup;

/** Every allowlisted limit file of these directories, with its text. */
function limitFiles(dirs: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      if (name in ALLOWED_FILES || name.startsWith('cpuset.')) {
        try {
          files.set(join(dir, name), readFileSync(join(dir, name), 'latin1'));
        } catch {
          // write-only or unreadable: not a limit we could compare
        }
      }
    }
  }
  return files;
}

function audit(log: string): AuditEntry[] {
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry) : [];
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cgm-refusals-'));
  if (!skip) await ensureBuilt();
}, 300_000);

afterEach(destroyAllTestCgroups);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(skip)(`cgmeter limit refuses bad input on the live host (${host?.label ?? 'no host'})`, () => {
  let n = 0;

  /** Runs one refused command and checks the four promises: message, exit 2, no change, one audit line. */
  async function expectRefused(args: (cg: TestCgroup) => string[], message: RegExp, opts: { audited?: boolean; extraDirs?: string[] } = {}): Promise<AuditEntry[]> {
    cg = createTestCgroup(`refuse${n++}`, { controllers: ['cpu', 'memory', 'pids', 'io', 'cpuset'] });
    await cg.spawnIn('sleep', ['60']);
    const dirs = [...cg.dirs(), ...(opts.extraDirs ?? [])];
    const before = limitFiles(dirs);
    const log = join(scratch, `audit-${n}.log`);
    const { code, stdout, stderr } = await runCgmeter([...args(cg), '--audit-log', log]);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^cgmeter limit: /m);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(limitFiles(dirs)).toEqual(before);
    const entries = audit(log);
    if (opts.audited === false) {
      expect(entries).toEqual([]);
    } else {
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ outcome: 'refused', action: 'limit', via: 'cli', uid: 0 });
      expect(entries[0]!.reason).toMatch(message);
    }
    return entries;
  }

  it('a path with ..', async () => {
    await expectRefused((c) => ['limit', `${c.path}/../..`, '--pids', '5'], /has a "\.\." segment; name the cgroup by its plain path/);
  });

  it('a symlink to a cgroup directory', async () => {
    const link = join(scratch, 'link');
    await expectRefused((c) => {
      rmSync(link, { force: true });
      symlinkSync(c.dir('memory'), link);
      return ['limit', link, '--memory', '64M'];
    }, /is a symbolic link; name the container or its cgroup path instead/);
  });

  it('/etc/passwd and an unknown container', async () => {
    const passwd = readFileSync('/etc/passwd', 'utf8');
    await expectRefused(() => ['limit', '/etc/passwd', '--memory', '64M'], /no container or cgroup matches "\/etc\/passwd"/);
    expect(readFileSync('/etc/passwd', 'utf8')).toBe(passwd);
    await expectRefused(() => ['limit', 'deadbeefcafe', '--pids', '5'], /no container or cgroup matches "deadbeefcafe"/);
  });

  it('the root cgroup without --allow-root', async () => {
    await expectRefused(() => ['limit', '/', '--pids', '5'], /refusing to change the root cgroup.*--allow-root/);
  });

  it.each([
    [['--memory=-5'], /--memory "-5" is not a size.*cannot be negative/],
    [['--memory', '1Q'], /--memory "1Q" is not a size; use forms like 512M, 1G, 1.5GiB/],
    [['--cpus', '0'], /--cpus must be more than 0/],
    [['--cpus', '999'], /--cpus 999 is more than this host's \d+ online CPUs?/],
    [['--io-read-bps', 'sdq=50M'], /unknown block device "sdq"; known: .*vda \(254:0\)/],
    [['--cpu-weight', '100', '--cpu-shares', '1024'], /give one of them/],
    [['--unset', 'swap'], /--unset "swap": unknown limit/],
  ])('%j', async (flags, message) => {
    await expectRefused((c) => ['limit', c.path, ...flags], message);
  });

  it('limits or --force from a config file (shared with serve) instead of the command line', async () => {
    const config = join(scratch, 'config.yaml');
    writeFileSync(config, 'memory: 64M\nforce: true\n');
    await expectRefused((c) => ['limit', c.path, '--pids', '5', '--config', config], /--memory comes from the config file; limits, --unset, --force and --allow-root are taken from the command line only/);
  });

  it('--memory -5 (the CLI hands negative values to the flag, so the size check refuses it, audited)', async () => {
    await expectRefused((c) => ['limit', c.path, '--memory', '-5'], /--memory "-5" is not a size; .* sizes cannot be negative/);
  });

  it.skipIf(host?.mode === 'v2')('a write the kernel refuses (v1: a quota above the parent\'s), the earlier cpuset write rolled back', async () => {
    cg = createTestCgroup('kernel/child', { controllers: ['cpu', 'memory', 'pids', 'io', 'cpuset'] });
    await cg.spawnIn('sleep', ['60']);
    // The parent holds its subtree to 0.2 core; v1 refuses a child quota above it (v2 would clamp).
    writeFileSync(join(dirname(cg.dir('cpu')), 'cpu.cfs_quota_us'), '20000');
    const dirs = cg.dirs();
    const before = limitFiles(dirs);
    const log = join(scratch, 'audit-kernel.log');
    const { code, stdout, stderr } = await runCgmeter(['limit', cg.path, '--cpuset-cpus', '0', '--cpus', '0.5', '--audit-log', log]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/the kernel refused "50000" in \S+\/cpu.cfs_quota_us \(EINVAL\): the quota is invalid or larger than a parent cgroup's quota/);
    expect(stdout).toMatch(/cpuset-cpus: \S+cpuset.cpus "0-1" → "0" rolled-back, reads "0-1"/);
    expect(limitFiles(dirs)).toEqual(before);
    expect(audit(log).map((e) => [e.file!.slice(e.file!.lastIndexOf('/') + 1), e.outcome])).toEqual([
      ['cpuset.cpus', 'applied'], ['cpu.cfs_quota_us', 'failed'], ['cpuset.cpus', 'rolled-back'],
    ]);
  });
});
