// Who a cgroup is: the answer of a runtime module (collector/runtimes/*), never counters.

export type RuntimeName =
  | 'docker'
  | 'containerd'
  | 'cri-o'
  | 'kubernetes'
  | 'podman'
  | 'lxc'
  | 'runc'
  | 'systemd'
  | 'raw';

/** Kubernetes QoS class, from the kubepods path. */
export type QosClass = 'guaranteed' | 'burstable' | 'besteffort';

export interface ContainerIdentity {
  readonly runtime: RuntimeName;
  /** The engine's id (64-hex for docker/containerd/podman), the unit or LXC name, or the cgroup path for raw. */
  readonly id: string;
  /** Human name: container name from engine metadata when known, else a short id or the unit name. */
  readonly name: string;
  readonly image?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Kubernetes pod uid / name / namespace and QoS, when the path or metadata says so. */
  readonly podUid?: string;
  readonly pod?: string;
  readonly namespace?: string;
  readonly qos?: QosClass;
  /** Kubernetes container name (from CRI labels). */
  readonly containerName?: string;
  /**
   * What the entity is: a container, a Kubernetes pod-level cgroup, an engine helper process
   * group (conmon), a systemd unit, or a plain cgroup.
   */
  readonly kind: 'container' | 'pod' | 'helper' | 'unit' | 'cgroup';
  /** Engine metadata (collector/metadata), absent without an engine socket: */
  /** Content id of the image, e.g. `sha256:f983…`. */
  readonly imageId?: string;
  /** When the engine last started the container, ms since the epoch. */
  readonly startedAtMs?: number;
  /** Restarts the engine made (restart policy), as `docker inspect` counts them. */
  readonly restartCount?: number;
  /** Limits the engine was asked for; the kernel's enforced values are in the Sample. */
  readonly configuredLimits?: ConfiguredLimits;
  /** A Kubernetes pod's sandbox ("pause") container: it holds the pod's namespaces, not its work. */
  readonly sandbox?: boolean;
  /**
   * Environment variables from the engine's inspect, only the keys the user allowlisted
   * (`--env-allowlist`): env often holds secrets, so nothing else is ever kept.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** Limits as configured in the engine (`docker run --memory/--cpus/--cpu-shares/--pids-limit`). */
export interface ConfiguredLimits {
  readonly memoryBytes?: number;
  /** CPU limit in cores: `--cpus`, or CFS quota / period. */
  readonly cpuCores?: number;
  readonly cpuShares?: number;
  readonly pidsMax?: number;
}

/** A runtime module: "is this cgroup path mine, and who is it?" */
export interface RuntimeModule {
  readonly name: RuntimeName;
  /** Returns undefined when the path is not this runtime's. Pure: no I/O. */
  identify(cgroupPath: string): ContainerIdentity | undefined;
}
