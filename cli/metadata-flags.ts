// Flags that point cgmeter at engine sockets for names, images, labels and limits, and the one
// place that turns them into metadata options. `none` turns an engine off.

import type { FlagSpec, ParsedArgs } from './command.js';
import type { EngineSocket, MetadataOptions } from '../collector/metadata/metadata-cache.js';
import type { EngineName } from '../collector/metadata/enrich-identity.js';
import { UsageError } from './units.js';

export const DEFAULT_SOCKETS: Readonly<Record<EngineName, string>> = {
  docker: '/var/run/docker.sock',
  podman: '/run/podman/podman.sock',
};

export const METADATA_FLAGS: Record<string, FlagSpec> = {
  'docker-socket': {
    type: 'string', placeholder: 'PATH|none', env: 'CGMETER_DOCKER_SOCKET', default: DEFAULT_SOCKETS.docker,
    description: 'Docker Engine API socket for container names, images, labels and limits; none to skip',
  },
  'podman-socket': {
    type: 'string', placeholder: 'PATH|none', env: 'CGMETER_PODMAN_SOCKET', default: DEFAULT_SOCKETS.podman,
    description: 'Podman API socket (`podman system service`), read with the same Docker-compatible API; none to skip',
  },
};

export function metadataFromArgs(args: ParsedArgs): MetadataOptions {
  const sockets: EngineSocket[] = [];
  for (const engine of ['docker', 'podman'] as const) {
    const flag = `${engine}-socket`;
    const given = args.values[flag];
    if (given !== undefined && typeof given !== 'string') throw new UsageError(`--${flag} takes a path or none`);
    if (given === 'none') continue;
    if (given !== undefined && (given === '' || !given.startsWith('/'))) {
      throw new UsageError(`--${flag} must be an absolute socket path (e.g. ${DEFAULT_SOCKETS[engine]}) or none, got ${JSON.stringify(given)}`);
    }
    // Inside a container the host's sockets are usually mounted at the same paths; --host-root does not move them.
    sockets.push({ engine, socketPath: given ?? DEFAULT_SOCKETS[engine], explicit: given !== undefined });
  }
  return { sockets };
}
