// The dashboard's columns, as one table per view: header, width, how to sort, how to show a cell,
// and a priority that says which columns give way first on a narrow terminal (equal priorities
// go together, so RX/TX and RD/WR never lose one half of a pair).

import * as fmt from '../text/format.js';
import { levelOf, pidsPercent, uptimeSeconds, worstPressure, type Level, type RowModel } from './row.js';

export interface Cell {
  readonly text: string;
  readonly level?: Level;
}

export interface Column {
  readonly id: string;
  readonly header: string;
  /** Fixed width; for the flexible (name) column, its least width. */
  readonly width: number;
  /** The name column grows up to this with the room left over. */
  readonly flexMaxWidth?: number;
  readonly align: 'left' | 'right';
  /** Higher stays longer when the terminal is narrow. */
  readonly priority: number;
  /** Key that picks this column in the sort menu. */
  readonly sortKey: string;
  /** Long description for the sort menu and help. */
  readonly title: string;
  /** Value sorted on; numbers sort high first and text A→Z unless reversed. */
  sortValue(row: RowModel): number | string | undefined;
  cell(row: RowModel): Cell;
}

const PSI_LETTER = { cpu: 'c', memory: 'm', io: 'i' } as const;

function nameCell(row: RowModel): Cell {
  return { text: `${row.treePrefix ?? ''}${row.label ?? row.snapshot.sample.identity.name}` };
}

const nameColumn: Column = {
  id: 'name', header: 'NAME', width: 12, flexMaxWidth: 48, align: 'left', priority: 100, sortKey: 'n',
  title: 'name (container name, short id or cgroup path)',
  sortValue: (r) => r.snapshot.sample.identity.name.toLowerCase(),
  cell: nameCell,
};

export const MAIN_COLUMNS: readonly Column[] = [
  nameColumn,
  {
    id: 'image', header: 'IMAGE', width: 14, align: 'left', priority: 25, sortKey: 'i',
    title: 'image, or the runtime when the image is unknown',
    sortValue: (r) => (r.snapshot.sample.identity.image ?? r.snapshot.sample.identity.runtime).toLowerCase(),
    cell: (r) => ({ text: r.snapshot.sample.identity.image ?? r.snapshot.sample.identity.runtime }),
  },
  {
    id: 'cpu', header: 'CORES', width: 5, align: 'right', priority: 90, sortKey: 'c',
    title: 'CPU cores used (1.00 = one core busy)',
    sortValue: (r) => r.snapshot.cpu.coresUsed,
    cell: (r) => ({ text: fmt.cores(r.snapshot.cpu.coresUsed), level: levelOf(r.snapshot.cpu.percentOfLimit) }),
  },
  {
    id: 'cpuPercent', header: 'CPU%L', width: 5, align: 'right', priority: 80, sortKey: 'C',
    title: 'CPU used as a share of the CPU limit (quota)',
    sortValue: (r) => r.snapshot.cpu.percentOfLimit,
    cell: (r) => ({ text: fmt.percent(r.snapshot.cpu.percentOfLimit), level: levelOf(r.snapshot.cpu.percentOfLimit) }),
  },
  {
    id: 'mem', header: 'MEM', width: 6, align: 'right', priority: 85, sortKey: 'm',
    title: 'memory usage (page cache included)',
    sortValue: (r) => r.snapshot.sample.memory.usageBytes,
    cell: (r) => ({ text: fmt.shortBytes(r.snapshot.sample.memory.usageBytes), level: levelOf(r.snapshot.memory.percentOfLimit) }),
  },
  {
    id: 'wset', header: 'WSET', width: 6, align: 'right', priority: 30, sortKey: 'w',
    title: 'working set (usage minus inactive file pages)',
    sortValue: (r) => r.snapshot.memory.workingSetBytes,
    cell: (r) => ({ text: fmt.shortBytes(r.snapshot.memory.workingSetBytes) }),
  },
  {
    id: 'memPercent', header: 'MEM%L', width: 5, align: 'right', priority: 75, sortKey: 'M',
    title: 'memory usage as a share of the memory limit',
    sortValue: (r) => r.snapshot.memory.percentOfLimit,
    cell: (r) => ({ text: fmt.percent(r.snapshot.memory.percentOfLimit), level: levelOf(r.snapshot.memory.percentOfLimit) }),
  },
  {
    id: 'rx', header: 'RX/s', width: 6, align: 'right', priority: 40, sortKey: 'x',
    title: 'network bytes received per second',
    sortValue: (r) => r.snapshot.network.rxBps,
    cell: (r) => ({ text: fmt.shortRate(r.snapshot.network.rxBps) }),
  },
  {
    id: 'tx', header: 'TX/s', width: 6, align: 'right', priority: 40, sortKey: 'X',
    title: 'network bytes sent per second',
    sortValue: (r) => r.snapshot.network.txBps,
    cell: (r) => ({ text: fmt.shortRate(r.snapshot.network.txBps) }),
  },
  {
    id: 'read', header: 'RD/s', width: 6, align: 'right', priority: 35, sortKey: 'b',
    title: 'block device bytes read per second',
    sortValue: (r) => r.snapshot.blockIo.readBps,
    cell: (r) => ({ text: fmt.shortRate(r.snapshot.blockIo.readBps) }),
  },
  {
    id: 'write', header: 'WR/s', width: 6, align: 'right', priority: 35, sortKey: 'B',
    title: 'block device bytes written per second',
    sortValue: (r) => r.snapshot.blockIo.writeBps,
    cell: (r) => ({ text: fmt.shortRate(r.snapshot.blockIo.writeBps) }),
  },
  {
    id: 'pids', header: 'PIDS', width: 5, align: 'right', priority: 50, sortKey: 'k',
    title: 'tasks (pids.current), coloured against pids.max',
    sortValue: (r) => r.snapshot.sample.pids.current,
    cell: (r) => ({ text: fmt.shortCount(r.snapshot.sample.pids.current), level: levelOf(pidsPercent(r.snapshot)) }),
  },
  {
    id: 'throttled', header: 'THR%', width: 5, align: 'right', priority: 55, sortKey: 't',
    title: 'share of CFS periods in which the quota throttled it',
    sortValue: (r) => r.snapshot.cpu.throttledRatio,
    cell: (r) => ({ text: fmt.percent(r.snapshot.cpu.throttledRatio === undefined ? undefined : r.snapshot.cpu.throttledRatio * 100) }),
  },
  {
    id: 'psi', header: 'PSI', width: 6, align: 'right', priority: 45, sortKey: 'P',
    title: 'pressure: highest "some avg10" of cpu (c), memory (m), io (i)',
    sortValue: (r) => worstPressure(r.snapshot)?.avg10,
    cell: (r) => {
      const worst = worstPressure(r.snapshot);
      return { text: worst === undefined ? fmt.UNKNOWN : `${worst.avg10 < 100 ? worst.avg10.toFixed(1) : '100'}${PSI_LETTER[worst.resource]}` };
    },
  },
  {
    id: 'uptime', header: 'UP', width: 6, align: 'right', priority: 20, sortKey: 'u',
    title: 'time since the cgroup was made',
    sortValue: (r) => uptimeSeconds(r),
    cell: (r) => ({ text: fmt.duration(uptimeSeconds(r)) }),
  },
];

function memoryBytesColumn(id: string, header: string, priority: number, sortKey: string, title: string,
  pick: (r: RowModel) => number | undefined): Column {
  return {
    id, header, width: 6, align: 'right', priority, sortKey, title,
    sortValue: pick, cell: (r) => ({ text: fmt.shortBytes(pick(r)) }),
  };
}

function rateColumn(id: string, header: string, priority: number, sortKey: string, title: string,
  pick: (r: RowModel) => number | undefined): Column {
  return {
    id, header, width: 6, align: 'right', priority, sortKey, title,
    sortValue: pick, cell: (r) => ({ text: fmt.shortCount(pick(r)) }),
  };
}

/** The memory view (`m`): where each container's pages are, and how hard the kernel reclaims them. */
export const MEMORY_COLUMNS: readonly Column[] = [
  nameColumn,
  {
    id: 'mem', header: 'MEM', width: 6, align: 'right', priority: 90, sortKey: 'm', title: 'memory usage',
    sortValue: (r) => r.snapshot.sample.memory.usageBytes,
    cell: (r) => ({ text: fmt.shortBytes(r.snapshot.sample.memory.usageBytes), level: levelOf(r.snapshot.memory.percentOfLimit) }),
  },
  memoryBytesColumn('limit', 'LIMIT', 40, 'l', 'memory limit', (r) => r.snapshot.sample.memory.limitBytes),
  {
    id: 'memPercent', header: 'MEM%L', width: 5, align: 'right', priority: 85, sortKey: 'M', title: 'usage as a share of the limit',
    sortValue: (r) => r.snapshot.memory.percentOfLimit,
    cell: (r) => ({ text: fmt.percent(r.snapshot.memory.percentOfLimit), level: levelOf(r.snapshot.memory.percentOfLimit) }),
  },
  memoryBytesColumn('activeAnon', 'ANON+', 80, 'a', 'active anonymous pages', (r) => r.snapshot.sample.memory.activeAnonBytes),
  memoryBytesColumn('inactiveAnon', 'ANON-', 79, 'A', 'inactive anonymous pages', (r) => r.snapshot.sample.memory.inactiveAnonBytes),
  memoryBytesColumn('activeFile', 'FILE+', 78, 'f', 'active file pages (page cache)', (r) => r.snapshot.sample.memory.activeFileBytes),
  memoryBytesColumn('inactiveFile', 'FILE-', 77, 'F', 'inactive file pages (first to be reclaimed)', (r) => r.snapshot.sample.memory.inactiveFileBytes),
  rateColumn('refault', 'RFLT/s', 70, 'r', 'workingset refaults per second (evicted pages needed again)', (r) => r.memoryRates?.refaultPs),
  rateColumn('pgscan', 'SCAN/s', 58, 's', 'pages scanned for reclaim per second', (r) => r.memoryRates?.pgscanPs),
  rateColumn('pgsteal', 'STL/s', 58, 'S', 'pages reclaimed per second', (r) => r.memoryRates?.pgstealPs),
  {
    id: 'psiMemory', header: 'PSI-M', width: 5, align: 'right', priority: 65, sortKey: 'P',
    title: 'memory pressure, some avg10 (% of time tasks waited for memory)',
    sortValue: (r) => r.snapshot.sample.pressure.memory?.some.avg10,
    cell: (r) => {
      const v = r.snapshot.sample.pressure.memory?.some.avg10;
      return { text: v === undefined ? fmt.UNKNOWN : v.toFixed(1), level: v !== undefined && v >= 10 ? (v >= 40 ? 'crit' : 'warn') : undefined };
    },
  },
  rateColumn('failcnt', 'FAIL', 61, 'x', 'times usage hit the limit (v1 failcnt; v2 events max)',
    (r) => r.snapshot.sample.memory.failcnt ?? r.snapshot.sample.memory.events?.max),
  {
    id: 'oom', header: 'OOM', width: 4, align: 'right', priority: 62, sortKey: 'o', title: 'OOM kills',
    sortValue: (r) => r.snapshot.sample.memory.events?.oomKill,
    cell: (r) => {
      const v = r.snapshot.sample.memory.events?.oomKill;
      return { text: fmt.shortCount(v), level: v !== undefined && v > 0 ? 'crit' : undefined };
    },
  },
];

export type ColumnSet = 'main' | 'memory';

export function columnsOf(set: ColumnSet): readonly Column[] {
  return set === 'main' ? MAIN_COLUMNS : MEMORY_COLUMNS;
}

export function findColumn(set: ColumnSet, id: string): Column | undefined {
  return columnsOf(set).find((c) => c.id === id);
}
