// `cgmeter top` in a real terminal (tmux, 120×40) against real cgroups with known loads: three
// "docker" containers made by the kernel test kit (a CPU spinner under a 0.9-core quota, an idle
// sleeper, a 72 MiB resident load under a 100 MiB limit). Keys go in with send-keys; assertions
// read capture-pane. With CGMETER_TOP_CAPTURES=DIR the screens are also saved there (README).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCgroup, destroyAllTestCgroups, requireRootOrSkip, type TestCgroup } from '../helpers/kernel.js';
import { MAIN_COLUMNS } from '../../dashboard/model/columns.js';
import { topCommandLine, TmuxSession } from '../dashboard/tmux.js';
import { freezerFor, type FreezerPlace } from '../limits/freezer.js';
import { heldMemoryLoad } from '../helpers/loads.js';

const skip = requireRootOrSkip({ binaries: ['tmux', 'stress-ng'] }, 'cgmeter top in tmux');
const MiB = 1024 * 1024;
const containerId = (prefix: string) => prefix + randomBytes(32).toString('hex').slice(prefix.length);
// Docker-shaped cgroup paths (…/docker/<64 hex>) make them containers; the name is the short id.
const BUSY = containerId('c0ffee');
const IDLE = containerId('a11d1e');
const MEM = containerId('feed00');
const short = (id: string) => id.slice(0, 12);
const HEADERS = new Set(MAIN_COLUMNS.map((c) => c.header));
const captures = process.env.CGMETER_TOP_CAPTURES;

function save(name: string, lines: string[]): void {
  if (!captures) return;
  mkdirSync(captures, { recursive: true });
  writeFileSync(join(captures, `top-${name}.txt`), `${lines.map((l) => l.trimEnd()).join('\n').trimEnd()}\n`);
}

const headerWords = (line: string) => line.replace(/[▼▲]/g, ' ').trim().split(/\s+/);
const rowOf = (lines: string[], id: string) => lines.find((l) => l.includes(short(id)));
const dataRows = (lines: string[]) => lines.slice(2, lines.length - 1).filter((l) => l.trim() !== '');

/**
 * This machine is shared: give the spinner's branch of the tree a large CPU weight, so that it
 * gets its quota even when other work keeps every core busy.
 */
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

// Long timeouts: the emulated v2 VM runs this too, several times slower.
describe.skipIf(skip)('cgmeter top in a real terminal', { timeout: 300_000 }, () => {
  let session: TmuxSession | undefined;
  let busy: TestCgroup;
  let freezer: FreezerPlace | undefined;
  let auditDir: string | undefined;

  /** Back to the plain table (Esc leaves detail, clears the filter, leaves tree or memory), whatever a failed test left. */
  async function reset(s: TmuxSession): Promise<void> {
    await s.escape(3);
    await s.waitForScreen((l) => /^NAME +IMAGE/.test(l[1]!) && !/filter:/.test(l.at(-1)!) && rowOf(l, IDLE) !== undefined, 'the plain table');
  }

  beforeAll(async () => {
    busy = createTestCgroup(`docker/${BUSY}`, { controllers: ['cpu', 'memory', 'pids'] });
    busy.setLimits({ cpuQuotaUs: 90_000, cpuPeriodUs: 100_000 });
    favourCpu(busy);
    await busy.spawnIn('stress-ng', ['--cpu', '1', '--timeout', '300s', '--quiet']);
    // The kit makes no v1 freezer group; f/u need one (on v2 cgroup.freeze is always there).
    freezer = freezerFor(busy);
    freezer.join();
    auditDir = mkdtempSync(join(tmpdir(), 'cgmeter-top-audit-'));
    const idle = createTestCgroup(`docker/${IDLE}`, { controllers: ['cpu', 'memory', 'pids'] });
    await idle.spawnIn('sleep', ['300']);
    const mem = createTestCgroup(`docker/${MEM}`, { controllers: ['cpu', 'memory', 'pids'] });
    mem.setLimits({ memoryBytes: 100 * MiB });
    // 72 MiB of pages plus stress-ng itself (~4 MiB): 70–90% of the limit, the warning band.
    await mem.spawnIn('stress-ng', heldMemoryLoad(72, 300));
    // After top exits, the shell reports its status and the terminal's modes (icanon = cooked again).
    const top = topCommandLine(['--interval', '1s', '--docker-socket', 'none', '--podman-socket', 'none', '--audit-log', join(auditDir, 'audit.log')]);
    session = new TmuxSession(`${top}; echo "top exited $?"; stty -a | grep -o -- '-\\?icanon'; exec sleep 600`, 120, 40);
    await session.waitForStart((l) => /^cgmeter top /.test(l[0]!), 'top to start');
  }, 300_000);

  afterAll(async () => {
    session?.kill();
    freezer?.thaw(); // frozen tasks cannot die
    await destroyAllTestCgroups();
    freezer?.remove();
    if (auditDir) rmSync(auditDir, { recursive: true, force: true });
  });

  it('puts the loaded container on top when sorted by CPU, coloured against its quota', async () => {
    const s = session!;
    await s.waitForScreen((l) => [BUSY, IDLE, MEM].every((id) => rowOf(l, id) !== undefined), 'the three containers');
    s.keys('s', 'n'); // sort by name first, so that sorting by CPU is a change
    await s.waitForScreen((l) => /^NAME▲/.test(l[1]!), 'the name sort');
    s.keys('s', 'c');
    const lines = await s.waitForScreen((l) => l[1]!.includes('▼CORES') && l[2]!.startsWith(short(BUSY))
      && Number(l[2]!.split(/\s+/)[2]) > 0.6, 'the spinner on top by CPU', 30_000);
    const cells = lines[2]!.split(/\s+/);
    expect(cells[1]).toBe('docker');
    expect(Number(cells[2])).toBeLessThanOrEqual(0.95); // its 0.9-core quota
    expect(Number(cells[3]!.replace('%', ''))).toBeGreaterThan(66);
    expect(headerWords(lines[1]!)).toEqual(MAIN_COLUMNS.map((c) => c.header));
    // The selected (first) row is inverse; colours are on, since NO_COLOR is not set.
    expect(s.capture(true)).toMatch(/\x1b\[[0-9;]*3[1-6]m/);
    save('table', lines);
  });

  it('the filter hides the others, and esc brings them back', async () => {
    const s = session!;
    s.keys('/');
    s.type(short(IDLE).slice(0, 8));
    s.keys('Enter');
    const lines = await s.waitForScreen((l) => /^filter: a11d1e/.test(l.at(-1)!) && rowOf(l, IDLE) !== undefined && rowOf(l, BUSY) === undefined, 'only the idle container');
    expect(dataRows(lines)).toHaveLength(1);
    expect(rowOf(lines, MEM)).toBeUndefined();
    expect(lines.at(-1)).toMatch(/^filter: a11d1e/);
    save('filter', lines);
    await s.escape();
    await s.waitForScreen((l) => rowOf(l, BUSY) !== undefined && rowOf(l, IDLE) !== undefined, 'all containers again');
  });

  it('t shows the cgroup tree with containers marked; space folds a node', async () => {
    const s = session!;
    await reset(s);
    s.keys('t', '/');
    s.type(short(BUSY));
    s.keys('Enter');
    const tree = await s.waitForScreen((l) => l.at(-1)!.startsWith(`filter: ${short(BUSY)} `) && l.some((x) => x.includes(`◆ ${short(BUSY)}`)), 'the spinner in the tree');
    const top = busy.topPath.slice(1);
    expect(tree[2]).toMatch(/^▾ \/ /);
    expect(tree[3]).toMatch(new RegExp(`^└─▾ ${top.slice(0, 20)}`));
    expect(tree[4]).toMatch(/^ {2}└─▾ docker /);
    expect(tree[5]).toMatch(new RegExp(`^ {4}└── ◆ ${short(BUSY)}`));
    save('tree', tree);
    s.keys('Down', 'Space');
    const folded = await s.waitForScreen((l) => l.some((x) => x.startsWith(`└─▸ ${top.slice(0, 20)}`)), 'the test cgroup folded');
    expect(folded.some((x) => x.includes(`◆ ${short(BUSY)}`))).toBe(false);
    s.keys('Space');
    await s.waitForScreen((l) => l.some((x) => x.includes(`◆ ${short(BUSY)}`)), 'the test cgroup open again');
  });

  it('Enter opens the detail view: limits and charts with the limit line', async () => {
    const s = session!;
    await reset(s);
    s.keys('/');
    s.type(short(BUSY));
    s.keys('Enter', 'Enter');
    const lines = await s.waitForScreen((l) => l[1]!.startsWith(`◆ ${short(BUSY)}`) && /^esc back/.test(l.at(-1)!)
      && l.some((x) => /^CPU cores 0\.\d\d limit 0\.90/.test(x)), 'the detail view');
    expect(lines[2]).toBe(`cgroup ${busy.path}`);
    expect(lines[3]).toMatch(/^Limits: cpu 0\.90 cores \(90000\/100000µs\)/);
    expect(lines.some((x) => x.includes('╌'))).toBe(true);
    expect(lines.some((x) => /^Disk read\/s/.test(x))).toBe(true);
    expect(lines.some((x) => /^PSI cpu/.test(x))).toBe(true);
    expect(lines.at(-1)).toMatch(/^esc back/);
    // A few more samples: bars in the CPU chart (for the README's capture, 40 s of them).
    const columns = captures ? 40 : 1;
    save('detail', await s.waitForScreen((l) => Math.max(...l.slice(7, 20).map((x) => (x.slice(0, 58).match(/█/g) ?? []).length)) >= columns, 'CPU bars', 15_000 + columns * 1500));
    await s.escape();
    await s.waitForScreen((l) => /^NAME +IMAGE/.test(l[1]!) && rowOf(l, BUSY) !== undefined, 'back to the list');
  });

  it('m shows the memory view: the 72 MiB load at 70–90% of its 100 MiB limit, in warning colour', async () => {
    const s = session!;
    await reset(s);
    s.keys('m');
    const lines = await s.waitForScreen((l) => /^NAME.*ANON\+/.test(l[1]!) && Number(rowOf(l, MEM)?.split(/\s+/)[3]?.replace('%', '')) >= 70, 'the memory view with the load resident');
    const row = rowOf(lines, MEM)!.split(/\s+/);
    expect(row[2]).toBe('100M');
    const percent = Number(row[3]!.replace('%', ''));
    expect(percent).toBeGreaterThanOrEqual(70);
    expect(percent).toBeLessThan(90);
    expect(s.capture(true)).toMatch(new RegExp(`\\x1b\\[33m\\s*${row[3]!.replace('%', '%')}`));
    s.keys('/');
    s.type(short(MEM));
    s.keys('Enter');
    save('memory', await s.waitForScreen((l) => l.some((x) => x.startsWith(`── ${short(MEM)} LRU lists of limit 100M`)), 'its LRU bars'));
  });

  it('e sets a limit through the limits library: the new value is in the kernel, and audited', async () => {
    const s = session!;
    await reset(s);
    s.keys('/');
    s.type(short(BUSY));
    s.keys('Enter', 'e');
    await s.waitForScreen((l) => /^Edit a limit of c0ffee\w+: {2}\[c\] cpu \(now 0\.90 cores\) {2}\[m\] memory \(now max\)/.test(l.at(-1)!), 'the limit form');
    s.keys('m');
    s.type('48M');
    s.keys('Enter');
    await s.waitForScreen((l) => l.at(-1)!.startsWith(`Set the memory limit of ${short(BUSY)} to 48M? [y/N]`), 'the confirmation');
    s.keys('y');
    const done = await s.waitForScreen((l) => l.at(-1)!.startsWith(`${short(BUSY)}: memory.`), 'the result of the change');
    expect(done.at(-1)).toMatch(/^c0ffee\w+: memory\.(limit_in_bytes|max) max → 48M, reads 48M/);
    // The next frame shows the new limit (the changed cgroup's limits are re-read at once, not at the next walk).
    await s.waitForScreen((l) => /^\d+(\.\d)?%$/.test(rowOf(l, BUSY)?.split(/\s+/)[6] ?? ''), 'MEM%L against the new limit', 5000);
    expect(busy.read('memory', busy.host.mode === 'v2' ? 'memory.max' : 'memory.limit_in_bytes').trim()).toBe(String(48 * MiB));
    const audit = readFileSync(join(auditDir!, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.at(-1)).toMatchObject({ action: 'limit', outcome: 'applied', new: '50331648' });
    save('limit', done);
  });

  it('f freezes the container (its CPU stops) and u thaws it, each after a confirmation', async () => {
    const s = session!;
    s.keys('f');
    await s.waitForScreen((l) => l.at(-1)!.startsWith(`Freeze ${short(BUSY)}? [y/N]`), 'the freeze question');
    s.keys('y');
    await s.waitForScreen((l) => l.at(-1)!.startsWith(`${short(BUSY)} frozen`), 'frozen');
    const stopped = await s.waitForScreen((l) => rowOf(l, BUSY)?.split(/\s+/)[2] === '0.00', 'its CPU to stop', 10_000);
    expect(rowOf(stopped, BUSY)).toBeDefined();
    const state = busy.host.mode === 'v2' ? busy.read('unified', 'cgroup.freeze').trim() : readFileSync(join(busy.host.mounts.freezer!, busy.path, 'freezer.state'), 'utf8').trim();
    expect(state).toBe(busy.host.mode === 'v2' ? '1' : 'FROZEN');
    s.keys('u', 'y');
    await s.waitForScreen((l) => l.at(-1)!.startsWith(`${short(BUSY)} thawed`), 'thawed');
    await s.waitForScreen((l) => Number(rowOf(l, BUSY)?.split(/\s+/)[2]) > 0.3, 'its CPU back', 10_000);
  });

  it('? shows the keys', async () => {
    const s = session!;
    await reset(s);
    s.keys('?');
    save('help', await s.waitForScreen((l) => l[1]!.startsWith('cgmeter top — keys'), 'the help screen'));
    s.keys('x');
    await s.waitForScreen((l) => /^NAME/.test(l[1]!), 'the table again');
  });

  it('re-lays out at 80×24: whole columns dropped by priority, no cell cut', async () => {
    const s = session!;
    await reset(s);
    s.resize(80, 24);
    const lines = await s.waitForScreen((l) => l.length === 24 && /^NAME +▼?CORES/.test(l[1]!) && rowOf(l, BUSY) !== undefined, 'the 80×24 layout');
    const headers = headerWords(lines[1]!);
    expect(headers).toEqual(['NAME', 'CORES', 'CPU%L', 'MEM', 'MEM%L', 'RX/s', 'TX/s', 'PIDS', 'THR%', 'PSI']);
    for (const h of headers) expect(HEADERS.has(h)).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    // Names have no spaces: a row cut inside a cell would have fewer fields than the header.
    for (const row of dataRows(lines)) expect(row.trim().split(/\s+/)).toHaveLength(headers.length);
    save('80x24', lines);
    s.resize(120, 40);
    await s.waitForScreen((l) => l.length === 40 && /^NAME +IMAGE/.test(l[1]!), 'the 120×40 layout again');
  });

  it('q quits and gives the terminal back (normal screen, cooked mode)', async () => {
    const s = session!;
    s.keys('q');
    const after = await s.waitForScreen((l) => l.some((x) => x.startsWith('top exited')) && l.some((x) => /icanon/.test(x)), 'the shell after top');
    expect(after.find((x) => x.startsWith('top exited'))).toBe('top exited 0');
    expect(after.find((x) => /icanon/.test(x))).toBe('icanon');
    expect(s.display('#{alternate_on}')).toBe('0');
  });
});

describe.skipIf(skip)('cgmeter top under NO_COLOR', { timeout: 300_000 }, () => {
  let session: TmuxSession | undefined;
  afterAll(async () => {
    session?.kill();
    await destroyAllTestCgroups();
  });

  it('uses no colour, still marks the selection, and quits on Ctrl-C', async () => {
    // A container of its own, so that there is a row to select whatever else the host has.
    const id = containerId('c01d00');
    await createTestCgroup(`docker/${id}`, { controllers: ['cpu', 'memory', 'pids'] }).spawnIn('sleep', ['300']);
    const top = topCommandLine(['--interval', '500ms', '--docker-socket', 'none', '--podman-socket', 'none']);
    session = new TmuxSession(`${top}; echo "top exited $?"; exec sleep 600`, 100, 30, { NO_COLOR: '1' });
    await session.waitForStart((l) => /^cgmeter top /.test(l[0]!), 'top to start');
    await session.waitForScreen((l) => /^NAME/.test(l[1] ?? '') && rowOf(l, id) !== undefined, 'the table with its row');
    const escapes = session.capture(true);
    expect(escapes).not.toMatch(/\x1b\[[0-9;]*(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5;\d+|48;5;\d+)m/);
    expect(escapes).toMatch(/\x1b\[[0-9;]*7m/); // inverse: the selected row
    session.keys('C-c');
    await session.waitForScreen((l) => l.includes('top exited 0'), 'the shell after Ctrl-C');
  });
});
