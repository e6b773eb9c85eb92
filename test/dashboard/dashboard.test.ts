// The running dashboard with a recording display and a scripted source: frames reach the screen,
// keys reach the source (interval, pause, replay moves) and the limit actions, results are shown.
import { describe, expect, it } from 'vitest';
import { Dashboard } from '../../dashboard/app/dashboard.js';
import type { Display } from '../../dashboard/app/display.js';
import { normaliseKey } from '../../dashboard/app/display.js';
import type { LimitActions } from '../../dashboard/actions/limit-actions.js';
import type { KeyPress } from '../../dashboard/model/keys.js';
import { initialState } from '../../dashboard/model/ui-state.js';
import type { DashboardSource, FrameListener } from '../../dashboard/sources/source.js';
import { lineText, type Line } from '../../dashboard/text/line.js';
import { makeSnapshot } from './make-snapshot.js';

class RecordingDisplay implements Display {
  screens: string[][] = [];
  destroyed = 0;
  private keyHandler?: (k: KeyPress) => void;
  private resizeHandler?: () => void;
  constructor(public width = 100, public height = 20) {}
  size() { return { width: this.width, height: this.height }; }
  draw(lines: readonly Line[]) { this.screens.push(lines.map(lineText)); }
  onKey(h: (k: KeyPress) => void) { this.keyHandler = h; }
  onResize(h: () => void) { this.resizeHandler = h; }
  destroy() { this.destroyed++; }
  press(...names: string[]) { for (const name of names) this.keyHandler!({ name }); }
  resize(width: number, height: number) { this.width = width; this.height = height; this.resizeHandler!(); }
  get last() { return this.screens.at(-1)!; }
}

function scriptedSource(kind: DashboardSource['kind'] = 'local', actions?: LimitActions) {
  const calls: string[] = [];
  let listener: FrameListener | undefined;
  const source: DashboardSource = {
    kind, label: kind,
    actions: actions ?? { unavailableReason: 'no limits here', setLimit: async () => ({ ok: false, message: '' }), freeze: async () => ({ ok: false, message: '' }), thaw: async () => ({ ok: false, message: '' }) },
    start(l) { listener = l; calls.push('start'); },
    stop() { calls.push('stop'); },
    setIntervalMs(ms) { calls.push(`interval ${ms}`); },
    setPaused(p) { calls.push(`paused ${p}`); },
    step(n) { calls.push(`step ${n}`); },
    jump(spec) { if (spec === 'bad') throw new Error('"bad" is not a time'); calls.push(`jump ${spec}`); },
  };
  return { source, calls, emit: (...args: Parameters<FrameListener['frames']>) => listener!.frames(...args), fail: (m: string) => listener!.error(m) };
}

const web = makeSnapshot({ path: '/docker/web', name: 'web', coresUsed: 0.25, limitCores: 0.5, usageBytes: 100 * 1024 ** 2, limitBytes: 256 * 1024 ** 2 });
const db = makeSnapshot({ path: '/docker/db', name: 'db', coresUsed: 1.5, usageBytes: 50 * 1024 ** 2 });

describe('Dashboard', () => {
  it('draws frames, re-lays out on resize, quits restoring the terminal', async () => {
    const display = new RecordingDisplay();
    const { source, calls, emit } = scriptedSource();
    const dashboard = new Dashboard({ source, display, initialState: initialState() });
    const done = dashboard.run();
    emit([{ snapshots: [web, db], timeMs: 0 }], false);
    expect(display.last[2]).toMatch(/^db /);
    expect(display.last[3]).toMatch(/^web /);
    display.resize(60, 10);
    expect(display.last).toHaveLength(10);
    expect(display.last.every((l) => l.length === 60)).toBe(true);
    display.press('q');
    await done;
    expect(display.destroyed).toBe(1);
    expect(calls).toEqual(['start', 'stop']);
  });
  it('passes interval, pause and replay moves to the source; a bad jump is shown', () => {
    const display = new RecordingDisplay();
    const { source, calls, emit } = scriptedSource('replay');
    const dashboard = new Dashboard({ source, display, initialState: initialState({ paused: true }) });
    void dashboard.run();
    emit([{ snapshots: [web], timeMs: 0 }], true);
    display.press('+', '-', '-', 'p', ']', '{', 'J', 'b', 'a', 'd', 'enter');
    expect(calls).toEqual(['start', 'paused true', 'interval 2000', 'interval 1000', 'interval 500', 'paused false', 'step 1', 'step -10']);
    expect(display.last.at(-1)).toMatch(/^"bad" is not a time/);
    expect(display.last[0]).toMatch(/REPLAY/);
    dashboard.stop();
  });
  it('e → value → y calls the limits library and shows its answer', async () => {
    const display = new RecordingDisplay(120, 20);
    const seen: unknown[] = [];
    const actions: LimitActions = {
      async setLimit(target, resource, value) { seen.push([target, resource, value]); return { ok: true, message: `memory limit of ${target.name}: 512M (kernel reads 536870912)` }; },
      async freeze(target) { seen.push(['freeze', target.key]); return { ok: false, message: 'freezer: EBUSY' }; },
      async thaw() { return { ok: true, message: '' }; },
    };
    const { source, emit } = scriptedSource('local', actions);
    const dashboard = new Dashboard({ source, display, initialState: initialState() });
    void dashboard.run();
    emit([{ snapshots: [web, db], timeMs: 0 }], false);
    display.press('down', 'e');
    expect(display.last.at(-1)).toMatch(/^Edit a limit of web: {2}\[c\] cpu \(now 0\.50 cores\) {2}\[m\] memory \(now 256M\) {2}\[p\] pids \(now -\)/);
    display.press('m', '5', '1', '2', 'M');
    expect(display.last.at(-1)).toMatch(/^New memory limit of web: 512M▏ {2}bytes with a unit/);
    display.press('enter');
    expect(display.last.at(-1)).toMatch(/^Set the memory limit of web to 512M\? \[y\/N\]/);
    display.press('y');
    expect(display.last.at(-1)).toMatch(/^setting the memory limit of web to 512M…/);
    await expect.poll(() => display.last.at(-1)).toMatch(/^memory limit of web: 512M \(kernel reads 536870912\)/);
    expect(seen).toEqual([[{ key: '/docker/web', name: 'web' }, 'memory', 512 * 1024 ** 2]]);
    display.press('f', 'y');
    await expect.poll(() => display.last.at(-1)).toMatch(/^freezer: EBUSY/);
    dashboard.stop();
  });
  it('a source error shows in the footer until the next frame', () => {
    const display = new RecordingDisplay();
    const { source, emit, fail } = scriptedSource('remote');
    void new Dashboard({ source, display, initialState: initialState() }).run();
    fail('node1:9917: fetch failed');
    expect(display.last.at(-1)).toMatch(/^node1:9917: fetch failed/);
    emit([{ snapshots: [web], timeMs: 0 }], false);
    expect(display.last.at(-1)).toMatch(/^q quit/);
  });
});

describe('key normalising (blessed → names)', () => {
  it('keeps one enter, maps ctrl-c, named keys and characters', () => {
    expect(normaliseKey('\r', { name: 'return', full: 'return' })).toBeUndefined();
    expect(normaliseKey('\r', { name: 'enter', full: 'enter' })).toEqual({ name: 'enter' });
    expect(normaliseKey('\x03', { name: 'c', full: 'C-c', ctrl: true })).toEqual({ name: 'C-c' });
    expect(normaliseKey(undefined, { name: 'up', full: 'up' })).toEqual({ name: 'up' });
    expect(normaliseKey('J', { name: 'j', full: 'S-j' })).toEqual({ name: 'J' });
    expect(normaliseKey(' ', { name: 'space', full: 'space' })).toEqual({ name: 'space' });
    expect(normaliseKey('+', { full: '+' })).toEqual({ name: '+' });
    expect(normaliseKey('\x7f', { name: 'backspace', full: 'backspace' })).toEqual({ name: 'backspace' });
    expect(normaliseKey('\x01', { name: 'a', full: 'C-a', ctrl: true })).toBeUndefined();
  });
});
