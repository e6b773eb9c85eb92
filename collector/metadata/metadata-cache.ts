// The collector's identity enricher: path identity in, the same identity with engine names,
// images, labels and limits out. Called for every cgroup on every sample, so it only reads
// memory; an id no engine has told us about is asked for in the background and shows up in a
// later sample.

import type { IdentityEnricher } from '../poller.js';
import type { ContainerIdentity } from '../model/identity.js';
import { isContainerId } from '../runtimes/container-id.js';
import { ENGINES_FOR_RUNTIME, withEngineMetadata, withPodNames, type EngineName } from './enrich-identity.js';
import { EngineSource, DEFAULT_ENGINE_SOURCE_OPTIONS, type EngineSourceOptions, type EngineSourceStats } from './engine-source.js';
import type { MetadataLog } from './engine-log.js';

export interface EngineSocket {
  readonly engine: EngineName;
  readonly socketPath: string;
  /** Named by the user (flag or env) rather than a default. */
  readonly explicit: boolean;
}

export interface MetadataOptions {
  /** Engines to ask, in order of preference for ids any of them could own. */
  readonly sockets: readonly EngineSocket[];
  readonly source?: Partial<Omit<EngineSourceOptions, 'engine' | 'socketPath' | 'explicit' | 'log'>>;
}

interface Memo {
  readonly generation: number;
  readonly identity: ContainerIdentity;
}

export class EngineMetadataCache implements IdentityEnricher {
  readonly sources: readonly EngineSource[];
  private readonly memo = new WeakMap<ContainerIdentity, Memo>();
  private podIndex = new Map<string, { pod: string; namespace?: string }>();
  private podIndexGeneration = -1;

  constructor(options: MetadataOptions, log: MetadataLog = () => {}) {
    this.sources = options.sockets.map((s) => new EngineSource({ ...DEFAULT_ENGINE_SOURCE_OPTIONS, ...options.source, ...s, log }));
  }

  start(): void {
    for (const s of this.sources) s.start();
  }

  stop(): void {
    for (const s of this.sources) s.stop();
  }

  /** For one-shot commands: wait (at most timeoutMs) until every engine listed its containers or proved unreachable. */
  async ready(timeoutMs: number): Promise<void> {
    await Promise.all(this.sources.map((s) => s.settled(timeoutMs)));
  }

  stats(): EngineSourceStats[] {
    return this.sources.map((s) => ({ ...s.stats, errors: { ...s.stats.errors } }));
  }

  enrich(identity: ContainerIdentity, _cgroupPath: string): ContainerIdentity {
    const generation = this.generation();
    const memo = this.memo.get(identity);
    if (memo !== undefined && memo.generation === generation) return memo.identity;
    const out = this.lookup(identity);
    // Identities are stable objects per tracked cgroup, so this memo makes a repeat sample free.
    this.memo.set(identity, { generation, identity: out });
    return out;
  }

  private lookup(identity: ContainerIdentity): ContainerIdentity {
    if (identity.kind === 'pod') {
      const names = identity.podUid === undefined ? undefined : this.podNames(identity.podUid);
      return names ? withPodNames(identity, names) : identity;
    }
    if (identity.kind !== 'container' && identity.kind !== 'helper') return identity;
    const engines = ENGINES_FOR_RUNTIME[identity.runtime];
    if (engines === undefined || !isContainerId(identity.id)) return identity;
    const candidates = this.sources.filter((s) => engines.includes(s.engine));
    for (const source of candidates) {
      const c = source.get(identity.id);
      if (c) return withEngineMetadata(identity, c, source.engine);
    }
    for (const source of candidates) source.request(identity.id);
    return identity;
  }

  private generation(): number {
    let sum = 0;
    for (const s of this.sources) sum += s.generation;
    return sum;
  }

  /** Pod names by uid, from any container's CRI labels (rebuilt only when the caches changed). */
  private podNames(uid: string): { pod: string; namespace?: string } | undefined {
    const generation = this.generation();
    if (generation !== this.podIndexGeneration) {
      this.podIndex = new Map();
      for (const source of this.sources) {
        for (const c of source.all()) {
          if (c.podUid !== undefined && c.pod !== undefined && !this.podIndex.has(c.podUid)) {
            this.podIndex.set(c.podUid, c.namespace !== undefined ? { pod: c.pod, namespace: c.namespace } : { pod: c.pod });
          }
        }
      }
      this.podIndexGeneration = generation;
    }
    return this.podIndex.get(uid);
  }
}
