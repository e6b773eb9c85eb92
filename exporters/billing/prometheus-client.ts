// The two Prometheus HTTP API calls the fleet report needs (VictoriaMetrics answers the same API).
// POST with a form body: the queries are long, and a GET URL has a length limit.

export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: ReadonlyArray<readonly [number, number]>;
}

export class PrometheusQueryError extends Error {
  override readonly name = 'PrometheusQueryError';
}

interface ClientOptions {
  readonly url: string;
  readonly fetchImpl?: typeof fetch;
}

async function call(options: ClientOptions, path: string, params: Record<string, string>): Promise<unknown> {
  const url = `${options.url.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    throw new PrometheusQueryError(`cannot reach ${url}: ${(err as Error).message}`);
  }
  const text = await response.text();
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new PrometheusQueryError(`${url} answered ${response.status} with something that is not the Prometheus API: ${text.slice(0, 200)}`);
  }
  if (!response.ok || body.status !== 'success') {
    throw new PrometheusQueryError(`${url} refused ${params.query}: ${body.error ?? response.status}`);
  }
  return body.data?.result;
}

export async function fetchMatrix(options: ClientOptions, query: string, range: { startS: number; endS: number; stepS: number }): Promise<PromSeries[]> {
  const result = await call(options, '/api/v1/query_range', {
    query, start: String(range.startS), end: String(range.endS), step: String(range.stepS),
  }) as Array<{ metric: Record<string, string>; values: Array<[number, string]> }> | undefined;
  return (result ?? []).map((s) => ({ metric: s.metric, values: s.values.map(([t, v]) => [t, Number(v)] as const) }));
}

export async function fetchVector(options: ClientOptions, query: string, timeS: number): Promise<PromSeries[]> {
  const result = await call(options, '/api/v1/query', { query, time: String(timeS) }) as
    Array<{ metric: Record<string, string>; value: [number, string] }> | undefined;
  return (result ?? []).map((s) => ({ metric: s.metric, values: [[s.value[0], Number(s.value[1])] as const] }));
}
