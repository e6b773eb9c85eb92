// From a frame's Snapshots to the rows a view shows: filtered (`/`), sorted by any column (and
// reversed), flat (containers, or every cgroup with `a`) or as the cgroup tree (`t`) with folding.

import type { Snapshot } from '../../collector/model/derive.js';
import { columnsOf, type Column, type ColumnSet } from './columns.js';
import { isContainerLike, type MemoryRates, type RowModel } from './row.js';

export interface SortState {
  readonly columnId: string;
  /** false: numbers high→low and text A→Z (what one wants first); true: the other way. */
  readonly reversed: boolean;
}

export interface RowQuery {
  readonly set: ColumnSet;
  readonly sort: SortState;
  readonly filter: string;
  /** Flat view: every cgroup instead of containers and pods only. */
  readonly showAll: boolean;
  readonly nowMs: number;
  readonly memoryRates?: (key: string) => MemoryRates | undefined;
}

/** Case-insensitive substring of name, image, id, runtime, path, pod, namespace or a `key=value` label. */
export function matchesFilter(s: Snapshot, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  const id = s.sample.identity;
  const fields = [id.name, id.image, id.id, id.runtime, s.sample.path, id.pod, id.namespace, id.containerName];
  if (fields.some((f) => f !== undefined && f.toLowerCase().includes(needle))) return true;
  return Object.entries(id.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle));
}

export function sortColumn(set: ColumnSet, sort: SortState): Column {
  const columns = columnsOf(set);
  return columns.find((c) => c.id === sort.columnId) ?? columns[0]!;
}

/** Comparator for a column: unknown values last whatever the direction; ties by path, so rows never jump. */
export function compareRows(column: Column, reversed: boolean): (a: RowModel, b: RowModel) => number {
  return (a, b) => {
    const va = column.sortValue(a);
    const vb = column.sortValue(b);
    const aMissing = va === undefined || (typeof va === 'number' && Number.isNaN(va));
    const bMissing = vb === undefined || (typeof vb === 'number' && Number.isNaN(vb));
    if (aMissing || bMissing) {
      if (aMissing && bMissing) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return aMissing ? 1 : -1;
    }
    let order: number;
    if (typeof va === 'number' && typeof vb === 'number') order = vb - va; // high first
    else order = String(va) < String(vb) ? -1 : String(va) > String(vb) ? 1 : 0;
    if (reversed) order = -order;
    if (order !== 0) return order;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  };
}

function rowOf(s: Snapshot, query: RowQuery): RowModel {
  const key = s.sample.path;
  const memoryRates = query.memoryRates?.(key);
  return memoryRates === undefined ? { key, snapshot: s, nowMs: query.nowMs } : { key, snapshot: s, nowMs: query.nowMs, memoryRates };
}

/** The flat table: containers and pods (or every cgroup but the root, which the header covers). */
export function tableRows(snapshots: readonly Snapshot[], query: RowQuery): RowModel[] {
  const rows: RowModel[] = [];
  for (const s of snapshots) {
    if (query.showAll ? s.sample.path === '/' : !isContainerLike(s)) continue;
    if (!matchesFilter(s, query.filter)) continue;
    rows.push(rowOf(s, query));
  }
  return rows.sort(compareRows(sortColumn(query.set, query.sort), query.sort.reversed));
}

interface TreeNode {
  readonly row: RowModel;
  readonly children: TreeNode[];
  /** It or something below it matches the filter. */
  visible: boolean;
}

function parentPath(path: string): string | undefined {
  if (path === '/') return undefined;
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/**
 * The cgroup hierarchy as systemd-cgtop and below show it: siblings sorted by the sort column,
 * folded nodes hiding their subtree, and with a filter only matches and their ancestors.
 */
export function treeRows(snapshots: readonly Snapshot[], query: RowQuery, folded: ReadonlySet<string>): RowModel[] {
  const nodes = new Map<string, TreeNode>();
  for (const s of snapshots) nodes.set(s.sample.path, { row: rowOf(s, query), children: [], visible: matchesFilter(s, query.filter) });
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    // A parent the collector does not track (unreadable, racing removal): hang it on the nearest one it does.
    let parent = parentPath(node.row.key);
    while (parent !== undefined && !nodes.has(parent)) parent = parentPath(parent);
    if (parent === undefined) roots.push(node);
    else nodes.get(parent)!.children.push(node);
  }
  const markVisible = (node: TreeNode): boolean => {
    let any = node.visible;
    for (const child of node.children) any = markVisible(child) || any;
    node.visible = any;
    return any;
  };
  roots.forEach(markVisible);
  const compare = compareRows(sortColumn(query.set, query.sort), query.sort.reversed);
  const byRow = (a: TreeNode, b: TreeNode) => compare(a.row, b.row);
  const out: RowModel[] = [];
  const walk = (node: TreeNode, continuation: string, isLast: boolean, depth: number) => {
    const shown = node.children.filter((c) => c.visible).sort(byRow);
    const isFolded = folded.has(node.row.key) && shown.length > 0;
    const marker = shown.length === 0 ? '─' : isFolded ? '▸' : '▾';
    const prefix = depth === 0 ? `${shown.length === 0 ? ' ' : marker} ` : `${continuation}${isLast ? '└─' : '├─'}${marker} `;
    out.push({ ...node.row, treePrefix: prefix, label: treeLabel(node.row.snapshot) });
    if (isFolded) return;
    const next = depth === 0 ? '' : `${continuation}${isLast ? '  ' : '│ '}`;
    shown.forEach((child, i) => walk(child, next, i === shown.length - 1, depth + 1));
  };
  const shownRoots = roots.filter((r) => r.visible).sort(byRow);
  shownRoots.forEach((root, i) => walk(root, '', i === shownRoots.length - 1, 0));
  return out;
}

/**
 * Containers are marked ◆ and go by their name (the IMAGE column says which runtime); plain
 * cgroups show their last path segment, as in systemd-cgls.
 */
export function treeLabel(s: Snapshot): string {
  if (s.sample.path === '/') return '/';
  if (isContainerLike(s)) return `◆ ${s.sample.identity.name}`;
  return s.sample.path.slice(s.sample.path.lastIndexOf('/') + 1);
}
