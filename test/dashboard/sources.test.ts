// Sources: --remote against the real JSON API (hono's containers route on 127.0.0.1), and
// --replay over recorded Samples (in memory, as the ledger would give them), time specs.
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotSource } from '../../collector/service.js';
import { containersApi } from '../../exporters/http/containers-api.js';
import { MemoryHistorySource } from '../../dashboard/sources/history-source.js';
import { containersUrl, parseContainersResponse, RemoteSource, reviveMax } from '../../dashboard/sources/remote-source.js';
import { ReplaySource } from '../../dashboard/sources/replay-source.js';
import type { Frame, FrameListener } from '../../dashboard/sources/source.js';
import { parseTimeSpec } from '../../dashboard/sources/time-parse.js';
import { fixtureReadings, V2_DOCKER_A, V2_DOCKER_B } from './fixture-frames.js';
import { CGMETER_BIN, ensureBuiltCli } from '../helpers/built-cli.js';

function collect(): FrameListener & { got: Array<{ frames: readonly Frame[]; reset: boolean }>; errors: string[] } {
  const got: Array<{ frames: readonly Frame[]; reset: boolean }> = [];
  const errors: string[] = [];
  return { got, errors, frames: (frames, reset) => got.push({ frames, reset }), error: (m) => errors.push(m) };
}

describe('remote: the JSON API of cgmeter serve', () => {
  const readings = fixtureReadings('cgroup-v2');
  let server: ReturnType<typeof serve>;
  let base: string;
  beforeAll(async () => {
    const source = { latest: () => readings.snapshots, health: () => { throw new Error('not used'); } } as unknown as SnapshotSource;
    const app = new Hono().route('/api/v1/containers', containersApi(source));
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('polls URL/api/v1/containers?all=1 and turns "max" back into Infinity', async () => {
    const source = new RemoteSource(`${base}/`, 60_000);
    const listener = collect();
    source.start(listener);
    await expect.poll(() => listener.got.length, { timeout: 5000 }).toBe(1);
    source.stop();
    const frame = listener.got[0]!.frames[0]!;
    expect(frame.snapshots).toHaveLength(readings.snapshots.length);
    const b = frame.snapshots.find((s) => s.sample.path === V2_DOCKER_B)!;
    expect(b.sample.memory.limitBytes).toBe(Infinity);
    expect(b.cpu.limitCores).toBe(Infinity);
    const a = frame.snapshots.find((s) => s.sample.path === V2_DOCKER_A)!;
    expect(a.cpu.coresUsed).toBeCloseTo((16535204 - 14940880) / 1e6 / 5, 9);
    expect(frame.timeMs).toBe(readings.timeMs);
    expect(source.label).toBe(new URL(base).host);
    expect(source.actions.unavailableReason).toMatch(/--api-token-file/);
  });
  it('cgmeter top --once --remote prints the remote frame', async () => {
    // Asynchronous: the server answers from this very process.
    ensureBuiltCli();
    const { stdout } = await promisify(execFile)(process.execPath, [CGMETER_BIN, 'top', '--once', '--remote', base, '--sort', 'mem'],
      { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +IMAGE +CORES/);
    expect(lines[1]).toMatch(/^376f487bf992 +docker +0\.32 +64% +133M/);
    expect(lines).toHaveLength(11);
  });

  it('says so when the server is not there, and keeps polling', async () => {
    const source = new RemoteSource('http://127.0.0.1:1', 50);
    const listener = collect();
    source.start(listener);
    await expect.poll(() => listener.errors.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    source.stop();
    expect(listener.errors[0]).toMatch(/^127\.0\.0\.1:1: fetch failed/);
  });
  it('checks the body and the URL', () => {
    expect(() => parseContainersResponse({ error: 'x' })).toThrow(/not a list of Snapshots/);
    expect(() => parseContainersResponse([{ sample: {} }])).toThrow(/item 0 of the response is not a Snapshot/);
    expect(reviveMax({ sample: { identity: { name: 'max' }, path: 'max', pids: { max: 'max' } } })).toEqual({ sample: { identity: { name: 'max' }, path: 'max', pids: { max: Infinity } } });
    expect(containersUrl('http://node1:9917/prefix/')).toBe('http://node1:9917/prefix/api/v1/containers?all=1');
    expect(() => containersUrl('node1:9917')).toThrow(/must be an http/);
  });
});

describe('replay over recorded Samples', () => {
  const { first, second } = fixtureReadings('cgroup-v2');
  // Five rounds, 5 s apart: the fixture's two readings alternated (counters go back on the third:
  // derive must give no rate there, never a negative one).
  const t0 = 1_800_000_000_000;
  const rounds = new Map([0, 1, 2, 3, 4].map((i) => [t0 + i * 5000, (i % 2 === 0 ? first : second).map((s) => ({ ...s, timestampMs: t0 + i * 5000, monotonicMs: 1000 + i * 5000 }))]));
  const history = new MemoryHistorySource(rounds);

  it('starts at --from with the rounds before it as history, stopped', () => {
    const listener = collect();
    const replay = new ReplaySource(history, t0 + 7000, 1000);
    replay.start(listener);
    expect(listener.got).toHaveLength(1);
    expect(listener.got[0]!.reset).toBe(true);
    expect(listener.got[0]!.frames.map((f) => f.timeMs)).toEqual([t0 + 5000]);
    expect(replay.positionMs).toBe(t0 + 5000);
    const a = listener.got[0]!.frames[0]!.snapshots.find((s) => s.sample.path === V2_DOCKER_A)!;
    expect(a.cpu.coresUsed).toBeCloseTo((16535204 - 14940880) / 1e6 / 5, 9);
  });
  it('steps forward and back by rounds, stops at the ends, jumps', () => {
    const listener = collect();
    const replay = new ReplaySource(history, t0 + 5000, 1000);
    replay.start(listener);
    expect(replay.step(1)).toBe(true);
    expect(replay.positionMs).toBe(t0 + 10_000);
    const back = listener.got.at(-1)!.frames[0]!.snapshots.find((s) => s.sample.path === V2_DOCKER_A)!;
    expect(back.cpu.coresUsed).toBeUndefined(); // the counter went back: no rate
    expect(replay.step(10)).toBe(true);
    expect(replay.positionMs).toBe(t0 + 20_000);
    expect(listener.got.at(-1)!.frames).toHaveLength(2);
    expect(replay.step(1)).toBe(false);
    expect(listener.errors).toEqual(['end of the recording']);
    expect(replay.step(-3)).toBe(true);
    expect(replay.positionMs).toBe(t0 + 5000);
    expect(listener.got.at(-1)!.reset).toBe(true);
    replay.jump('+10s');
    expect(replay.positionMs).toBe(t0 + 15_000);
    replay.jump(new Date(t0).toISOString());
    expect(replay.positionMs).toBe(t0);
    expect(replay.step(-1)).toBe(false);
    expect(listener.errors.at(-1)).toBe('start of the recording');
  });
  it('plays at the interval when unpaused', async () => {
    const listener = collect();
    const replay = new ReplaySource(history, t0, 20);
    replay.start(listener);
    replay.setPaused(false);
    await expect.poll(() => replay.positionMs, { timeout: 5000 }).toBe(t0 + 20_000);
    replay.stop();
  });
  it('says when nothing is recorded', () => {
    const listener = collect();
    new ReplaySource(new MemoryHistorySource(new Map()), t0, 1000).start(listener);
    expect(listener.errors).toEqual(['nothing is recorded in the ledger yet']);
  });
});

describe('time specs', () => {
  const now = new Date(2026, 10, 23, 14, 30, 0).getTime();
  it('relative, ago, clock, ISO, epoch, now', () => {
    expect(parseTimeSpec('-10m', now, now)).toBe(now - 600_000);
    expect(parseTimeSpec('+1h30m', 0, now)).toBe(5_400_000);
    expect(parseTimeSpec('10m ago', 0, now)).toBe(now - 600_000);
    expect(parseTimeSpec('14:03', 0, now)).toBe(new Date(2026, 10, 23, 14, 3).getTime());
    expect(parseTimeSpec('15:00', 0, now)).toBe(new Date(2026, 10, 22, 15, 0).getTime()); // later than now: yesterday
    expect(parseTimeSpec('2026-11-23T12:00:00Z', 0, now)).toBe(Date.UTC(2026, 10, 23, 12));
    expect(parseTimeSpec('2026-11-23 12:00', 0, now)).toBe(new Date(2026, 10, 23, 12).getTime());
    expect(parseTimeSpec('2026-11-23', 0, now)).toBe(new Date(2026, 10, 23).getTime());
    expect(parseTimeSpec('1795435200', 0, now)).toBe(1_795_435_200_000);
    expect(parseTimeSpec('now', 0, now)).toBe(now);
    expect(() => parseTimeSpec('yesterday', 0, now)).toThrow(/"yesterday" is not a time; use -10m/);
    expect(() => parseTimeSpec('-10x', 0, now)).toThrow(/not a time/);
  });
});
