// Info rows (value 1, facts in labels): who a cgroup is and which net namespace its network
// counters came from. cAdvisor has neither; join them onto any series by `id`.
// Kubernetes facts are `k8s_*` here so that they never collide with the `pod`/`namespace`/`container`
// base labels a kubelet-compatible mode adds to every series.

import { labelled, NO_SERIES, type ContainerMetric, type Series } from '../metric.js';
import type { Snapshot } from '../../../collector/model/derive.js';

function identitySeries(s: Snapshot): readonly Series[] {
  const id = s.sample.identity;
  return [{
    labels: [id.runtime, id.kind, id.id, id.pod ?? '', id.podUid ?? '', id.namespace ?? '', id.containerName ?? '', id.qos ?? '', String(s.sample.inode)],
    value: 1,
  }];
}

function netnsSeries(s: Snapshot): readonly Series[] {
  const network = s.sample.network;
  return network ? [{ labels: [String(network.netnsInode)], value: 1 }] : NO_SERIES;
}

export const IDENTITY_METRICS: readonly ContainerMetric[] = [
  labelled({
    name: 'cgmeter_cgroup_info', help: 'Identity of the cgroup as its runtime module sees it; always 1.',
    type: 'gauge', unit: '', group: 'cgmeter', compat: 'cgmeter',
    labels: ['runtime', 'kind', 'container_id', 'k8s_pod', 'k8s_pod_uid', 'k8s_namespace', 'k8s_container', 'k8s_qos', 'cgroup_inode'],
    source: { v1: 'cgroup path (runtimes/*), directory inode', v2: 'cgroup path (runtimes/*), directory inode' },
  }, identitySeries),
  labelled({
    name: 'cgmeter_network_namespace_info', help: 'Net namespace whose /proc/<pid>/net/dev gave this cgroup\'s network counters; always 1.',
    type: 'gauge', unit: '', group: 'network', compat: 'cgmeter', labels: ['netns_inode'],
    source: { v1: '/proc/<pid>/ns/net inode', v2: '/proc/<pid>/ns/net inode' },
  }, netnsSeries),
];
