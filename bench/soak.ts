// Churn soak: `cgmeter serve` samples at 1 s and is scraped every second while this script creates
// and destroys cgroups (≥ 3,000 a minute, real processes inside, some removed mid-read) in the five
// v1 hierarchies (or the unified tree). Prints crashes, log errors, RSS/fds after warm-up and at the
// end, series left behind for gone cgroups, and collection cost per cgroup against a no-churn phase.
// Usage: node --import tsx bench/soak.ts [--minutes 10] [--baseline-seconds 60] [--rate 3300] [--json FILE]
// Needs root (mkdir under /sys/fs/cgroup). Removes everything it made, on failure and on Ctrl-C too.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SoakServe } from './soak-serve.js';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' }, 'baseline-seconds': { type: 'string', default: '60' },
    rate: { type: 'string', default: '3600' }, stable: { type: 'string', default: '50' }, json: { type: 'string' },
  },
});
const MINUTES = Number(flags.minutes);
const BASELINE_S = Number(flags['baseline-seconds']);
const RATE_PER_MIN = Number(flags.rate);
const STABLE = Number(flags.stable);
const NAME = 'cgmeter-soak';
const V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
const HIERARCHIES = V2 ? ['/sys/fs/cgroup'] : ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'].map((c) => `/sys/fs/cgroup/${c}`);
/** A gone cgroup's series may live one sample plus one scrape; after this it is left behind. */
const LEFTOVER_AFTER_MS = 3500;

const dirs = (rel: string) => HIERARCHIES.map((h) => join(h, NAME, rel));
const children = new Set<ChildProcess>();
const pool: number[] = [];
const live = new Map<string, { pid?: number; spawned?: ChildProcess; until: number }>();
const removedAt = new Map<string, number>();
let serve: SoakServe | undefined;

function mkdirs(rel: string): void {
  for (const d of dirs(rel)) mkdirSync(d, { recursive: true });
}

function moveTo(rel: string, pid: number): void {
  // ESRCH: the process died (a spawned one killed mid-move); the cgroup is then empty anyway.
  for (const d of dirs(rel)) try { writeFileSync(join(d, 'cgroup.procs'), String(pid)); } catch { /* gone */ }
}

function rmdirs(rel: string): void {
  for (const d of dirs(rel)) {
    for (let attempt = 0; attempt < 50; attempt++) {
      try { rmdirSync(d); break; } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code !== 'EBUSY' || attempt === 49) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2); // a killed task leaves within ms
      }
    }
  }
}

let serial = 0;
/** One cycle's first half: a new group with a pooled process moved in, or (1 in 8) a fresh one spawned there. */
function create(now: number): void {
  const rel = `c${serial++}`;
  mkdirs(rel);
  // Lifetimes 0.1–3 s around a 1 s sample: many groups vanish between discovery and read, or mid-read.
  const until = now + 100 + Math.random() * 2900;
  const pid = pool.pop();
  if (serial % 8 === 0 || pid === undefined) {
    if (pid !== undefined) pool.push(pid);
    const procs = dirs(rel).map((d) => join(d, 'cgroup.procs')).join(' ');
    const child = spawn('sh', ['-c', `for f in ${procs}; do echo $$ > $f; done; exec sleep 30`], { stdio: 'ignore' });
    children.add(child);
    child.on('exit', () => children.delete(child));
    live.set(rel, { spawned: child, until });
  } else {
    moveTo(rel, pid);
    live.set(rel, { pid, until });
  }
}

/** Second half: the process leaves (moved home, or SIGKILLed mid-life), then the group is removed. */
function destroy(rel: string, now: number): void {
  const entry = live.get(rel)!;
  if (entry.pid !== undefined) {
    moveTo('pool', entry.pid);
    pool.push(entry.pid);
  } else if (entry.spawned) {
    entry.spawned.kill('SIGKILL');
    if (entry.spawned.exitCode === null && entry.spawned.signalCode === null) return; // rmdir once it has exited
  }
  rmdirs(rel);
  live.delete(rel);
  removedAt.set(`/${NAME}/${rel}`, now);
  destroyed++;
}
let destroyed = 0;
/**
 * Most groups alive at once. Creation is paced toward the target rate but never runs ahead of
 * removal (rmdir of a v1 memcg can take tens of ms): the rate reported is of completed cycles.
 */
const MAX_LIVE = 400;

function cleanup(): void {
  serve?.kill();
  for (const c of children) c.kill('SIGKILL');
  for (const pid of pool.splice(0)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  const deadline = Date.now() + 10_000;
  for (const h of HIERARCHIES) {
    const root = join(h, NAME);
    if (!existsSync(root)) continue;
    for (const d of readdirSync(root, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      for (;;) {
        try { rmdirSync(join(root, d.name)); break; } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT' || Date.now() > deadline) break;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
    }
    try { rmdirSync(root); } catch (err) { process.stderr.write(`soak: could not remove ${root}: ${(err as Error).message}\n`); }
  }
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);

export interface SoakResult {
  mode: string; minutes: number; cyclesPerMinute: number; crashes: number; errors: number; errorLines: string[];
  warm: { atMinute: number; rssKiB: number; fds: number }; end: { atMinute: number; rssKiB: number; fds: number };
  rssGrowthPct: number; fdGrowthPct: number; leftoverSeries: number; leftoverExamples: string[]; scrapesFailed: number; scrapes: number;
  costPerCgroupUs: { noChurn: number; churn: number; ratio: number }; trackedMedian: { noChurn: number; churn: number };
}

async function main(): Promise<SoakResult> {
  mkdirs('pool');
  for (let i = 0; i < STABLE; i++) mkdirs(`stable${i}`);
  for (let i = 0; i < STABLE + 200; i++) {
    const child = spawn('sleep', ['infinity'], { stdio: 'ignore' });
    children.add(child);
    moveTo(i < STABLE ? `stable${i}` : 'pool', child.pid!);
    if (i >= STABLE) pool.push(child.pid!);
  }
  const { serve: launched, url } = await SoakServe.start(['--no-ledger', '--docker-socket', 'none', '--podman-socket', 'none'], 'soak');
  serve = launched;
  let phase: 'baseline' | 'churn' = 'baseline';
  const cost = { baseline: [] as number[], churn: [] as number[] };
  const tracked = { baseline: [] as number[], churn: [] as number[] };
  /** Gone cgroups still in /metrics after LEFTOVER_AFTER_MS, with the longest time seen there after removal. */
  const leftovers = new Map<string, number>();
  let scrapes = 0;
  let scrapesFailed = 0;
  const scraper = setInterval(() => {
    scrapes++;
    // Ages are taken from when the scrape was sent: this process blocks in rmdir at times, and a
    // response read late must not make a cgroup look older than it was when serve answered.
    const now = Date.now();
    fetch(url, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).then((text) => {
      const cpu = metric(text, 'cgmeter_collection_cpu_seconds');
      const n = metric(text, 'cgmeter_cgroups_tracked');
      if (n > 0 && Number.isFinite(cpu)) { cost[phase].push((cpu * 1e6) / n); tracked[phase].push(n); }
      for (const m of text.matchAll(/id="(\/cgmeter-soak\/c\d+)"/g)) {
        const gone = removedAt.get(m[1]!);
        if (gone !== undefined && now - gone > LEFTOVER_AFTER_MS) leftovers.set(m[1]!, Math.max(now - gone, leftovers.get(m[1]!) ?? 0));
      }
    }).catch(() => { scrapesFailed++; }); // counted: a scrape that fails is a finding, not a reason to stop
  }, 1000);
  await new Promise((r) => setTimeout(r, BASELINE_S * 1000));
  phase = 'churn';
  const started = Date.now();
  const endAt = started + MINUTES * 60_000;
  const warmAtMin = Math.min(2, MINUTES / 2);
  let warm: SoakResult['warm'] | undefined;
  let created = 0;
  // Create in small batches every 10 ms toward the target rate; destroy whatever has outlived its time.
  while (Date.now() < endAt && serve.running) {
    const now = Date.now();
    const due = Math.floor(((now - started) / 60_000) * RATE_PER_MIN);
    for (; created < due && live.size < MAX_LIVE; created++) create(now);
    if (created < due && live.size >= MAX_LIVE) created = due; // behind: skip, do not burst later
    for (const [rel, e] of live) if (e.until <= now) destroy(rel, now);
    if (!warm && now - started >= warmAtMin * 60_000) warm = { atMinute: warmAtMin, ...serve.facts() };
    await new Promise((r) => setTimeout(r, 10));
  }
  const elapsedMin = (Date.now() - started) / 60_000;
  const destroyedInRun = destroyed;
  const end = { atMinute: Number(elapsedMin.toFixed(2)), ...serve.facts() };
  for (const rel of [...live.keys()]) { live.get(rel)!.until = 0; }
  for (let i = 0; i < 100 && live.size > 0; i++) {
    for (const rel of [...live.keys()]) destroy(rel, Date.now());
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, LEFTOVER_AFTER_MS + 2000)); // last scrapes see every removal settle
  clearInterval(scraper);
  if (process.env.SOAK_DEBUG) {
    const text = await (await fetch(url)).text();
    const still = [...new Set([...text.matchAll(/id="(\/cgmeter-soak\/c\d+)"/g)].map((m) => m[1]!))];
    process.stderr.write(`DEBUG still in /metrics: ${still.length}; exist on disk: ${still.filter((id) => HIERARCHIES.some((h) => existsSync(join(h, id)))).length}\n`);
    const api = await (await fetch(url.replace('/metrics', '/api/v1/containers'))).text();
    process.stderr.write(`DEBUG api: ${api.length} ${api.includes(still[0] ?? 'zzz')}\n${text.split('\n').filter((l) => l.includes(`"${still[0]}"`)).slice(0, 3).join('\n')}\n`);
  }
  // The stop notice is serve answering our SIGTERM; anything else it wrote after starting counts.
  const errorLines = await serve.stop();
  const crashes = serve.crashes;
  const w = warm ?? end;
  const c0 = median(cost.baseline);
  const c1 = median(cost.churn);
  return {
    mode: V2 ? 'v2 (unified)' : 'v1 (cpu, cpuacct, memory, blkio, pids)', minutes: MINUTES,
    cyclesPerMinute: Math.round(destroyedInRun / elapsedMin), crashes, errors: errorLines.length, errorLines: errorLines.slice(0, 20),
    warm: w, end, rssGrowthPct: ((end.rssKiB - w.rssKiB) / w.rssKiB) * 100, fdGrowthPct: ((end.fds - w.fds) / w.fds) * 100,
    leftoverSeries: leftovers.size, leftoverExamples: [...leftovers].slice(0, 10).map(([id, ms]) => `${id} seen ${ms} ms after removal`), scrapesFailed, scrapes,
    costPerCgroupUs: { noChurn: c0, churn: c1, ratio: c1 / c0 }, trackedMedian: { noChurn: median(tracked.baseline), churn: median(tracked.churn) },
  };
}

function table(r: SoakResult): string {
  const row = (k: string, v: string) => `| ${k.padEnd(34)} | ${v.padEnd(40)} |`;
  return [
    row('measure', 'value'), row('-'.repeat(34), '-'.repeat(40)),
    row('hierarchies', r.mode), row('churn duration', `${r.minutes} min`),
    row('cgroups created+destroyed / min', String(r.cyclesPerMinute)),
    row('crashes', String(r.crashes)), row('lines in serve log after start', String(r.errors)),
    row(`RSS at minute ${r.warm.atMinute} → ${r.end.atMinute}`, `${(r.warm.rssKiB / 1024).toFixed(1)} → ${(r.end.rssKiB / 1024).toFixed(1)} MiB (${r.rssGrowthPct.toFixed(1)}%)`),
    row(`fds at minute ${r.warm.atMinute} → ${r.end.atMinute}`, `${r.warm.fds} → ${r.end.fds} (${r.fdGrowthPct.toFixed(1)}%)`),
    row('series left for gone cgroups', String(r.leftoverSeries)),
    row('scrapes failed / taken', `${r.scrapesFailed} / ${r.scrapes}`),
    row('cgroups tracked (median)', `no churn ${r.trackedMedian.noChurn}, churn ${r.trackedMedian.churn}`),
    row('collection CPU µs per cgroup', `no churn ${r.costPerCgroupUs.noChurn.toFixed(1)}, churn ${r.costPerCgroupUs.churn.toFixed(1)} (×${r.costPerCgroupUs.ratio.toFixed(2)})`),
  ].join('\n');
}

let cleaned = false;
const cleanOnce = () => { if (!cleaned) { cleaned = true; cleanup(); } };
process.on('SIGINT', () => { cleanOnce(); process.exit(130); });
process.on('SIGTERM', () => { cleanOnce(); process.exit(143); });
main().then((r) => {
  cleanOnce();
  process.stdout.write(`${table(r)}\n(CPU figures are noisy on this shared 2-core machine.)\n`);
  if (r.errorLines.length) process.stdout.write(`serve log:\n${r.errorLines.join('\n')}\n`);
  if (flags.json) writeFileSync(flags.json, JSON.stringify(r, null, 2));
  process.exitCode = r.crashes === 0 && r.errors === 0 && r.leftoverSeries === 0 ? 0 : 1;
}, (err: unknown) => {
  cleanOnce();
  process.stderr.write(`soak failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 2;
});
