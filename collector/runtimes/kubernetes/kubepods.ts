// Where a path sits in kubelet's cgroup tree: kubepods root, a QoS level, a pod, or below a pod.
// cgroupfs:  …/kubepods[/burstable|/besteffort]/pod<uid-with-dashes>/…
// systemd:   …/<P>kubepods.slice[/<P>kubepods-<qos>.slice]/<P>kubepods[-<qos>]-pod<uid_with_underscores>.slice/…
// <P> is empty, or e.g. `kubelet-` when kubelet runs with --cgroup-root=/kubelet (kind does);
// guaranteed pods sit directly under kubepods, without a QoS level.

import type { QosClass } from '../../model/identity.js';

export type KubepodsLevel =
  | { readonly level: 'kubepods' }
  | { readonly level: 'qos'; readonly qos: QosClass }
  | { readonly level: 'pod'; readonly qos: QosClass; readonly podUid: string; readonly below: readonly string[] };

const QOS_LEVELS = ['burstable', 'besteffort'] as const;
const CGROUPFS_ROOT = 'kubepods';
const SYSTEMD_ROOT_SUFFIX = 'kubepods.slice';
const SLICE = '.slice';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Static (manifest) pods: kubelet sets the uid to the hex md5 of the manifest, no dashes. */
const STATIC_POD_UID = /^[0-9a-f]{32}$/;

function validPodUid(uid: string): string | undefined {
  return UUID.test(uid) || STATIC_POD_UID.test(uid) ? uid : undefined;
}

/** systemd reserves `-` for slice nesting, so kubelet writes the uid's dashes as `_`. */
function podUidFromSlice(escaped: string): string | undefined {
  return escaped.includes('-') ? undefined : validPodUid(escaped.replaceAll('_', '-'));
}

function isSystemdRoot(segment: string): boolean {
  return segment === SYSTEMD_ROOT_SUFFIX || segment.endsWith(`-${SYSTEMD_ROOT_SUFFIX}`);
}

/** How one cgroup driver spells kubelet's levels. */
interface Spelling {
  qosSegment(qos: (typeof QOS_LEVELS)[number]): string;
  podPrefix(qos: QosClass): string;
  /** The pod uid in what follows the prefix, dashed, or undefined. */
  podUid(afterPrefix: string): string | undefined;
}

const CGROUPFS: Spelling = {
  qosSegment: (qos) => qos,
  podPrefix: () => 'pod',
  podUid: (uid) => (uid.includes('_') ? undefined : validPodUid(uid)),
};

function systemdSpelling(base: string): Spelling {
  return {
    qosSegment: (qos) => `${base}-${qos}${SLICE}`,
    podPrefix: (qos) => (qos === 'guaranteed' ? `${base}-pod` : `${base}-${qos}-pod`),
    podUid: (rest) => (rest.endsWith(SLICE) ? podUidFromSlice(rest.slice(0, -SLICE.length)) : undefined),
  };
}

export function parseKubepods(segments: readonly string[]): KubepodsLevel | undefined {
  // The first kubepods marks kubelet's tree, wherever it is mounted (`/docker/<node>/kubepods` in
  // kind on cgroupfs). What lies below a pod's container is left to the other modules.
  const root = segments.findIndex((segment) => segment === CGROUPFS_ROOT || isSystemdRoot(segment));
  if (root < 0) return undefined;
  const rootSegment = segments[root]!;
  const spelling = rootSegment === CGROUPFS_ROOT ? CGROUPFS : systemdSpelling(rootSegment.slice(0, -SLICE.length));
  return parseLevels(segments.slice(root + 1), spelling);
}

/** [QoS level] [pod [below…]] */
function parseLevels(rest: readonly string[], spelling: Spelling): KubepodsLevel | undefined {
  if (rest.length === 0) return { level: 'kubepods' };
  const qosLevel = QOS_LEVELS.find((level) => rest[0] === spelling.qosSegment(level));
  const podIndex = qosLevel === undefined ? 0 : 1;
  const qos: QosClass = qosLevel ?? 'guaranteed';
  const podSegment = rest[podIndex];
  if (podSegment === undefined) return { level: 'qos', qos };
  const prefix = spelling.podPrefix(qos);
  if (!podSegment.startsWith(prefix)) return undefined;
  const podUid = spelling.podUid(podSegment.slice(prefix.length));
  if (podUid === undefined) return undefined;
  return { level: 'pod', qos, podUid, below: rest.slice(podIndex + 1) };
}
