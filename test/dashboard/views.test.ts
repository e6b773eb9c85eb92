// The detail and memory views on the v2 fixture's docker A (0.5-core quota, 256 MiB limit,
// throttled) and the burstable pod's app (OOM-killed by its 128 MiB limit): text only, no terminal.
import { describe, expect, it } from 'vitest';
import { derive, type Snapshot } from '../../collector/model/derive.js';
import { HistoryStore } from '../../dashboard/model/history.js';
import { initialState, type UiState } from '../../dashboard/model/ui-state.js';
import { renderScreen } from '../../dashboard/views/screen.js';
import { fixtureReadings, V2_BURSTABLE_APP, V2_DOCKER_A } from './fixture-frames.js';
import { makeSnapshot } from './make-snapshot.js';
import { modelOf, screenText } from './view-model.js';

const readings = fixtureReadings('cgroup-v2');
/** Two frames: the first reading (no rates yet) and the second (rates over 5 s). */
function twoFrameModel() {
  const history = new HistoryStore();
  history.record(readings.first.map((s) => derive(s)), readings.timeMs - 5000);
  history.record(readings.snapshots, readings.timeMs);
  return modelOf(readings.snapshots, readings.timeMs, history);
}
const detailOf = (key: string, over: Partial<UiState> = {}): UiState => ({ ...initialState(), view: 'detail', listView: 'table', selectedKey: key, ...over });

describe('detail view', () => {
  const model = twoFrameModel();
  it('shows identity, limits, figures now, namespaces and labels, then charts with the limit', () => {
    const text = screenText(renderScreen(model, detailOf(V2_DOCKER_A), { width: 120, height: 40 }));
    for (const line of text) expect(line).toHaveLength(120);
    expect(text[1]).toMatch(/^◆ 376f487bf992 {2}docker 376f487bf992 {2}kind container {2}up 1h02m/);
    expect(text[2]).toBe(`cgroup ${V2_DOCKER_A}`.padEnd(120));
    expect(text[3]).toMatch(/^Limits: cpu 0\.50 cores \(50000\/100000µs\) weight 100 memory 256M high 192M low 16M swap max pids 100/);
    expect(text[4]).toMatch(/^Now: cpu 0\.32 64% throttled 61% mem 133M 52% wset 120M pids 9 PSI some10 cpu 17\.6 mem 0\.0 io 0\.1/);
    expect(text[5]).toMatch(/^Namespaces: net: no-process Labels: none/);
    expect(text[6]).toMatch(/^CPU cores 0\.32 limit 0\.50 ↑0\.32 +Memory 133M limit 256M ↑133M/);
    // The CPU chart's top row holds the limit line (0.5 is the top of the scale).
    expect(text[7]).toMatch(/^╌+/);
    expect(text.some((l) => /^Disk read\/s 0B/.test(l))).toBe(true);
    expect(text.some((l) => /PSI cpu 17\.6/.test(l))).toBe(true);
    expect(text[39]).toMatch(/^esc back {2}\? help {2}↑↓ prev\/next/);
  });
  it('fits 80×24 and says when the container is gone', () => {
    const text = screenText(renderScreen(model, detailOf(V2_DOCKER_A), { width: 80, height: 24 }));
    expect(text).toHaveLength(24);
    for (const line of text) expect(line).toHaveLength(80);
    expect(text.filter((l) => /↑/.test(l)).length).toBeGreaterThanOrEqual(3);
    const gone = screenText(renderScreen(modelOf([], readings.timeMs, model.history), detailOf(V2_DOCKER_A), { width: 80, height: 24 }));
    expect(gone[1]).toMatch(/^376f487bf992 is gone \(last seen \d\d:\d\d:\d\d\)/);
  });
});

describe('detail view: namespaces and labels', () => {
  it('lists own and host-shared namespaces, flags a shared net or pid namespace, shows labels', () => {
    const base = makeSnapshot({ path: '/docker/web', name: 'web', labels: { app: 'web', tier: 'front' } });
    const s = {
      ...base,
      sample: {
        ...base.sample,
        namespaces: { pid: 4242, pidCount: 2, inodes: { cgroup: 1, ipc: 2, mnt: 3, net: 4, pid: 5, pid_for_children: 5, user: 6, uts: 7 }, sharedWithHost: ['cgroup', 'net', 'user'] as const },
        network: { netnsInode: 4, interfaces: [{ name: 'eth0', rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDropped: 0 }] },
      },
    } as Snapshot;
    const render = renderScreen(modelOf([s], 0), { ...initialState(), view: 'detail', listView: 'table', selectedKey: '/docker/web' }, { width: 120, height: 30 });
    const line = render.lines[5]!;
    expect(line.map((x) => x.text).join('').trimEnd()).toBe("Namespaces: own ipc,mnt,pid,uts host's cgroup,net,user (pid 4242, 2 procs) net eth0 Labels: app=web tier=front");
    expect(line.find((x) => x.text === 'cgroup,net,user')?.style).toBe('warn');
  });
});

describe('memory view', () => {
  const model = twoFrameModel();
  it('lists LRU sizes, reclaim and OOM per container; the selected one below with bars and charts', () => {
    const state: UiState = { ...initialState(), view: 'memory', listView: 'memory', selectedKey: V2_BURSTABLE_APP };
    const render = renderScreen(model, state, { width: 120, height: 40 });
    const text = screenText(render);
    for (const line of text) expect(line).toHaveLength(120);
    expect(text[1]!.replace(/[▼▲]/, ' ').trim().split(/\s+/)).toEqual(['NAME', 'MEM', 'LIMIT', 'MEM%L', 'ANON+', 'ANON-', 'FILE+', 'FILE-', 'RFLT/s', 'SCAN/s', 'STL/s', 'PSI-M', 'FAIL', 'OOM']);
    // Second reading of docker A's memory.stat: active/inactive anon 12288/110616576, file 13697024/13864960.
    expect(text[2]).toMatch(/^376f487bf992 +133M +256M +52% +12K +105M +13M +13M +0 +0 +0 +0\.0 +0 +0$/);
    expect(text.find((l) => l.startsWith('b63540b4e9c0'))).toMatch(/^b63540b4e9c0 +59M +128M +46% +4\.0K +45M +16K +13M +0 +0 +0 +0\.0 +182 +1$/);
    const below = text.slice(text.findIndex((l) => l.startsWith('──')));
    expect(below[0]).toMatch(/^── b63540b4e9c0 LRU lists of limit 128M/);
    expect(below[1]).toMatch(/^active anon +[█▏▎▍▌▋▊▉░]+ +4\.0K *$/);
    expect(below.some((l) => /Refault\/s/.test(l) && /Scan\/s/.test(l) && /Steal\/s/.test(l))).toBe(true);
    expect(below.some((l) => /PSI mem some/.test(l) && /OOM 1/.test(l))).toBe(true);
  });
  it('selected row is highlighted, the OOM count is critical', () => {
    const state: UiState = { ...initialState(), view: 'memory', listView: 'memory', selectedKey: V2_DOCKER_A };
    const render = renderScreen(model, state, { width: 120, height: 40 });
    expect(render.lines[2]!.every((s) => s.style === 'selected')).toBe(true);
    const app = render.lines.find((l) => l[0]!.text.startsWith('b63540b4e9c0'))!;
    expect(app.at(-1)).toEqual({ text: '   1', style: 'crit' });
  });
});

describe('tree view on screen', () => {
  it('marks containers and shows folding in the name column', () => {
    const text = screenText(renderScreen(twoFrameModel(), { ...initialState(), view: 'tree', listView: 'tree', folded: new Set(['/kubepods.slice']) }, { width: 100, height: 30 }));
    expect(text[2]).toMatch(/^▾ \/ /);
    expect(text[3]).toMatch(/^├─▸ kubepods\.slice /);
    expect(text.some((l) => /^│ ├── ◆ 376f487bf992 +0\.32 /.test(l))).toBe(true);
    expect(text[1]).toMatch(/^NAME +▼CORES/); // the tree's names keep their room: IMAGE gives way first
  });
});
