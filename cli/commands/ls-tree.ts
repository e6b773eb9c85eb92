// `cgmeter ls --tree`: the cgroup hierarchy as systemd-cgls draws it, with each container, pod
// and engine helper marked by runtime and name. Pure: Snapshots in, lines out.

import type { Snapshot } from '../../collector/model/derive.js';
import type { ContainerIdentity } from '../../collector/model/identity.js';
import { duplicateChildPaths } from './ls-view.js';

interface Node {
  readonly segment: string;
  readonly path: string;
  readonly children: Map<string, Node>;
  identity?: ContainerIdentity;
  duplicate?: boolean;
}

export interface TreeOptions {
  /** Every cgroup; otherwise only containers, pods, helpers and the cgroups above them. */
  readonly all: boolean;
}

const MARKED_KINDS = new Set(['container', 'pod', 'helper']);

export function renderTree(snapshots: readonly Snapshot[], { all }: TreeOptions): string {
  const duplicates = duplicateChildPaths(snapshots);
  const root: Node = { segment: '/', path: '/', children: new Map() };
  for (const s of snapshots) {
    const marked = MARKED_KINDS.has(s.sample.identity.kind);
    if (!all && !marked) continue;
    const node = insert(root, s.sample.path);
    node.identity = s.sample.identity;
    node.duplicate = duplicates.has(s.sample.path);
  }
  const lines = [`/${root.identity ? mark(root) : ''}`];
  drawChildren(root, '', lines);
  return lines.join('\n');
}

function insert(root: Node, path: string): Node {
  let node = root;
  let sofar = '';
  for (const segment of path.split('/').filter(Boolean)) {
    sofar += `/${segment}`;
    let child = node.children.get(segment);
    if (!child) {
      child = { segment, path: sofar, children: new Map() };
      node.children.set(segment, child);
    }
    node = child;
  }
  return node;
}

function drawChildren(node: Node, prefix: string, lines: string[]): void {
  const children = [...node.children.values()].sort((a, b) => a.segment.localeCompare(b.segment));
  children.forEach((child, i) => {
    const last = i === children.length - 1;
    lines.push(`${prefix}${last ? '└─' : '├─'}${shortenIds(child.segment)}${mark(child)}`);
    drawChildren(child, `${prefix}${last ? '  ' : '│ '}`, lines);
  });
}

/** 64-hex ids cut to docker's 12, as in the table: the mark carries the name. */
function shortenIds(segment: string): string {
  return segment.replace(/[0-9a-f]{64}/g, (id) => `${id.slice(0, 12)}…`);
}

function mark(node: Node): string {
  const id = node.identity;
  if (!id || !MARKED_KINDS.has(id.kind)) return '';
  if (node.duplicate) return '  (same container as above)';
  const parts = [id.runtime, id.kind === 'container' ? '' : id.kind, id.name];
  if (id.kind === 'pod' && id.namespace) parts.push(`ns ${id.namespace}`);
  if (id.image) parts.push(`(${id.image})`);
  const symbol = id.kind === 'helper' ? '·' : '◆';
  return `  ${symbol} ${parts.filter(Boolean).join(' ')}`;
}
