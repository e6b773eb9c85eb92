// Test support: a ViewModel from fixture readings or hand-made Snapshots, with their history.
import type { Snapshot } from '../../collector/model/derive.js';
import { HistoryStore } from '../../dashboard/model/history.js';
import type { HostStats } from '../../dashboard/sources/host-stats.js';
import { lineText } from '../../dashboard/text/line.js';
import type { ScreenRender } from '../../dashboard/views/screen.js';
import type { HistoryReader, SourceStatus, ViewModel } from '../../dashboard/views/view-model.js';
import { fixtureReadings, type FixtureName } from './fixture-frames.js';

export const HOST: HostStats = { cpus: 2, cpuPercent: 45.2, memTotalBytes: 24 * 1024 ** 3, memAvailableBytes: 20 * 1024 ** 3, load1: 1.23, load5: 0.9, load15: 0.81 };

export function modelOf(snapshots: readonly Snapshot[], timeMs: number, history: HistoryReader = new HistoryStore(), source: SourceStatus = { kind: 'local', label: 'local' }): ViewModel {
  return { snapshots, timeMs, history, host: HOST, source };
}

export function fixtureModel(name: FixtureName): ViewModel {
  const { snapshots, timeMs } = fixtureReadings(name);
  const history = new HistoryStore();
  history.record(snapshots, timeMs);
  return modelOf(snapshots, timeMs, history);
}

export function screenText(render: ScreenRender): string[] {
  return render.lines.map(lineText);
}
