// What an engine says about one container, as plain data: parsed from the Engine API's
// `/containers/<id>/json` (inspect) or one entry of `/containers/json` (list). Pure functions;
// anything missing or malformed is left out rather than guessed.

import type { ConfiguredLimits } from '../model/identity.js';

export interface EngineContainer {
  /** 64-hex container id. */
  readonly id: string;
  /** Name without the leading `/` the API puts there. */
  readonly name: string;
  /** The image as the user named it (`Config.Image`), e.g. `local/busybox:latest`. */
  readonly image?: string;
  /** Content id of the image, e.g. `sha256:f983…`. */
  readonly imageId?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly startedAtMs?: number;
  readonly restartCount?: number;
  readonly configuredLimits?: ConfiguredLimits;
  readonly pod?: string;
  readonly namespace?: string;
  readonly podUid?: string;
  readonly containerName?: string;
  /** The pod's sandbox ("pause") container, which holds the pod's namespaces. */
  readonly sandbox?: boolean;
  /** True when the answer came from inspect (limits, start time and restarts are known). */
  readonly complete: boolean;
  /** Allowlisted environment variables (inspect only). */
  readonly env?: Readonly<Record<string, string>>;
}

/** CRI labels that kubelet puts on every container it starts through containerd, CRI-O or dockershim. */
export const K8S_LABELS = {
  pod: 'io.kubernetes.pod.name',
  namespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  /** dockershim: `podsandbox` or `container`. */
  dockerType: 'io.kubernetes.docker.type',
  /** containerd's CRI plugin: `sandbox` or `container`. */
  criKind: 'io.cri-containerd.kind',
} as const;

/** dockershim's `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`; the sandbox's container is `POD`. */
const DOCKERSHIM_NAME = /^k8s_([^_]+)_([^_]+)_([^_]+)_([^_]+)_(\d+)$/;

type Json = Record<string, unknown>;

/**
 * `Config.Env` (`KEY=VALUE` strings) restricted to names starting with one of `keys` (cAdvisor's
 * allowlist matches prefixes): env often carries secrets, so only what the user asked to export is
 * ever kept in memory.
 */
export function allowlistedEnv(value: unknown, keys: ReadonlySet<string>): Record<string, string> | undefined {
  if (keys.size === 0 || !Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const item of value) {
    if (typeof item !== 'string') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    for (const allowed of keys) {
      if (key.startsWith(allowed)) {
        out[key] = eq < 0 ? '' : item.slice(eq + 1);
        break;
      }
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function containerFromInspect(value: unknown, envKeys: ReadonlySet<string> = new Set()): EngineContainer | undefined {
  if (!isObject(value)) return undefined;
  const id = stringField(value, 'Id');
  if (id === undefined) return undefined;
  const config = isObject(value.Config) ? value.Config : {};
  const state = isObject(value.State) ? value.State : {};
  const host = isObject(value.HostConfig) ? value.HostConfig : {};
  const labels = labelRecord(config.Labels);
  const name = stripSlash(stringField(value, 'Name') ?? '');
  return withKubernetes({
    id,
    name,
    image: stringField(config, 'Image'),
    imageId: stringField(value, 'Image'),
    labels,
    startedAtMs: timeMs(state.StartedAt),
    restartCount: wholeNumber(value.RestartCount),
    configuredLimits: limitsFromHostConfig(host),
    complete: true,
    env: allowlistedEnv(config.Env, envKeys),
  });
}

export function containerFromListEntry(value: unknown): EngineContainer | undefined {
  if (!isObject(value)) return undefined;
  const id = stringField(value, 'Id');
  if (id === undefined) return undefined;
  const names = Array.isArray(value.Names) ? value.Names.filter((n): n is string => typeof n === 'string') : [];
  // A linked container has extra names like `/web/db`; the primary one has a single `/`.
  const primary = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? '';
  return withKubernetes({
    id,
    name: stripSlash(primary),
    image: stringField(value, 'Image'),
    imageId: stringField(value, 'ImageID'),
    labels: labelRecord(value.Labels),
    complete: false,
  });
}

/**
 * Configured limits from HostConfig, as the engine was asked (the kernel's values are in the
 * Sample). Zero means "not set" in the API; `--cpus` is NanoCpus, else quota / period.
 */
export function limitsFromHostConfig(host: Json): ConfiguredLimits | undefined {
  const memory = positive(host.Memory);
  const nanoCpus = positive(host.NanoCpus);
  const quota = positive(host.CpuQuota);
  const period = positive(host.CpuPeriod) ?? 100_000; // the kernel's default CFS period
  const shares = positive(host.CpuShares);
  const pids = positive(host.PidsLimit); // null, 0 and -1 all mean unlimited
  const limits: { -readonly [K in keyof ConfiguredLimits]: ConfiguredLimits[K] } = {};
  if (memory !== undefined) limits.memoryBytes = memory;
  if (nanoCpus !== undefined) limits.cpuCores = nanoCpus / 1e9;
  else if (quota !== undefined) limits.cpuCores = quota / period;
  if (shares !== undefined) limits.cpuShares = shares;
  if (pids !== undefined) limits.pidsMax = pids;
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** Kubernetes fields from CRI labels, else from a dockershim name; marks sandboxes. */
function withKubernetes(c: EngineContainer): EngineContainer {
  const l = c.labels;
  const shim = DOCKERSHIM_NAME.exec(c.name);
  const pod = l[K8S_LABELS.pod] ?? shim?.[2];
  if (pod === undefined) return dropUndefined(c);
  const containerName = l[K8S_LABELS.containerName] ?? shim?.[1];
  const sandbox = l[K8S_LABELS.dockerType] === 'podsandbox' || l[K8S_LABELS.criKind] === 'sandbox' || containerName === 'POD';
  return dropUndefined({
    ...c,
    pod,
    namespace: l[K8S_LABELS.namespace] ?? shim?.[3],
    podUid: l[K8S_LABELS.podUid] ?? shim?.[4],
    // kubelet's convention (and cAdvisor's `container` label) calls every sandbox `POD`.
    containerName: sandbox ? 'POD' : containerName,
    ...(sandbox ? { sandbox: true } : {}),
  });
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(o: Json, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function stripSlash(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

function labelRecord(value: unknown): Readonly<Record<string, string>> {
  if (!isObject(value)) return Object.freeze({});
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return Object.freeze(out);
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** RFC 3339 (nanoseconds allowed) to ms; Go's zero time ("never started") is undefined. */
function timeMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
