// A CPU profile of `cgmeter serve` sampling N real cgroups: where its time goes, by self time per
// function and per source file. Not part of `npm run bench` (a profile slows what it measures by
// ~10 %): a tool for finding what to make cheaper.
// usage: node --import tsx bench/profile-serve.ts [--cgroups N] [--seconds S] [--out DIR]   (root)
//        SERVE_BENCH_ARGS='--no-ledger' to pass more flags to serve

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchCgroups } from './bench-cgroups.js';
import { stringArg } from './bench-process.js';

const CGROUPS = Number(stringArg('--cgroups', '1000'));
const SECONDS = Number(stringArg('--seconds', '60'));
/** Samples of the first seconds (start, the first walk, opening every file) are left out. */
const WARMUP_SECONDS = 10;
const bin = fileURLToPath(new URL('../bin/cgmeter.js', import.meta.url));

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

function summarize(profile: Profile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let atUs = profile.startTime;
  const fromUs = profile.startTime + WARMUP_SECONDS * 1e6;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    atUs += delta;
    if (atUs >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const wallUs = profile.endTime - fromUs;
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(/^file:\/\//, '').replace(/.*\/(node_modules\/[^/]+|collector|exporters|cli|native|dist)\//, '$1/') || `(${frame.functionName || 'native'})`;
    if (frame.functionName === '(idle)') continue;
    const fn = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const pct = (us: number) => ((us / wallUs) * 100).toFixed(3).padStart(7);
  const total = [...byFile.values()].reduce((a, b) => a + b, 0);
  console.log(`profiled ${(wallUs / 1e6).toFixed(1)} s after ${WARMUP_SECONDS} s of warm-up; busy ${pct(total)} % of one core (profiler's own sampling included)`);
  console.log('\n% of one core  by file');
  for (const [file, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${pct(us)}  ${file}`);
  console.log('\n% of one core  by function (self time)');
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${pct(us)}  ${fn}`);
}

const unavailable = BenchCgroups.unavailable();
if (unavailable) {
  console.log(`profile skipped: ${unavailable}`);
  process.exit(0);
}
const out = stringArg('--out', mkdtempSync(join(tmpdir(), 'cgm-profile-')));
const cgroups = new BenchCgroups();
const ledgerDir = mkdtempSync(join(tmpdir(), 'cgm-profile-ledger-'));
process.on('exit', () => {
  cgroups.removeSync();
  rmSync(ledgerDir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
cgroups.create(CGROUPS, 10, { ticking: true }); // as serve-bench: every tenth cgroup wakes twice a second
const serve = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', out, '--cpu-prof-interval', '1000', bin, 'serve', '--listen', '127.0.0.1:0', '--interval', '1s',
  '--docker-socket', 'none', '--podman-socket', 'none', '--ledger', join(ledgerDir, 'ledger.db'),
  ...(process.env.SERVE_BENCH_ARGS ?? '').split(' ').filter(Boolean)], { stdio: ['ignore', 'ignore', 'inherit'] });
await sleep((WARMUP_SECONDS + SECONDS) * 1000);
serve.kill('SIGTERM');
await new Promise((resolve) => serve.once('exit', resolve));
const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${out}`);
console.log(`profile: ${join(out, file)}`);
summarize(JSON.parse(readFileSync(join(out, file), 'utf8')) as Profile);
