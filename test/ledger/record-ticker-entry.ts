// A child for the recording kill test: records rounds of roundSamples(t) into a ledger as fast as it
// can, on a clock of its own (one round a second of synthetic time, continuing after the newest
// stored round), with a retention short enough that pruning runs too. A SIGKILL at a random moment
// often lands inside a round's transaction.
// Usage: record-ticker-entry LEDGER_PATH
import { Ledger } from '../../collector/ledger/ledger.js';
import { SampleRecorder } from '../../collector/ledger/recorder.js';
import { derive } from '../../collector/model/derive.js';
import { roundSamples } from './record-ticker-samples.js';

const [path] = process.argv.slice(2);
const ledger = new Ledger({ path: path!, retentionMs: 7 * 86_400_000, host: { cpuCount: 8, memTotalBytes: 2 ** 34, bootId: 'record-ticker' } });
const recorder = new SampleRecorder(ledger.db, { intervalMs: 1000, retentionMs: 120_000 });
const newest = ledger.db.prepare('SELECT max(round_ms) FROM sample_rounds').pluck().get() as number | null;
let t = newest === null ? 1_800_000_000_000 : newest + 1000;
let first = true;
for (;;) {
  recorder.record(roundSamples(t).map((s) => derive(s)));
  if (first) process.stdout.write('ready\n');
  first = false;
  t += 1000;
  // Yield now and then so the kill and stdout are handled promptly; most of the time is in record().
  await new Promise((resolve) => setImmediate(resolve));
}
