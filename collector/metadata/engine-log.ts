// The one line an operator reads when an engine socket cannot be used: what is wrong, what
// cgmeter does meanwhile, and which flag changes it. A default socket that is simply absent (no
// such engine on this host) is a note, not a warning.

import type { EngineApiError } from './engine-api.js';
import type { EngineName } from './enrich-identity.js';

export type MetadataLogLevel = 'info' | 'warn';
export type MetadataLog = (level: MetadataLogLevel, line: string) => void;

export interface DownContext {
  readonly engine: EngineName;
  readonly socketPath: string;
  readonly explicit: boolean;
  readonly cachedContainers: number;
}

export function describeEngineDown(err: EngineApiError, { engine, socketPath, explicit, cachedContainers }: DownContext): [MetadataLogLevel, string] {
  const flag = `--${engine}-socket`;
  const kept = cachedContainers > 0 ? `keeping ${cachedContainers} cached names` : 'containers keep their path names';
  switch (err.kind) {
    case 'missing':
      return explicit
        ? ['warn', `${engine} socket ${socketPath} does not exist; ${kept}; will keep looking`]
        : ['info', `no ${engine} socket at ${socketPath}: ${engine} containers are named by short id (${flag} PATH to use another, ${flag} none to stop looking)`];
    case 'refused':
      return ['warn', `${engine} at ${socketPath} refuses connections (engine stopped?); ${kept}; retrying with backoff`];
    case 'denied':
      return ['warn', `no permission to use ${socketPath} (${engine} metadata needs root or the engine's group); ${kept}`];
    case 'timeout':
      return ['warn', `${engine} at ${socketPath} does not answer (${err.message.replace(/^.*within /, 'nothing within ')}); ${kept}; retrying with backoff`];
    default:
      return ['warn', `${engine}: ${err.message}; ${kept}; retrying with backoff`];
  }
}
