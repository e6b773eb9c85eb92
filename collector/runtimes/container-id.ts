// Engine container ids as they appear in cgroup names. Docker, containerd, CRI-O and podman all
// name containers by 64 lowercase hex digits; anything else is not theirs and must fall through.

const CONTAINER_ID = /^[0-9a-f]{64}$/;

/** `docker ps` and `crictl ps` show this many leading characters; it is the default name. */
export const SHORT_ID_LENGTH = 12;

export function isContainerId(text: string): boolean {
  return CONTAINER_ID.test(text);
}

export function shortId(id: string): string {
  return id.slice(0, SHORT_ID_LENGTH);
}

/** The id in `<prefix><64 hex><suffix>` (e.g. `docker-<id>.scope`), or undefined. */
export function idInName(name: string, prefix: string, suffix: string): string | undefined {
  if (!name.startsWith(prefix) || !name.endsWith(suffix)) return undefined;
  const id = name.slice(prefix.length, name.length - suffix.length);
  return isContainerId(id) ? id : undefined;
}
