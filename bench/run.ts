// `npm run bench`: every benchmark in one run, each printing ratios against a floor measured in
// the same run (never pass/fail on timing). Needs root: the benches create real cgroups and
// remove them. Pass names to run a subset: `npm run bench -- reader scrape`.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { fileURLToPath } from 'node:url';

interface Bench {
  readonly name: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly what: string;
}

const BENCHES: readonly Bench[] = [
  { name: 'reader', file: 'reader-bench.ts', args: ['100', '1000'], what: 'batch reader vs a C floor (cached fds + pread + strtoull) and readFileSync' },
  { name: 'collector', file: 'collector-bench.ts', args: ['100', '1000'], what: 'whole collector per cgroup per sample (read, parse, assembly, derive)' },
  { name: 'scrape', file: 'scrape-bench.ts', args: [], what: '/metrics rendering for 1,000 containers' },
  { name: 'serve', file: 'serve-bench.ts', args: ['--scrape-seconds', '0'], what: 'cgmeter serve sampling 1,000 cgroups every second, no scrape: CPU % and RSS, as shipped and with --quiet-refresh 0 side by side' },
  { name: 'event-loop', file: 'event-loop-bench.ts', args: [], what: 'request latency while serve samples 1,000 cgroups on its event loop (should the batch run off the main thread?)' },
  { name: 'serve-scraped', file: 'serve-bench.ts', args: ['--scrape-seconds', '15'], what: 'the same, /metrics scraped every 15 s (a common Prometheus interval)' },
  { name: 'ledger', file: 'ledger-bench.ts', args: [], what: 'ledger write cost per sample and growth per day' },
  { name: 'top', file: 'top-bench.ts', args: [], what: 'cgmeter top CPU at 1 s with 200 containers' },
  { name: 'web', file: 'web-bench.ts', args: [], what: 'web UI: serve CPU with Chromium on the table / a container page' },
];

const here = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const model = cpus()[0]?.model ?? 'unknown CPU';
const kernel = release();
const mem = /MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
console.log(`cgmeter benchmarks — ${cpus().length} × ${model}, ${mem ? Math.round(Number(mem) / 1048576) : '?'} GiB, kernel ${kernel}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('Absolute times on a shared 2-core VM are noisy: read the ratios against the floor measured in the same run.\n');

let failed = 0;
for (const bench of BENCHES) {
  if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
  const path = `${here}${bench.file}`;
  console.log(`=== ${bench.name}: ${bench.what} ===`);
  if (!existsSync(path)) {
    console.log(`(not present: bench/${bench.file})\n`);
    continue;
  }
  const result = spawnSync(process.execPath, ['--import', 'tsx', path, ...bench.args], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`(bench/${bench.file} exited with ${result.status ?? result.signal})`);
  }
  console.log('');
}
process.exitCode = failed > 0 ? 1 : 0;
