// Expected identities, written out by hand: every name, uid and short id below is a literal, not
// computed from the id, so a wrong slice or separator in the modules shows up as a failure.

import type { ContainerIdentity, QosClass, RuntimeName } from '../../collector/model/identity.js';

export type Case = readonly [path: string, expected: ContainerIdentity];

// Ids of the v2 fixture (fixtures/cgroup-v2/ids.env) and the v1 fixture (cgroup-v1/ids.env).
export const V2 = {
  DOCKER_A: '376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2',
  DOCKER_B: '4e7d912fd6788b3f2fa2968e1e1f2e737bab4bd782c6f906952f5870492ce4a2',
  POD_BURSTABLE_UID: '8c2e9f4a-3b1d-4e6f-9a7c-5d2b1e0f3a4c',
  POD_BESTEFFORT_UID: '1f7d3c5b-9e2a-4b8c-8d6f-2a4e6c8b0d1f',
  CRI_BURSTABLE_PAUSE: '7d59a762347b83ace96dfa9e976c3a7f6581f590b1303019bdd08d752aad40f7',
  CRI_BURSTABLE_APP: 'b63540b4e9c0dcbeaacc004c937a35a180b5d59fd55a9acb0a21d4d62ac8ea2f',
  CRI_BESTEFFORT_PAUSE: '82ba5e0858211c92639610455379c9f7b543e13dbe9d8dbd4e3ea93f1238e4b8',
  CRI_BESTEFFORT_APP: '15e3b7e5ea2433c1abbc11da17dffb61acc028d09ee66114e574650c48a568f4',
  LIBPOD: 'b73adf578e04a3eb6c39e1e3ce482ff3189b4eca807fb63566cd48ba1f6e3268',
} as const;
export const V1 = {
  CONTAINER_A: '5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83',
  CONTAINER_B: '8c8ddd7e488b48f3f894af7b24f4bd143a734393b9aae93e28dae289c5d87ceb',
} as const;

function engine(
  runtime: RuntimeName,
  kind: 'container' | 'helper',
  id: string,
  name: string,
  pod?: { podUid: string; qos: QosClass },
): ContainerIdentity {
  return { runtime, id, name, labels: {}, kind, ...pod };
}
const container = (runtime: RuntimeName, id: string, name: string, pod?: { podUid: string; qos: QosClass }) =>
  engine(runtime, 'container', id, name, pod);
const helper = (runtime: RuntimeName, id: string, name: string, pod?: { podUid: string; qos: QosClass }) =>
  engine(runtime, 'helper', id, name, pod);
const unit = (name: string): ContainerIdentity => ({ runtime: 'systemd', id: name, name, labels: {}, kind: 'unit' });
const raw = (path: string): ContainerIdentity => ({ runtime: 'raw', id: path, name: path, labels: {}, kind: 'cgroup' });
const kubelet = (path: string, qos?: QosClass): ContainerIdentity => ({
  runtime: 'kubernetes', id: path, name: path, labels: {}, kind: 'cgroup', ...(qos ? { qos } : {}),
});
const pod = (podUid: string, qos: QosClass): ContainerIdentity => ({
  runtime: 'kubernetes', id: podUid, name: podUid, labels: {}, podUid, qos, kind: 'pod',
});
const lxc = (id: string, name: string, kind: 'container' | 'helper'): ContainerIdentity => ({
  runtime: 'lxc', id, name, labels: {}, kind,
});

const BURSTABLE_POD = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8c2e9f4a_3b1d_4e6f_9a7c_5d2b1e0f3a4c.slice`;
const BESTEFFORT_POD = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1f7d3c5b_9e2a_4b8c_8d6f_2a4e6c8b0d1f.slice`;
const burstable = { podUid: V2.POD_BURSTABLE_UID, qos: 'burstable' } as const;
const besteffort = { podUid: V2.POD_BESTEFFORT_UID, qos: 'besteffort' } as const;

/** Every cgroup directory of fixtures/cgroup-v2/sys/fs/cgroup. */
export const V2_FIXTURE_CASES: readonly Case[] = [
  ['/', raw('/')],
  ['/system.slice', unit('system.slice')],
  [`/system.slice/docker-${V2.DOCKER_A}.scope`, container('docker', V2.DOCKER_A, '376f487bf992')],
  [`/system.slice/docker-${V2.DOCKER_B}.scope`, container('docker', V2.DOCKER_B, '4e7d912fd678')],
  ['/system.slice/containerd.service', unit('containerd.service')],
  ['/kubepods.slice', kubelet('/kubepods.slice')],
  ['/kubepods.slice/kubepods-burstable.slice', kubelet('/kubepods.slice/kubepods-burstable.slice', 'burstable')],
  [BURSTABLE_POD, pod('8c2e9f4a-3b1d-4e6f-9a7c-5d2b1e0f3a4c', 'burstable')],
  [`${BURSTABLE_POD}/cri-containerd-${V2.CRI_BURSTABLE_PAUSE}.scope`, container('containerd', V2.CRI_BURSTABLE_PAUSE, '7d59a762347b', burstable)],
  [`${BURSTABLE_POD}/cri-containerd-${V2.CRI_BURSTABLE_APP}.scope`, container('containerd', V2.CRI_BURSTABLE_APP, 'b63540b4e9c0', burstable)],
  ['/kubepods.slice/kubepods-besteffort.slice', kubelet('/kubepods.slice/kubepods-besteffort.slice', 'besteffort')],
  [BESTEFFORT_POD, pod('1f7d3c5b-9e2a-4b8c-8d6f-2a4e6c8b0d1f', 'besteffort')],
  [`${BESTEFFORT_POD}/cri-containerd-${V2.CRI_BESTEFFORT_PAUSE}.scope`, container('containerd', V2.CRI_BESTEFFORT_PAUSE, '82ba5e085821', besteffort)],
  [`${BESTEFFORT_POD}/cri-containerd-${V2.CRI_BESTEFFORT_APP}.scope`, container('containerd', V2.CRI_BESTEFFORT_APP, '15e3b7e5ea24', besteffort)],
  ['/machine.slice', unit('machine.slice')],
  [`/machine.slice/libpod-${V2.LIBPOD}.scope`, container('podman', V2.LIBPOD, 'b73adf578e04')],
  ['/lxc.payload.c1', lxc('c1', 'c1', 'container')],
  ['/user.slice', unit('user.slice')],
  ['/user.slice/user-1000.slice', unit('user-1000.slice')],
  ['/user.slice/user-1000.slice/session-1.scope', unit('session-1.scope')],
];

/** Every cgroup of fixtures/cgroup-v1, union over its hierarchies. */
export const V1_FIXTURE_CASES: readonly Case[] = [
  ['/', raw('/')],
  ['/docker', raw('/docker')],
  [`/docker/${V1.CONTAINER_A}`, container('docker', V1.CONTAINER_A, '5aacd01bb995')],
  [`/docker/${V1.CONTAINER_B}`, container('docker', V1.CONTAINER_B, '8c8ddd7e488b')],
  ['/fixture-handmade', raw('/fixture-handmade')],
];

// Well-known forms from real hosts; ids reuse the fixture's so that names stay checkable.
const ID = V2.CRI_BURSTABLE_APP; // short: b63540b4e9c0
const ID2 = V2.DOCKER_A; // short: 376f487bf992
const UID = V2.POD_BURSTABLE_UID;
const UID_ = '8c2e9f4a_3b1d_4e6f_9a7c_5d2b1e0f3a4c';
const STATIC_UID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

export const REAL_WORLD_CASES: readonly Case[] = [
  // kubelet, cgroupfs driver: bare ids name no engine
  ['/kubepods', kubelet('/kubepods')],
  ['/kubepods/burstable', kubelet('/kubepods/burstable', 'burstable')],
  [`/kubepods/burstable/pod${UID}`, pod(UID, 'burstable')],
  [`/kubepods/burstable/pod${UID}/${ID}`, container('kubernetes', ID, 'b63540b4e9c0', { podUid: UID, qos: 'burstable' })],
  [`/kubepods/pod${UID}`, pod(UID, 'guaranteed')],
  [`/kubepods/pod${UID}/${ID}`, container('kubernetes', ID, 'b63540b4e9c0', { podUid: UID, qos: 'guaranteed' })],
  [`/kubepods/besteffort/pod${UID}/crio-${ID}`, container('cri-o', ID, 'b63540b4e9c0', { podUid: UID, qos: 'besteffort' })],
  [`/kubepods/besteffort/pod${UID}/crio-conmon-${ID}`, helper('cri-o', ID, 'conmon-b63540b4e9c0', { podUid: UID, qos: 'besteffort' })],
  // kubelet, systemd driver
  [`/kubepods.slice/kubepods-pod${UID_}.slice`, pod(UID, 'guaranteed')],
  [`/kubepods.slice/kubepods-pod${UID_}.slice/crio-${ID}.scope`, container('cri-o', ID, 'b63540b4e9c0', { podUid: UID, qos: 'guaranteed' })],
  [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-${ID}.scope`, container('cri-o', ID, 'b63540b4e9c0', burstable)],
  [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-${ID}.scope/container`, container('cri-o', ID, 'b63540b4e9c0', burstable)],
  [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-conmon-${ID}.scope`, helper('cri-o', ID, 'conmon-b63540b4e9c0', burstable)],
  [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/docker-${ID}.scope`, container('docker', ID, 'b63540b4e9c0', { podUid: UID, qos: 'besteffort' })],
  [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${STATIC_UID}.slice`, pod(STATIC_UID, 'burstable')],
  // kind: kubelet --cgroup-root=/kubelet (systemd) and a node container on cgroupfs
  [`/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`, container('containerd', ID, 'b63540b4e9c0', burstable)],
  [`/docker/${ID2}/kubepods/burstable/pod${UID}/${ID}`, container('kubernetes', ID, 'b63540b4e9c0', burstable)],
  // a pod's container holding its own docker (dind pod): the inner container is docker's
  [`/kubepods/burstable/pod${UID}/${ID}/docker/${ID2}`, container('docker', ID2, '376f487bf992')],
  // engines outside kubepods
  [`/system.slice/crio-conmon-${ID}.scope`, helper('cri-o', ID, 'conmon-b63540b4e9c0')],
  [`/system.slice/nerdctl-${ID}.scope`, container('containerd', ID, 'b63540b4e9c0')],
  [`/custom.slice/custom-app.slice/docker-${ID2}.scope`, container('docker', ID2, '376f487bf992')],
  [`/user.slice/user-1000.slice/user@1000.service/user.slice/docker-${ID2}.scope`, container('docker', ID2, '376f487bf992')],
  [`/system.slice/docker-${ID2}.scope/container`, container('docker', ID2, '376f487bf992')],
  [`/docker/${ID}/docker/${ID2}`, container('docker', ID2, '376f487bf992')],
  // systemd inside a docker container: internal structure, not the container and not a host unit
  [`/system.slice/docker-${ID2}.scope/init.scope`, raw(`/system.slice/docker-${ID2}.scope/init.scope`)],
  // podman
  [`/machine.slice/libpod-${V2.LIBPOD}.scope/container`, container('podman', V2.LIBPOD, 'b73adf578e04')],
  [`/machine.slice/libpod-conmon-${V2.LIBPOD}.scope`, helper('podman', V2.LIBPOD, 'conmon-b73adf578e04')],
  [`/libpod_parent/libpod-${V2.LIBPOD}`, container('podman', V2.LIBPOD, 'b73adf578e04')],
  ['/libpod_parent/conmon', { runtime: 'podman', id: '/libpod_parent/conmon', name: 'conmon', labels: {}, kind: 'helper' }],
  [`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${V2.LIBPOD}.scope`, container('podman', V2.LIBPOD, 'b73adf578e04')],
  [`/machine.slice/machine-libpod_pod_${ID}.slice/libpod-${V2.LIBPOD}.scope`, container('podman', V2.LIBPOD, 'b73adf578e04')],
  [`/machine.slice/machine-libpod_pod_${ID}.slice`, unit(`machine-libpod_pod_${ID}.slice`)],
  // lxc / lxd
  ['/lxc/c1', lxc('c1', 'c1', 'container')],
  ['/lxc.monitor.c1', lxc('c1', 'lxc.monitor.c1', 'helper')],
  ['/lxc.payload.proj_c1', lxc('proj_c1', 'proj_c1', 'container')],
  ['/lxc', raw('/lxc')],
  ['/lxc.payload.c1/init.scope', raw('/lxc.payload.c1/init.scope')],
  // systemd units
  ['/init.scope', unit('init.scope')],
  ['/system.slice/system-getty.slice/getty@tty1.service', unit('getty@tty1.service')],
  ['/system.slice/system-systemd\\x2dfsck.slice', unit('system-systemd\\x2dfsck.slice')],
  ['/system.slice/var-lib-docker.mount', unit('var-lib-docker.mount')],
  ['/user.slice/user-1000.slice/user@1000.service', unit('user@1000.service')],
  ['/user.slice/user-1000.slice/user@1000.service/app.slice', raw('/user.slice/user-1000.slice/user@1000.service/app.slice')],
  // runc: a 64-hex leaf no engine claimed
  [`/mygroup/${ID}`, container('runc', ID, 'b63540b4e9c0')],
  [`/default/${ID}`, container('runc', ID, 'b63540b4e9c0')],
];

const HEX63 = ID.slice(0, 63);
export const MALFORMED_CASES: readonly Case[] = [
  ['/docker/xyz', raw('/docker/xyz')],
  [`/docker/${HEX63}`, raw(`/docker/${HEX63}`)],
  [`/docker/${ID}0`, raw(`/docker/${ID}0`)],
  [`/docker/${ID.toUpperCase()}`, raw(`/docker/${ID.toUpperCase()}`)],
  ['', raw('/')],
  ['/../..', raw('/../..')],
  [`/docker/${ID}/..`, raw(`/docker/${ID}/..`)],
  [`/docker/../docker/${ID}`, raw(`/docker/../docker/${ID}`)],
  ['/lxc.payload.', raw('/lxc.payload.')],
  ['/lxc.monitor.', raw('/lxc.monitor.')],
  [`/libpod_parent/libpod-${HEX63}`, raw(`/libpod_parent/libpod-${HEX63}`)],
  [`/crio-${ID}.scope/container/container`, raw(`/crio-${ID}.scope/container/container`)],
  [`/system.slice/crio-conmon-${ID}.scope/container`, raw(`/system.slice/crio-conmon-${ID}.scope/container`)],
  [`/kubepods/pod${UID_}`, raw(`/kubepods/pod${UID_}`)],
  ['/kubepods/guaranteed', raw('/kubepods/guaranteed')],
  [`/kubepods/burstable/pod${UID.toUpperCase()}`, raw(`/kubepods/burstable/pod${UID.toUpperCase()}`)],
  [`/kubepods/burstable/pod${UID}/${ID}/extra`, raw(`/kubepods/burstable/pod${UID}/${ID}/extra`)],
  // A name that is not an engine's falls through to the next claimant, not to an error.
  [`/system.slice/docker-${HEX63}.scope`, unit(`docker-${HEX63}.scope`)],
  ['/machine.slice/libpod-xyz.scope', unit('libpod-xyz.scope')],
  [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID}.slice`, unit(`kubepods-burstable-pod${UID}.slice`)],
  [`/kubepods/burstable/podnot-a-uid/${ID}`, container('runc', ID, 'b63540b4e9c0')],
];

/** Spellings of one path that must all give the clean path's identity. */
export const NORMALISATION_CASES: ReadonlyArray<readonly [spelling: string, clean: string]> = [
  [`/system.slice/docker-${V2.DOCKER_A}.scope/`, `/system.slice/docker-${V2.DOCKER_A}.scope`],
  [`//system.slice//docker-${V2.DOCKER_A}.scope`, `/system.slice/docker-${V2.DOCKER_A}.scope`],
  [`system.slice/docker-${V2.DOCKER_A}.scope`, `/system.slice/docker-${V2.DOCKER_A}.scope`],
  [`/./docker/${V1.CONTAINER_A}`, `/docker/${V1.CONTAINER_A}`],
  [`${BURSTABLE_POD}//`, BURSTABLE_POD],
  ['/fixture-handmade/', '/fixture-handmade'],
  ['///', '/'],
];
