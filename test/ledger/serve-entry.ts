// A `serve`-like process for ledger tests: a CollectorService sampling every --interval ms with a
// ledger attached, nothing else. The crash test kills it with SIGKILL and starts it again.
// Usage: node --import tsx test/ledger/serve-entry.ts LEDGER_PATH INTERVAL_MS
import { CollectorService } from '../../collector/service.js';
import { ALL_GROUPS } from '../../collector/poller.js';
import { attachLedger } from '../../collector/ledger/attach.js';

const [path, intervalText] = process.argv.slice(2);
if (!path || !intervalText) {
  process.stderr.write('usage: serve-entry.ts LEDGER_PATH INTERVAL_MS\n');
  process.exit(2);
}
const intervalMs = Number(intervalText);
const service = new CollectorService(
  { collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS }, intervalMs, discoveryIntervalMs: 5000 },
  (err) => process.stderr.write(`collector: ${String(err)}\n`),
);
const handle = attachLedger(service, { path, retentionMs: 7 * 86_400_000 }, (m) => process.stderr.write(`${m}\n`));
let ticks = 0;
service.onSnapshots(() => {
  ticks++;
  // The parent waits for this line: the first tick has committed (listeners run in order).
  if (ticks === 1) process.stdout.write('ready\n');
});
service.start();
// Sampling timers are unref'd (serve keeps itself alive with its HTTP server); this stands in.
const keepAlive = setInterval(() => {}, 60_000);
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  service.stop();
  handle.close();
  process.exit(0);
});
