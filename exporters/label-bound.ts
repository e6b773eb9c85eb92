// A bound on the length of label and tag values that come from engines (container labels, env
// values, image and container names). Such a value is copied into every series of its cgroup (60+
// in Prometheus, one point per measurement in InfluxDB): 64 KiB label values on 120 cgroups made an
// exposition longer than V8's largest string (the fuzz finding in docs/operations.md), and real
// stores reject or choke on such series anyway (Prometheus has no limit by default, VictoriaMetrics
// cuts at 1 KiB, InfluxDB 1.x at 64 KiB per key). Kernel-given values (the cgroup path in `id`)
// are never cut: they are what joins a series to its cgroup.

/** Longest value kept whole, in UTF-16 code units (1,024 characters for ASCII labels). */
export const MAX_LABEL_VALUE_CHARS = 1024;

/** The value itself when short enough, else its first MAX_LABEL_VALUE_CHARS − 1 characters and `…`. */
export function boundLabelValue(value: string): string {
  if (value.length <= MAX_LABEL_VALUE_CHARS) return value;
  let end = MAX_LABEL_VALUE_CHARS - 1;
  // Never split a surrogate pair: half of one is not valid UTF-8 on the wire.
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}
