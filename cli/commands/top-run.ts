// The work of `cgmeter top` (flags and help: top.ts): a live, remote or replayed source, one frame
// (--once) or the blessed dashboard.

import { readFileSync } from 'node:fs';
import type { ParsedArgs } from '../command.js';
import { DEFAULT_DISCOVERY_INTERVAL, SORT_IDS } from './top.js';
import type { Collector } from '../../collector/poller.js';
import { collectorOptionsFrom } from '../common-flags.js';
import { metadataFromArgs } from '../metadata-flags.js';
import { EngineMetadataCache } from '../../collector/metadata/index.js';
import { parseDurationMs, toJson, UsageError } from '../units.js';
import { initialState, type ListView, type UiState } from '../../dashboard/model/ui-state.js';
import { KernelLimitActions } from '../../dashboard/actions/kernel-limit-actions.js';
import { RemoteLimitActions } from '../../dashboard/actions/remote-limit-actions.js';
import { DEFAULT_AUDIT_LOG } from '../../collector/limits/audit.js';
import { LocalSource } from '../../dashboard/sources/local-source.js';
import { RemoteSource } from '../../dashboard/sources/remote-source.js';
import { ReplaySource } from '../../dashboard/sources/replay-source.js';
import type { SnapshotHistorySource } from '../../dashboard/sources/history-source.js';
import { DEFAULT_LEDGER_PATH } from '../../collector/ledger/flags.js';
import { DEFAULT_HISTORY_POINTS } from '../../dashboard/model/history.js';
import type { DashboardSource, Frame } from '../../dashboard/sources/source.js';
import { parseTimeSpec, TimeSpecError } from '../../dashboard/sources/time-parse.js';
import { onceJson, onceText } from '../../dashboard/once.js';
import { colourWanted } from '../../dashboard/text/terminal.js';

/** --replay cannot start: no ledger, nothing recorded. Not the user's typing: one line, exit 1. */
export class ReplayUnavailableError extends Error {
  override readonly name = 'ReplayUnavailableError';
}

const NEEDS_SAMPLES = '--replay needs recorded Samples';

function ledgerPathOf(args: ParsedArgs): string {
  return (args.values.ledger as string | undefined) ?? DEFAULT_LEDGER_PATH;
}

/**
 * The ledger `cgmeter serve` writes (the same --ledger / CGMETER_LEDGER as serve and bill). Its reader
 * (better-sqlite3) is loaded for --replay only. Throws ReplayUnavailableError when there is nothing to open.
 */
async function openLedgerFor(args: ParsedArgs): Promise<SnapshotHistorySource> {
  const path = ledgerPathOf(args);
  const { LedgerHistoryError, openLedgerHistory } = await import('../../dashboard/sources/ledger-history-source.js');
  try {
    return openLedgerHistory(path);
  } catch (err) {
    if (!(err instanceof LedgerHistoryError)) throw err;
    const how = /^no ledger at /.test(err.message)
      ? '; `cgmeter serve` records them in the ledger it writes (its --ledger, every --record-interval), or point --ledger at that file'
      : '';
    throw new ReplayUnavailableError(`${NEEDS_SAMPLES}: ${err.message}${how}`);
  }
}

/** By default a replay starts this long before the last recorded round (or at the first). */
const DEFAULT_REPLAY_SPAN_MS = 10 * 60_000;

/**
 * Rounds read before the one shown, to fill the charts after a jump: the same stretch of time the
 * live charts hold at the default 1 s (5 minutes), i.e. 30 rounds at 10 s. A jump then decodes about
 * one chain (≈ 0.5 s at 1,000 containers); a full 300 rounds took 7 s there.
 */
function replayChartRounds(history: SnapshotHistorySource): number {
  const recordMs = history.recordIntervalMs?.() ?? 10_000;
  return Math.min(DEFAULT_HISTORY_POINTS, Math.max(2, Math.ceil((DEFAULT_HISTORY_POINTS * 1000) / recordMs)));
}

/** A local time with its offset, as a user would type it back: `2026-11-23 14:03:07 +01:00`. */
function localTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} `
    + `${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
}

/**
 * Where the replay starts: --from, checked against what is recorded (a time within one recording
 * interval of either end is near enough: it shows that end), or 10 minutes before the last round.
 */
function replayStart(history: SnapshotHistorySource, from: string | undefined, path: string): number {
  const bounds = history.bounds();
  if (bounds === undefined) {
    throw new ReplayUnavailableError(`${NEEDS_SAMPLES}, and the ledger ${path} holds none yet: \`cgmeter serve\` records a round every --record-interval (10s by default; none when off)`);
  }
  if (from === undefined) return Math.max(bounds.firstMs, bounds.lastMs - DEFAULT_REPLAY_SPAN_MS);
  let fromMs: number;
  try {
    fromMs = parseTimeSpec(from, Date.now());
  } catch (err) {
    if (err instanceof TimeSpecError) throw new UsageError(`--from: ${err.message}`);
    throw err;
  }
  const near = history.recordIntervalMs?.() ?? 10_000;
  const range = `the ledger ${path} holds Samples from ${localTime(bounds.firstMs)} to ${localTime(bounds.lastMs)}`;
  if (fromMs < bounds.firstMs - near) throw new UsageError(`--from ${from} (${localTime(fromMs)}) is before the first recorded round: ${range}`);
  if (fromMs > bounds.lastMs + near) throw new UsageError(`--from ${from} (${localTime(fromMs)}) is after the last recorded round: ${range}`);
  return fromMs;
}


function stateFrom(args: ParsedArgs, intervalMs: number, replay: boolean): UiState {
  const v = args.values;
  const sort = v.sort as string | undefined;
  if (sort !== undefined && !SORT_IDS.includes(sort)) throw new UsageError(`--sort ${JSON.stringify(sort)} is not a column; columns are ${SORT_IDS.join(', ')}`);
  const view = (v.view as string | undefined) ?? 'table';
  if (!['table', 'tree', 'memory'].includes(view)) throw new UsageError(`--view must be table, tree or memory, got ${JSON.stringify(view)}`);
  return initialState({
    intervalMs,
    ...(sort !== undefined ? { sortColumn: sort } : {}),
    reversed: v.reverse === true,
    filter: (v.filter as string | undefined) ?? '',
    showAll: v.all === true,
    view: view as ListView,
    // A replay starts stopped at --from, as below does; p plays it.
    paused: replay,
  });
}

/**
 * How long the first frame waits for the engines to list their containers, so that names and
 * images are there from the start (an unreachable socket settles at once).
 */
const METADATA_WAIT_MS = { live: 1000, once: 2000 };


async function sourceFrom(args: ParsedArgs, intervalMs: number, once: boolean): Promise<DashboardSource> {
  const v = args.values;
  const remote = v.remote as string | undefined;
  if (remote !== undefined && v.replay) throw new UsageError('--remote and --replay cannot be combined: replay reads this node\'s ledger');
  if (v.from !== undefined && !v.replay) throw new UsageError('--from needs --replay');
  if (remote !== undefined) {
    const tokenFile = v['api-token-file'] as string | undefined;
    try {
      const actions = tokenFile === undefined ? undefined : new RemoteLimitActions(remote, readToken(tokenFile));
      return new RemoteSource(remote, intervalMs, actions);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (v['api-token-file'] !== undefined) throw new UsageError('--api-token-file is for --remote (the local dashboard changes limits itself)');
  if (v.replay) {
    const history = await openLedgerFor(args);
    try {
      const fromMs = replayStart(history, v.from as string | undefined, ledgerPathOf(args));
      // --once prints one frame: only that round and the one before it (for rates) are read, not a chart's worth.
      return new ReplaySource(history, fromMs, intervalMs, once ? 1 : replayChartRounds(history));
    } catch (err) {
      history.close?.();
      throw err;
    }
  }
  const auditLogPath = (v['audit-log'] as string | undefined) ?? DEFAULT_AUDIT_LOG;
  const actions = (running: Collector) => new KernelLimitActions({ collector: running, auditLogPath });
  const collector = collectorOptionsFrom(args);
  // Engine warnings would scribble over the screen; the names simply stay ids when an engine is away.
  const metadata = new EngineMetadataCache(metadataFromArgs(args));
  metadata.start();
  await metadata.ready(once ? METADATA_WAIT_MS.once : METADATA_WAIT_MS.live);
  const discoveryIntervalMs = parseDurationMs((v['discovery-interval'] as string | undefined) ?? DEFAULT_DISCOVERY_INTERVAL, '--discovery-interval');
  return new LocalSource({
    collector: { ...collector, identityEnricher: metadata }, intervalMs, discoveryIntervalMs, actions, firstRatesEarly: !once, companions: [metadata],
  });
}

function readToken(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`--api-token-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The first frame worth printing: the local collector's second (the first has no rates). */
function firstFrame(source: DashboardSource): Promise<Frame> {
  // The collector's timers are unref'd (they must not hold a process that is exiting): this one
  // keeps the process alive until the frame is in.
  const keepAlive = setInterval(() => {}, 60_000);
  return new Promise<Frame>((resolve, reject) => {
    let seen = 0;
    source.start({
      frames(frames) {
        seen += frames.length;
        if (source.kind !== 'local' || seen >= 2) resolve(frames[frames.length - 1]!);
      },
      error(message) {
        reject(new Error(message));
      },
    });
  }).finally(() => clearInterval(keepAlive));
}

export async function runTop(args: ParsedArgs): Promise<number> {
  const v = args.values;
  const intervalMs = parseDurationMs((v.interval as string | undefined) ?? '1s', '--interval');
  // Like systemd-cgtop: without a terminal, one frame is the only sensible output.
  const once = v.once === true || !process.stdout.isTTY;
  if (v.json && !once) throw new UsageError('--json needs --once (the live dashboard is not JSON)');
  const state = stateFrom(args, intervalMs, v.replay === true);
  let source: DashboardSource;
  try {
    source = await sourceFrom(args, intervalMs, once);
  } catch (err) {
    if (!(err instanceof ReplayUnavailableError)) throw err;
    process.stderr.write(`cgmeter top: ${err.message}\n`);
    return 1;
  }
  if (once) {
    try {
      const frame = await firstFrame(source);
      process.stdout.write(`${v.json ? toJson(onceJson(frame, state)) : onceText(frame, state)}\n`);
    } catch (err) {
      // No frame to print (a remote that does not answer, nothing recorded): say why, exit 1.
      process.stderr.write(`cgmeter top: ${(err as Error).message}\n`);
      return 1;
    } finally {
      source.stop();
    }
    return 0;
  }
  // Loaded only for the live dashboard: --once must work where blessed cannot open a terminal.
  const { Dashboard } = await import('../../dashboard/app/dashboard.js');
  const { createBlessedDisplay } = await import('../../dashboard/app/blessed-display.js');
  const display = createBlessedDisplay({ colour: colourWanted() && v['no-color'] !== true });
  const dashboard = new Dashboard({ source, display, initialState: state });
  const quit = () => dashboard.stop();
  // A bug in a timer or listener must not leave the terminal in raw mode on the alternate screen.
  const crash = (err: unknown) => {
    dashboard.stop();
    process.stderr.write(`cgmeter top: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  };
  process.once('SIGTERM', quit);
  process.once('SIGHUP', quit);
  process.once('uncaughtException', crash);
  try {
    await dashboard.run();
  } catch (err) {
    display.destroy(); // give the terminal back before the error is printed
    throw err;
  } finally {
    process.off('SIGTERM', quit);
    process.off('SIGHUP', quit);
    process.off('uncaughtException', crash);
  }
  return 0;
}

