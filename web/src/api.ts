// The page's side of the HTTP API: the JSON endpoints, the event stream, and "max" turned back into
// Infinity (the server writes unlimited values as "max", see cli/units.ts toJson).

import type { Snapshot } from '../../collector/model/derive.js';
import { parseJson } from './json.js';

export type { Snapshot };
export { parseJson };

export interface UiConfig {
  readonly limitsApi: boolean;
  readonly billing: boolean;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** GET a JSON endpoint (relative URL: works under a proxy's path prefix); errors carry the server's message. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  const text = await response.text();
  if (!response.ok) throw new HttpError(response.status, errorText(text, response.status));
  return parseJson<T>(text);
}

export function errorText(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { error?: string };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: show the text as it came
  }
  return body.trim() || `HTTP ${status}`;
}

export function loadUiConfig(): Promise<UiConfig> {
  return getJson<UiConfig>('api/v1/ui-config');
}

export interface Feed {
  close(): void;
}

export interface FeedHandlers<T> {
  onData(value: T): void;
  onGone?(message: string): void;
  onError?(message: string): void;
}

/**
 * Follows /api/v1/events: the server pushes the latest Snapshots every tick. EventSource reconnects by
 * itself (the server says retry: 2 s) and sends the page's basic-auth credentials like any request.
 */
export function followEvents<T>(query: string, event: 'snapshots' | 'snapshot', handlers: FeedHandlers<T>): Feed {
  const source = new EventSource(`api/v1/events?${query}`);
  source.addEventListener(event, (ev) => handlers.onData(parseJson<T>((ev as MessageEvent<string>).data)));
  source.addEventListener('gone', (ev) => handlers.onGone?.(errorText((ev as MessageEvent<string>).data, 404)));
  source.addEventListener('error', () => handlers.onError?.('connection to cgmeter lost; reconnecting…'));
  source.addEventListener('open', () => handlers.onError?.(''));
  return { close: () => source.close() };
}
