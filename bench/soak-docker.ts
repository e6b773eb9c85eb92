// Container churn soak with a real engine: a private dockerd (Debian's docker.io, as in the tests)
// starts and removes busybox containers in a loop — 300 by default, up to --concurrency alive at
// once, each living 2–20 s — while `cgmeter serve` samples every second with the Docker metadata
// on and is scraped every second. Prints crashes, log lines, RSS and fds of serve after warm-up and
// at the end, series left behind for removed containers, and how often a live container's series
// already carried its name (engine metadata keeping up with churn).
// Usage: node --import tsx bench/soak-docker.ts [--containers 300] [--concurrency 30] [--json FILE]
// Needs root and dockerd. Removes every container, the daemon and its directories, on failure and Ctrl-C too.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BUSYBOX_IMAGE, startDockerd, type Dockerd } from '../test/helpers/dockerd.js';
import { SoakServe } from './soak-serve.js';

const { values: flags } = parseArgs({
  options: { containers: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '30' }, json: { type: 'string' } },
});
const TOTAL = Number(flags.containers);
const CONCURRENCY = Number(flags.concurrency);
/** A removed container's series may live one sample plus one scrape; after this it is left behind. */
const LEFTOVER_AFTER_MS = 3500;
/** Engine metadata is fetched on the engine's start event; a live container older than this must have its name. */
const NAMED_AFTER_MS = 3000;

export interface DockerSoakResult {
  containers: number; minutes: number; startsPerMinute: number; crashes: number; errorLines: string[];
  warm: { rssKiB: number; fds: number }; end: { rssKiB: number; fds: number }; rssGrowthPct: number; fdGrowthPct: number;
  leftoverSeries: number; leftoverExamples: string[]; scrapes: number; scrapesFailed: number;
  namedChecks: number; unnamed: number; unnamedExamples: string[]; dockerFailures: number;
}

let dockerd: Dockerd | undefined;
let serve: SoakServe | undefined;

async function main(): Promise<DockerSoakResult> {
  process.stderr.write('soak-docker: starting a private dockerd…\n');
  dockerd = await startDockerd();
  const d = dockerd;
  const { serve: launched, url } = await SoakServe.start(['--no-ledger', '--interval', '1s',
    '--docker-socket', d.socket, '--podman-socket', 'none', '--export', 'containers'], 'soak-docker');
  serve = launched;

  const live = new Map<string, { name: string; startedMs: number }>(); // id → container
  const removedAt = new Map<string, number>(); // id → when `docker rm` returned
  const leftovers = new Map<string, number>();
  const unnamedExamples: string[] = [];
  let scrapes = 0;
  let scrapesFailed = 0;
  let namedChecks = 0;
  let unnamed = 0;
  const scraper = setInterval(() => {
    scrapes++;
    const now = Date.now();
    fetch(url, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).then((text) => {
      const names = new Map<string, string>();
      for (const m of text.matchAll(/^container_cpu_usage_seconds_total\{id="\/docker\/([0-9a-f]{64})",name="([^"]*)"/gm)) names.set(m[1]!, m[2]!);
      for (const [id, name] of names) {
        const gone = removedAt.get(id);
        if (gone !== undefined && now - gone > LEFTOVER_AFTER_MS) leftovers.set(id, Math.max(now - gone, leftovers.get(id) ?? 0));
        const c = live.get(id);
        if (c && now - c.startedMs > NAMED_AFTER_MS) {
          namedChecks++;
          if (name !== c.name) { unnamed++; if (unnamedExamples.length < 5) unnamedExamples.push(`${c.name}: name="${name}"`); }
        }
      }
    }).catch(() => { scrapesFailed++; });
  }, 1000);

  let started = 0;
  let dockerFailures = 0;
  let warm: DockerSoakResult['warm'] | undefined;
  const t0 = Date.now();
  const runOne = async (): Promise<void> => {
    const name = `soak-${process.pid}-${started++}`;
    const lifeS = (2 + Math.random() * 18).toFixed(1);
    try {
      const id = await d.docker('run', '-d', '--name', name, '--network', 'none', '--memory', '64m', BUSYBOX_IMAGE, 'sleep', '3600');
      live.set(id, { name, startedMs: Date.now() });
      await new Promise((r) => setTimeout(r, Number(lifeS) * 1000));
      await d.docker('rm', '-f', id);
      live.delete(id);
      removedAt.set(id, Date.now());
    } catch (err) {
      dockerFailures++;
      process.stderr.write(`soak-docker: ${name}: ${(err as Error).message.split('\n')[0]}\n`);
    }
    if (!warm && started >= Math.round(TOTAL / 3)) warm = serve!.facts();
  };
  // CONCURRENCY workers, each starting its next container when its last one is removed.
  let lastReport = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (started < TOTAL && serve!.running) {
      await runOne();
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        process.stderr.write(`soak-docker: ${started}/${TOTAL} started, ${live.size} alive, ${removedAt.size} removed\n`);
      }
    }
  }));
  const minutes = (Date.now() - t0) / 60_000;
  const end = serve.facts();
  await new Promise((r) => setTimeout(r, LEFTOVER_AFTER_MS + 2000)); // the last removals settle in /metrics
  clearInterval(scraper);
  const errorLines = await serve.stop();
  const crashes = serve.crashes;
  const w = warm ?? end;
  return {
    containers: removedAt.size, minutes: Number(minutes.toFixed(2)), startsPerMinute: Math.round(removedAt.size / minutes), crashes,
    errorLines: errorLines.slice(0, 20), warm: w, end, rssGrowthPct: ((end.rssKiB - w.rssKiB) / w.rssKiB) * 100, fdGrowthPct: ((end.fds - w.fds) / w.fds) * 100,
    leftoverSeries: leftovers.size, leftoverExamples: [...leftovers].slice(0, 5).map(([id, ms]) => `${id.slice(0, 12)} seen ${ms} ms after removal`),
    scrapes, scrapesFailed, namedChecks, unnamed, unnamedExamples, dockerFailures,
  };
}

function table(r: DockerSoakResult): string {
  const row = (k: string, v: string) => `| ${k.padEnd(40)} | ${v.padEnd(36)} |`;
  return [
    row('measure', 'value'), row('-'.repeat(40), '-'.repeat(36)),
    row('containers started and removed', `${r.containers} in ${r.minutes} min (${r.startsPerMinute}/min)`),
    row('docker run/rm failures', String(r.dockerFailures)),
    row('serve crashes', String(r.crashes)), row('lines in serve log after start', String(r.errorLines.length)),
    row('RSS after 1/3 of the run → end', `${(r.warm.rssKiB / 1024).toFixed(1)} → ${(r.end.rssKiB / 1024).toFixed(1)} MiB (${r.rssGrowthPct.toFixed(1)}%)`),
    row('fds after 1/3 of the run → end', `${r.warm.fds} → ${r.end.fds} (${r.fdGrowthPct.toFixed(1)}%)`),
    row('series left for removed containers', String(r.leftoverSeries)),
    row(`live containers (> ${NAMED_AFTER_MS / 1000} s) scraped without their name`, `${r.unnamed} of ${r.namedChecks}`),
    row('scrapes failed / taken', `${r.scrapesFailed} / ${r.scrapes}`),
  ].join('\n');
}

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  serve?.kill();
  await dockerd?.stop(); // removes every container first
}
process.on('SIGINT', () => { void cleanup().finally(() => process.exit(130)); });
process.on('SIGTERM', () => { void cleanup().finally(() => process.exit(143)); });
main().then(async (r) => {
  await cleanup();
  process.stdout.write(`${table(r)}\n`);
  if (r.errorLines.length) process.stdout.write(`serve log:\n${r.errorLines.join('\n')}\n`);
  if (r.unnamedExamples.length) process.stdout.write(`unnamed:\n${r.unnamedExamples.join('\n')}\n`);
  if (flags.json) writeFileSync(flags.json, JSON.stringify(r, null, 2));
  process.exitCode = r.crashes === 0 && r.errorLines.length === 0 && r.leftoverSeries === 0 && r.dockerFailures === 0 ? 0 : 1;
}, async (err: unknown) => {
  await cleanup();
  process.stderr.write(`soak-docker failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 2;
});
