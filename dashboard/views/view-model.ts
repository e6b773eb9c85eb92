// What every view renders from: one frame of Snapshots, the host's figures (read by a source, not
// by a view), the chart history, and where the data comes from. Views never collect.

import type { Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import type { SeriesName, SeriesView } from '../model/history.js';
import type { MemoryRates } from '../model/row.js';
import type { HostStats } from '../sources/host-stats.js';

/** The read side of HistoryStore. */
export interface HistoryReader {
  series(key: string, name: SeriesName, maxPoints?: number): SeriesView;
  memoryRates(key: string): MemoryRates | undefined;
  lastSample(key: string): CgroupSample | undefined;
}

export interface SourceStatus {
  readonly kind: 'local' | 'remote' | 'replay';
  /** `local`, the remote URL, or `replay`. */
  readonly label: string;
  /** The last failure to get a frame (remote unreachable, …), shown until a frame arrives. */
  readonly error?: string;
}

export interface ViewModel {
  readonly snapshots: readonly Snapshot[];
  readonly host?: HostStats;
  /** Wall time the frame was taken (the replay position in replay). */
  readonly timeMs: number;
  readonly history: HistoryReader;
  readonly source: SourceStatus;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}
