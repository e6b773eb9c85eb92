// The work of `cgmeter serve` (its flags and help: serve.ts), loaded only when serve runs: the
// collector on its cadence and the HTTP endpoint over its Snapshots (/metrics for Prometheus, the JSON
// API, health). Stops cleanly on SIGTERM/SIGINT: no new connections, requests in flight finish, the
// collector closes its fds, exit 0 within 5 s.

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs, type ParsedArgs } from '../command.js';
import { DEFAULT_PORT, DEFAULT_QUIET_REFRESH, serveCommand } from './serve.js';
import { collectorOptionsFrom } from '../common-flags.js';
import { metadataFromArgs } from '../metadata-flags.js';
import { parseDurationMs, UsageError } from '../units.js';
import { CollectorService, type ServiceOptions } from '../../collector/service.js';
import { describeHierarchy } from '../../collector/hierarchy/hierarchy.js';
import { EngineMetadataCache, type MetadataOptions } from '../../collector/metadata/index.js';
import { SampleExtras, DEFAULT_EXTRAS_OPTIONS, readMachineFacts } from '../../collector/extras/index.js';
import { PrometheusExporter, exportOptionsFrom, type ContainerExportOptions } from '../../exporters/prometheus/index.js';
import { isExported } from '../../exporters/prometheus/filter.js';
import { influxFromArgs, startInfluxForServe, type InfluxExporter, type InfluxOptions } from '../../exporters/influx/index.js';
import { ledgerSettingsFrom, attachLedger, type LedgerHandle, type LedgerSettings } from '../../collector/ledger/index.js';
import { limitsApiOptionsFrom, registerLimitsRoutes, knownFromSnapshots, type LimitsApiOptions } from '../../exporters/http/limits-routes.js';
import { registerBillingRoutes } from '../../exporters/http/billing-routes.js';
import { loadRateCard, RateCardError, type RateCard } from '../../exporters/billing/index.js';
import { registerLimitMetrics } from '../../collector/limits/metrics.js';
import { Counter, type Registry } from 'prom-client';
import {
  createHttpApp, hashPassword, ListenError, loadWebConfig, parseListenAddress, startServer, WebConfigError,
  type ListenAddress, type RunningServer, type WebConfig,
} from '../../exporters/http/index.js';

/** Whole shutdown must fit in 5 s; requests in flight get most of it. */
const SHUTDOWN_GRACE_MS = 4000;
/** The first sample waits this long at most for the engines' container lists (names, images, labels). */
const METADATA_WAIT_MS = 2000;

export interface ServeOptions {
  /** Collector options without the identity enricher: serve makes it from `metadata`. */
  readonly service: ServiceOptions;
  readonly metadata: MetadataOptions;
  readonly exportOptions: ContainerExportOptions;
  readonly listen: ListenAddress;
  readonly webConfig: WebConfig;
  /** InfluxDB export, when --influx-url is given. */
  readonly influx?: InfluxOptions;
  /** The accounting ledger, unless --no-ledger. */
  readonly ledger?: LedgerSettings;
  readonly limitsApi: LimitsApiOptions;
  /** Prices for /api/v1/billing (--rate-card). */
  readonly rateCard?: RateCard;
}

export interface ServeHandle {
  readonly service: CollectorService;
  /** The options it was started with. */
  readonly options: ServeOptions;
  readonly server: RunningServer;
  /** The line `serve` logs at start. */
  readonly startLine: string;
  stop(): Promise<void>;
}

/** cgmeter's version from its package.json, wherever the code runs from (source or dist/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cgmeter' && pkg.version) return pkg.version;
    } catch {
      // not here: one level up
    }
  }
  return 'unknown';
}

export function serveOptionsFrom(args: ParsedArgs, webConfig: WebConfig = {}): ServeOptions {
  const v = args.values;
  const listen = parseListenAddress((v.listen as string | undefined) ?? `0.0.0.0:${DEFAULT_PORT}`);
  if (listen instanceof Error) throw new UsageError(listen.message);
  return {
    service: {
      collector: { ...collectorOptionsFrom(args), quietRefreshMs: parseDurationMs((v['quiet-refresh'] as string | undefined) ?? DEFAULT_QUIET_REFRESH, '--quiet-refresh', { allowZero: true }) },
      intervalMs: parseDurationMs((v.interval as string | undefined) ?? '1s', '--interval'),
      discoveryIntervalMs: parseDurationMs((v['discovery-interval'] as string | undefined) ?? '30s', '--discovery-interval'),
    },
    ...metadataAndExport(args),
    listen,
    webConfig,
    influx: influxFromArgs(args),
    ledger: ledgerSettingsFrom(args),
    limitsApi: limitsApiOptionsFrom(args),
    rateCard: rateCardFrom(v['rate-card'] as string | undefined),
  };
}

/** Failing neighbours, counted: engine API errors by engine and kind, ledger writes that failed. */
function registerNeighbourMetrics(registry: Registry, metadata: EngineMetadataCache, ledgerFailedTicks: () => number | undefined): void {
  new Counter({
    name: 'cgmeter_engine_errors_total', help: 'Engine API requests and event streams that failed, by engine and kind, since start.',
    labelNames: ['engine', 'kind'], registers: [registry],
    collect() {
      this.reset();
      for (const s of metadata.stats()) for (const [kind, n] of Object.entries(s.errors)) this.inc({ engine: s.engine, kind }, n ?? 0);
    },
  });
  new Counter({
    name: 'cgmeter_ledger_write_errors_total', help: 'Samples the accounting ledger failed to record (e.g. disk full), since start; the next write integrates across them.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(ledgerFailedTicks() ?? 0);
    },
  });
}

function rateCardFrom(path: string | undefined): RateCard | undefined {
  if (path === undefined) return undefined;
  try {
    return loadRateCard(path);
  } catch (err) {
    if (err instanceof RateCardError) throw new UsageError(`--rate-card ${path}: ${err.message}`);
    throw err;
  }
}

/** Environment keys to export must be kept by the metadata reader, which drops all others. */
function metadataAndExport(args: ParsedArgs): { metadata: MetadataOptions; exportOptions: ContainerExportOptions } {
  const exportOptions = exportOptionsFrom(args);
  const metadata = metadataFromArgs(args);
  const envKeys = [...(exportOptions.envKeys ?? [])];
  return { exportOptions, metadata: envKeys.length > 0 ? { ...metadata, source: { ...metadata.source, envKeys } } : metadata };
}

/** Starts the collector and the server; the caller decides when to stop (signals, tests). */
export async function startServe(options: ServeOptions, logError: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): Promise<ServeHandle> {
  const metadata = new EngineMetadataCache(options.metadata, (level, line) => {
    if (level === 'warn') logError(`cgmeter serve: ${line}`);
  });
  metadata.start();
  await metadata.ready(METADATA_WAIT_MS);
  // Root-cgroup totals, task states and filesystem usage (cAdvisor's series the counter batch
  // does not read); a group disabled for export is not read either.
  const disabled = options.exportOptions.disabledGroups;
  const extras = new SampleExtras({ ...DEFAULT_EXTRAS_OPTIONS, tasks: !disabled.has('tasks'), filesystems: !disabled.has('fs') });
  const serviceOptions = { ...options.service, collector: { ...options.service.collector, identityEnricher: metadata, sampleHook: extras } };
  const service = new CollectorService(serviceOptions, (err) => logError(`cgmeter serve: collector: ${(err as Error)?.stack ?? String(err)}`));
  const { collector } = service;
  extras.attach(collector);
  // Consumers attach before the first sample, so that the ledger and InfluxDB see it too.
  const machine = readMachineFacts(collector.hierarchy.hostRoot);
  const exporter = new PrometheusExporter(service, options.exportOptions, { version: packageVersion(), readerReason: collector.readerReason, machine });
  let influx: InfluxExporter | undefined;
  let ledger: LedgerHandle | undefined;
  const closeConsumers = async () => {
    ledger?.close();
    await influx?.close();
  };
  const stopCollecting = async () => {
    extras.stop();
    service.stop(); // no sample after this: the consumers flush what they have
    await closeConsumers();
    metadata.stop();
  };
  try {
    if (options.ledger) {
      mkdirSync(dirname(options.ledger.path), { recursive: true });
      // Replay shows what /metrics exports: the same cgroups are recorded.
      const filter = options.exportOptions.filter;
      ledger = attachLedger(service, options.ledger, (m) => logError(`cgmeter serve: ${m}`), undefined, { recordFilter: (s) => isExported(s, filter) });
    }
    influx = startInfluxForServe(service, options.influx && { ...options.influx, closeTimeoutMs: SHUTDOWN_GRACE_MS }, exporter.self.registry, logError);
    service.start();
    // After the first discovery walk (a second walk would double start-up on large trees); the
    // samples from the next tick on carry task states and filesystems.
    extras.start();
  } catch (err) {
    metadata.stop();
    await closeConsumers().catch(() => undefined);
    throw err;
  }
  const limitCounter = registerLimitMetrics(exporter.self.registry);
  registerNeighbourMetrics(exporter.self.registry, metadata, () => ledger?.health().failedTicks);
  const app = createHttpApp({
    source: service, exporter, basicAuthUsers: options.webConfig.basicAuthUsers, logError,
    extend(app) {
      registerLimitsRoutes(app, {
        options: options.limitsApi, hierarchy: collector.hierarchy, counter: limitCounter,
        known: () => knownFromSnapshots(service.latest()),
        // The next sample then carries the new limit (/metrics container_spec_*, the JSON API, the UI).
        onApplied: (path) => collector.refreshSlowFiles(path),
      });
      if (options.ledger) registerBillingRoutes(app, { ledgerPath: options.ledger.path, rateCard: options.rateCard });
    },
  });
  let server: RunningServer;
  try {
    server = await startServer(app, options.listen, options.webConfig.tls);
  } catch (err) {
    await stopCollecting();
    throw err;
  }
  const reader = collector.readerKind === 'fallback' ? `fallback (${collector.readerReason ?? 'no reason given'})` : 'native';
  const auth = options.webConfig.basicAuthUsers ? `, basic auth for ${options.webConfig.basicAuthUsers.size} user(s)` : '';
  const engines = metadata.stats().map((e) => `${e.engine} ${e.reachable ? `${e.containers} containers` : 'not answering'}`).join(', ');
  const startLine = `cgmeter serve: listening on ${server.url}/metrics${auth}; ${describeHierarchy(collector.hierarchy)}; reader ${reader}; `
    + `sampling every ${options.service.intervalMs} ms, discovery every ${options.service.discoveryIntervalMs} ms; ${collector.paths().length} cgroups`
    + `${engines ? `; engines: ${engines}` : ''}`
    + `; ledger ${options.ledger ? options.ledger.path : 'off'}; influx ${options.influx ? options.influx.url : 'off'}; limits API ${options.limitsApi.enabled ? 'on' : 'off'}`;
  let stopping: Promise<void> | undefined;
  return {
    service, server, startLine, options,
    stop() {
      // Sampling stops first, so InfluxDB and the ledger get every sample taken; then they flush
      // while requests in flight finish.
      stopping ??= Promise.all([server.close(SHUTDOWN_GRACE_MS), stopCollecting()]).then(() => undefined);
      return stopping;
    },
  };
}

/**
 * SIGHUP: read the flags and the config file again. The sampling interval changes in place
 * (no scrape is dropped: the server and the collector keep running); settings that need new
 * sockets, files or fds are named in the log as needing a restart. A bad file changes nothing.
 */
function reload(args: ParsedArgs, handle: ServeHandle): void {
  const say = (m: string) => process.stderr.write(`cgmeter serve: SIGHUP: ${m}\n`);
  let next: ServeOptions;
  try {
    next = serveOptionsFrom(parseCommandArgs(serveCommand, [...(args.argv ?? [])]));
  } catch (err) {
    say(`configuration not reloaded, keeping the running one: ${(err as Error).message}`);
    return;
  }
  if (next.service.intervalMs !== handle.service.interval) {
    handle.service.setInterval(next.service.intervalMs);
    say(`sampling interval now ${next.service.intervalMs} ms`);
  }
  const current = handle.options;
  const changed = (['listen', 'webConfig', 'influx', 'ledger', 'limitsApi', 'exportOptions', 'metadata'] as const)
    .filter((k) => JSON.stringify(next[k], replacer) !== JSON.stringify(current[k], replacer));
  if (JSON.stringify(next.service.collector, replacer) !== JSON.stringify(current.service.collector, replacer)) changed.push('collector' as never);
  say(changed.length === 0 ? 'configuration reloaded' : `changed settings that take effect after a restart: ${changed.join(', ')}`);
}

const replacer = (_k: string, v: unknown) => (v instanceof Set || v instanceof Map ? [...v] : v);

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `cgmeter serve` itself: --hash-password, or serve until SIGTERM/SIGINT (SIGHUP reloads). */
export async function runServe(args: ParsedArgs): Promise<number> {
  if (args.values['hash-password']) {
    const password = (await readStdin()).replace(/\r?\n$/, '');
    if (password === '') throw new UsageError('--hash-password reads the password from stdin, and it was empty');
    process.stdout.write(`${await hashPassword(password)}\n`);
    return 0;
  }
  let webConfig: WebConfig = {};
  const webConfigFile = args.values['web-config'] as string | undefined;
  if (webConfigFile) {
    try {
      webConfig = await loadWebConfig(webConfigFile);
    } catch (err) {
      if (err instanceof WebConfigError) throw new UsageError(err.message);
      throw err;
    }
  }
  const options = serveOptionsFrom(args, webConfig);
  let handle: ServeHandle;
  try {
    handle = await startServe(options);
  } catch (err) {
    if (!(err instanceof ListenError)) throw err;
    process.stderr.write(`cgmeter serve: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(`${handle.startLine}\n`);
  const onHangup = () => reload(args, handle);
  process.on('SIGHUP', onHangup);
  const signal = await waitForSignal();
  process.off('SIGHUP', onHangup);
  process.stderr.write(`cgmeter serve: ${signal}: stopping\n`);
  await handle.stop();
  return 0;
}
