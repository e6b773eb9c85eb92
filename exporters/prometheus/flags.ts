// The flags that shape /metrics (which cgroups, which labels, which families) and the one place
// that turns them into ContainerExportOptions. Cardinality is what people fight with cAdvisor
// over, so every cut is a flag.

import type { FlagSpec, ParsedArgs } from '../../cli/command.js';
import { UsageError } from '../../cli/units.js';
import { SERIES_GROUPS, type SeriesGroup } from './metric.js';
import { DEFAULT_CONTAINER_EXPORT_OPTIONS, type ContainerExportOptions } from './render.js';
import type { ContainerLabelPolicy } from './labels.js';

export const PROMETHEUS_FLAGS: Record<string, FlagSpec> = {
  export: {
    type: 'string', placeholder: 'all|containers', default: 'all', env: 'CGMETER_EXPORT',
    description: 'cgroups exported: all (as cAdvisor) or containers (containers, pods and the root /)',
  },
  'cgroup-prefix': {
    type: 'string', placeholder: 'PATH', multiple: true,
    description: 'export only cgroups at or below PATH (repeatable; e.g. --cgroup-prefix /docker --cgroup-prefix /kubepods)',
  },
  'match-label': {
    type: 'string', placeholder: 'KEY[=VALUE]', multiple: true,
    description: 'export only cgroups whose engine labels have KEY (equal to VALUE when given); repeatable, all must match',
  },
  'label-allowlist': {
    type: 'string', placeholder: 'KEYS', multiple: true, env: 'CGMETER_LABEL_ALLOWLIST',
    description: 'comma-separated engine label keys exported as container_label_<key> (default: all, as cAdvisor)',
  },
  'no-container-labels': { type: 'boolean', description: 'export no container_label_* labels at all' },
  'disable-series': {
    type: 'string', placeholder: 'LIST',
    description: `comma-separated series groups left out of /metrics: ${SERIES_GROUPS.join(', ')} (psi-avg is off unless enabled)`,
  },
  'kubelet-labels': {
    type: 'string', placeholder: 'auto|on|off', default: 'auto', env: 'CGMETER_KUBELET_LABELS',
    description: 'add pod, namespace, container (and pod_name, container_name) as the kubelet does; auto: when Kubernetes pods are found',
  },
  'env-allowlist': {
    type: 'string', placeholder: 'KEYS', multiple: true, env: 'CGMETER_ENV_ALLOWLIST',
    description: 'comma-separated environment variable names exported as container_env_<key> (none by default: env holds secrets)',
  },
  'enable-series': { type: 'string', placeholder: 'LIST', description: 'comma-separated series groups that are off by default to export: psi-avg' },
};

function list(value: string | boolean | string[] | undefined): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return items.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function groups(flag: string, value: string | boolean | string[] | undefined): SeriesGroup[] {
  return list(value).map((name) => {
    if (!(SERIES_GROUPS as readonly string[]).includes(name)) {
      throw new UsageError(`--${flag}: unknown series group ${JSON.stringify(name)}; groups are ${SERIES_GROUPS.join(', ')}`);
    }
    return name as SeriesGroup;
  });
}

export function exportOptionsFrom(args: ParsedArgs): ContainerExportOptions {
  const v = args.values;
  const exportMode = (v.export as string | undefined) ?? 'all';
  if (exportMode !== 'all' && exportMode !== 'containers') {
    throw new UsageError(`--export must be all or containers, got ${JSON.stringify(exportMode)}`);
  }
  const prefixes = list(v['cgroup-prefix']);
  for (const prefix of prefixes) {
    if (!prefix.startsWith('/') || prefix.split('/').includes('..')) {
      throw new UsageError(`--cgroup-prefix ${JSON.stringify(prefix)} must be a cgroup path starting with / (e.g. /docker)`);
    }
  }
  const matchLabels = list(v['match-label']).map((item) => {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (key === '') throw new UsageError(`--match-label ${JSON.stringify(item)} needs a KEY (KEY or KEY=VALUE)`);
    return eq < 0 ? { key } : { key, value: item.slice(eq + 1) };
  });
  const allowlist = list(v['label-allowlist']);
  if (v['no-container-labels'] && allowlist.length > 0) {
    throw new UsageError('--no-container-labels and --label-allowlist contradict each other; give one');
  }
  const containerLabels: ContainerLabelPolicy = v['no-container-labels'] ? { mode: 'none' }
    : allowlist.length > 0 ? { mode: 'allowlist', keys: new Set(allowlist) } : { mode: 'all' };
  const disabled = new Set(DEFAULT_CONTAINER_EXPORT_OPTIONS.disabledGroups);
  for (const group of groups('enable-series', v['enable-series'])) disabled.delete(group);
  for (const group of groups('disable-series', v['disable-series'])) disabled.add(group);
  const kubelet = (v['kubelet-labels'] as string | undefined) ?? 'auto';
  if (kubelet !== 'auto' && kubelet !== 'on' && kubelet !== 'off') {
    throw new UsageError(`--kubelet-labels must be auto, on or off, got ${JSON.stringify(kubelet)}`);
  }
  return {
    filter: { export: exportMode, prefixes, matchLabels }, containerLabels, disabledGroups: disabled,
    kubeletLabels: kubelet, envKeys: new Set(list(v['env-allowlist'])),
  };
}
