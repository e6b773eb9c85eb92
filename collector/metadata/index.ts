export { EngineApiClient, EngineApiError, DEFAULT_ENGINE_API_OPTIONS, type EngineApiOptions, type EngineErrorKind, type EngineStream } from './engine-api.js';
export { containerFromInspect, containerFromListEntry, limitsFromHostConfig, K8S_LABELS, type EngineContainer } from './engine-container.js';
export { withEngineMetadata, withPodNames, ENGINES_FOR_RUNTIME, type EngineName } from './enrich-identity.js';
export { EngineSource, DEFAULT_ENGINE_SOURCE_OPTIONS, type EngineSourceOptions, type EngineSourceStats } from './engine-source.js';
export { parseEngineEvent, type EngineEvent } from './engine-event.js';
export { describeEngineDown, type MetadataLog, type MetadataLogLevel } from './engine-log.js';
export { EngineMetadataCache, type EngineSocket, type MetadataOptions } from './metadata-cache.js';
