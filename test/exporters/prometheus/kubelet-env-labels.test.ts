// Kubelet-compatible labels and allowlisted env labels on the base label text, and the env allowlist
// applied where the engine's answer is parsed (nothing else is kept).

import { describe, expect, it } from 'vitest';
import { baseLabelText, kubeletLabels, kubernetesDetected } from '../../../exporters/prometheus/labels.js';
import { allowlistedEnv } from '../../../collector/metadata/engine-container.js';
import { derive } from '../../../collector/model/derive.js';
import type { ContainerIdentity } from '../../../collector/model/identity.js';
import type { CgroupSample } from '../../../collector/model/sample.js';

const UID = '35d7a194-9c2f-43d2-a677-323fc34c0bdd';
function snap(path: string, identity: Partial<ContainerIdentity>) {
  const sample = { path, inode: 1, timestampMs: 0, monotonicMs: 0, cpu: {}, memory: {}, blockIo: [], pids: {}, pressure: {},
    identity: { runtime: 'docker', id: 'x', name: 'n', labels: {}, kind: 'container', ...identity } } as CgroupSample;
  return derive(sample);
}

describe('kubelet labels', () => {
  const pod = snap(`/kubepods/burstable/pod${UID}`, { runtime: 'kubernetes', kind: 'pod', podUid: UID, pod: 'web-1', namespace: 'shop', name: 'web-1' });
  const sandbox = snap(`/kubepods/burstable/pod${UID}/a`, { podUid: UID, pod: 'web-1', namespace: 'shop', containerName: 'POD', sandbox: true });
  const app = snap(`/kubepods/burstable/pod${UID}/b`, { podUid: UID, pod: 'web-1', namespace: 'shop', containerName: 'app' });
  const plain = snap('/docker/c', { name: 'cgm-web' });

  it('gives the pod cgroup no container, the sandbox POD, a container its CRI name, others nothing', () => {
    expect(kubeletLabels(pod)).toEqual({ pod: 'web-1', namespace: 'shop', container: '' });
    expect(kubeletLabels(sandbox).container).toBe('POD');
    expect(kubeletLabels(app).container).toBe('app');
    expect(kubeletLabels(plain)).toEqual({ pod: '', namespace: '', container: '' });
    expect(kubernetesDetected([plain])).toBe(false);
    expect(kubernetesDetected([plain, pod])).toBe(true);
  });

  it('writes pod, namespace, container and the pre-1.16 names, leaving empty ones out', () => {
    const extras = { kubelet: true, envKeys: new Set<string>() };
    expect(baseLabelText(app, { mode: 'none' }, extras))
      .toBe(`id="/kubepods/burstable/pod${UID}/b",name="n",image="",pod="web-1",pod_name="web-1",namespace="shop",container="app",container_name="app"`);
    expect(baseLabelText(pod, { mode: 'none' }, extras)).toBe(`id="/kubepods/burstable/pod${UID}",name="",image="",pod="web-1",pod_name="web-1",namespace="shop"`);
    expect(baseLabelText(plain, { mode: 'none' }, extras)).toBe('id="/docker/c",name="cgm-web",image=""');
  });
});

describe('container_env_ labels', () => {
  it('keeps only allowlisted names (prefix match, as cAdvisor) when parsing the engine answer', () => {
    expect(allowlistedEnv(['APP_ENV=prod', 'APP_ENVIRONMENT=x', 'SECRET_TOKEN=hidden', 'EMPTY'], new Set(['APP_ENV', 'EMPTY'])))
      .toEqual({ APP_ENV: 'prod', APP_ENVIRONMENT: 'x', EMPTY: '' });
    expect(allowlistedEnv(['SECRET_TOKEN=hidden'], new Set())).toBeUndefined();
  });

  it('exports them lowercased, as cAdvisor does', () => {
    const s = snap('/docker/c', { name: 'w', env: { APP_ENV: 'prod' } });
    expect(baseLabelText(s, { mode: 'none' }, { kubelet: false, envKeys: new Set(['APP_ENV']) })).toBe('id="/docker/c",name="w",image="",container_env_app_env="prod"');
    expect(baseLabelText(s, { mode: 'none' }, { kubelet: false, envKeys: new Set() })).toBe('id="/docker/c",name="w",image=""');
  });
});
