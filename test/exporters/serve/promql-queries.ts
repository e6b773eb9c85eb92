// PromQL in the shapes public cAdvisor consumers use, written for this suite (not copied):
//   dockprom-style Docker dashboards: `name=~".+"` / `image!=""` container selection, rate() over a
//     dashboard $interval, sum by (name), memory and fs against limits, the root `id="/"` for the host;
//   kube-prometheus alerts and recording rules: `container!=""`, `pod!=""`, `container!="POD"`, CFS
//     throttling ratios by (namespace, pod, container), working set by pod;
//   prometheus-adapter resource rules (kubectl top, HPA): irate of CPU and working set, grouped by
//     pod, with the node's total from `id="/"`;
//   container_label_* / container_env_* selections, machine_* capacity, cadvisor_version_info.
// Grafana variables ($interval, $__rate_interval, $container, $namespace, $pod) are widened by widen().

export interface SuiteQuery {
  readonly shape: 'dockprom' | 'kube-prometheus' | 'prometheus-adapter' | 'labels' | 'machine';
  readonly query: string;
  /** Checked on every returned value, when given. */
  readonly expect?: (value: number) => boolean;
}

/** Values Grafana would substitute; multi-value variables become a regex alternation, as Grafana formats them. */
export interface GrafanaVariables {
  readonly interval: string;
  readonly container: readonly string[];
  readonly namespace: string;
  readonly pod: readonly string[];
}

export function widen(query: string, vars: GrafanaVariables): string {
  const alternation = (values: readonly string[]) => (values.length === 1 ? values[0]! : `(${values.join('|')})`);
  return query
    .replaceAll('$__rate_interval', vars.interval)
    .replaceAll('$interval', vars.interval)
    .replaceAll('$container', alternation(vars.container))
    .replaceAll('$namespace', vars.namespace)
    .replaceAll('$pod', alternation(vars.pod));
}

const positive = (v: number) => v > 0;
const MiB = 1024 * 1024;

export const SUITE: readonly SuiteQuery[] = [
  // dockprom-shaped Docker host and container panels
  { shape: 'dockprom', query: 'sum by (name) (rate(container_cpu_usage_seconds_total{image!="",name=~"$container"}[$interval]))', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'sum(rate(container_cpu_usage_seconds_total{id="/"}[$interval])) / scalar(max(machine_cpu_cores)) * 100', expect: (v) => v > 0 && v <= 100 },
  { shape: 'dockprom', query: 'container_memory_usage_bytes{name=~".+"}', expect: positive },
  { shape: 'dockprom', query: 'sum by (name) (container_memory_rss{name=~"$container"})', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'sum(container_memory_cache{name=~".+"})', expect: (v) => v >= 0 },
  // A container without a limit has limit 0 (cAdvisor's convention): dashboards divide by the limited ones only.
  { shape: 'dockprom', query: 'container_memory_working_set_bytes{name=~".+"} / (container_spec_memory_limit_bytes{name=~".+"} > 0) * 100', expect: (v) => v > 0 && v < 100 },
  { shape: 'dockprom', query: 'count(rate(container_last_seen{name=~".+"}[$interval]))', expect: (v) => v >= 3 },
  { shape: 'dockprom', query: 'time() - container_start_time_seconds{name=~"$container"}', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'sum(rate(container_network_receive_bytes_total{id="/"}[$interval]))', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'sum(rate(container_network_transmit_bytes_total{id="/"}[$interval]))', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'sum by (name) (container_fs_usage_bytes{name=~".+"})', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'container_fs_usage_bytes{name="cgm-db"}', expect: (v) => v >= 16 * MiB },
  { shape: 'dockprom', query: 'sum(container_fs_limit_bytes{id="/"} - container_fs_usage_bytes{id="/"})', expect: positive },
  { shape: 'dockprom', query: '1 - container_fs_inodes_free{id="/"} / container_fs_inodes_total{id="/"}', expect: (v) => v > 0 && v < 1 },
  { shape: 'dockprom', query: 'rate(container_fs_io_time_seconds_total{id="/"}[$interval])', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'sum by (name) (rate(container_fs_writes_bytes_total{name=~".+"}[$interval]))', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'container_tasks_state{name="cgm-web",state="running"}', expect: (v) => v >= 1 },
  { shape: 'dockprom', query: 'sum by (state) (container_tasks_state{name=~".+"})', expect: (v) => v >= 0 },
  { shape: 'dockprom', query: 'sum(container_processes{name=~".+"})', expect: positive },
  { shape: 'dockprom', query: 'container_memory_usage_bytes{id="/"}', expect: positive },
  // kube-prometheus-shaped alerts and recording rules (kubelet labels)
  // CPUThrottlingHigh's ratio, without its 25% threshold: on a shared 2-core host the busy loop may get
  // less than its 0.5-core quota and then is seldom throttled; the series and the ratio must exist.
  {
    shape: 'kube-prometheus',
    query: 'sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{container!=""}[$interval]))'
      + ' / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{container!=""}[$interval]))',
    expect: (v) => v >= 0 && v <= 1,
  },
  { shape: 'kube-prometheus', query: 'sum by (namespace, pod, container) (irate(container_cpu_usage_seconds_total{image!="",container!=""}[$interval]))', expect: (v) => v >= 0 },
  { shape: 'kube-prometheus', query: 'sum by (namespace, pod, container) (container_memory_working_set_bytes{image!="",container!=""})', expect: positive },
  { shape: 'kube-prometheus', query: 'container_memory_rss{container!="",pod!=""}', expect: (v) => v >= 0 },
  { shape: 'kube-prometheus', query: 'container_memory_cache{container!="",pod!=""}', expect: (v) => v >= 0 },
  { shape: 'kube-prometheus', query: 'container_memory_working_set_bytes{pod!="",container=""}', expect: positive },
  { shape: 'kube-prometheus', query: 'count by (namespace, pod) (container_last_seen{container="POD"})', expect: (v) => v === 1 },
  { shape: 'kube-prometheus', query: 'sum by (namespace, pod) (container_spec_cpu_quota{container!="",container!="POD"} / container_spec_cpu_period{container!="",container!="POD"})', expect: (v) => Math.abs(v - 0.5) < 1e-9 },
  { shape: 'kube-prometheus', query: 'sum by (namespace, pod) (container_fs_usage_bytes{container!="",pod!=""})', expect: (v) => v >= 0 },
  { shape: 'kube-prometheus', query: 'sum by (pod_name, container_name) (container_memory_usage_bytes{container_name!="POD",container_name!=""})', expect: positive },
  // prometheus-adapter-shaped resource queries (kubectl top, HPA)
  { shape: 'prometheus-adapter', query: 'sum by (namespace, pod) (irate(container_cpu_usage_seconds_total{namespace="$namespace",pod=~"$pod",container!="",container!="POD",pod!=""}[$interval]))', expect: (v) => v >= 0 },
  { shape: 'prometheus-adapter', query: 'sum by (namespace, pod) (container_memory_working_set_bytes{namespace="$namespace",pod=~"$pod",container!="",pod!=""})', expect: positive },
  { shape: 'prometheus-adapter', query: 'sum(rate(container_cpu_usage_seconds_total{id="/"}[$interval]))', expect: positive },
  { shape: 'prometheus-adapter', query: 'sum(container_memory_working_set_bytes{id="/"})', expect: positive },
  // engine labels and allowlisted env
  { shape: 'labels', query: 'sum by (container_label_com_docker_compose_service) (container_memory_usage_bytes{container_label_com_docker_compose_service!=""})', expect: positive },
  { shape: 'labels', query: 'count(container_memory_usage_bytes{container_label_team=~"a|b"})', expect: (v) => v >= 2 },
  { shape: 'labels', query: 'container_memory_usage_bytes{container_env_app_env="prod"}', expect: positive },
  // machine capacity and build info
  { shape: 'machine', query: 'machine_cpu_cores', expect: positive },
  { shape: 'machine', query: 'machine_cpu_physical_cores <= on() machine_cpu_cores', expect: positive },
  { shape: 'machine', query: 'machine_memory_bytes', expect: positive },
  { shape: 'machine', query: 'machine_swap_bytes', expect: (v) => v >= 0 },
  { shape: 'machine', query: 'count by (kernelVersion, osVersion) (cadvisor_version_info)', expect: (v) => v === 1 },
  { shape: 'machine', query: 'sum(container_memory_working_set_bytes{id="/"}) / scalar(max(machine_memory_bytes))', expect: (v) => v > 0 && v < 1 },
];
