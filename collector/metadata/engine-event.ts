// One line of the Engine API's event stream, reduced to what the cache acts on. Docker and
// Podman's compatible API both send `{Type, Action, Actor: {ID, Attributes}}`; engines before
// API 1.22 sent only `{status, id}`, which is read the same way.

export interface EngineEvent {
  readonly id: string;
  /** `exec_start: sh` and `health_status: healthy` are reduced to the part before the colon. */
  readonly action: string;
  /** The new name on `rename` (Actor.Attributes.name), without a leading `/`. */
  readonly name?: string;
}

export function parseEngineEvent(value: unknown): EngineEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ev = value as { Type?: unknown; Action?: unknown; status?: unknown; id?: unknown; Actor?: { ID?: unknown; Attributes?: Record<string, unknown> } };
  if (ev.Type !== undefined && ev.Type !== 'container') return undefined;
  const id = typeof ev.Actor?.ID === 'string' ? ev.Actor.ID : typeof ev.id === 'string' ? ev.id : undefined;
  const rawAction = typeof ev.Action === 'string' ? ev.Action : typeof ev.status === 'string' ? ev.status : '';
  const action = rawAction.split(':')[0]!.trim();
  if (id === undefined || action === '') return undefined;
  const name = ev.Actor?.Attributes?.name;
  return typeof name === 'string' && name !== '' ? { id, action, name: name.replace(/^\//, '') } : { id, action };
}
