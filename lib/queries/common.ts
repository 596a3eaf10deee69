/**
 * Small helpers shared by the panel query modules: the request shape handed to the cluster
 * adapter, tolerant readers for search responses, and durations. Pure: no I/O, no clock reads.
 */

/** Query DSL or aggregation JSON: plain objects, as the client sends them. */
export type Dsl = Record<string, unknown>;

/**
 * One `_search` call, ready for either client major (`client.search(request)`).
 * Wildcard targets must not fail on a fresh cluster: with `ignore_unavailable` and
 * `allow_no_indices` an index pattern that matches nothing answers 200 with no hits, so the panel
 * shows its "no data yet" state instead of an error.
 */
export interface SearchRequest {
  index: string;
  ignore_unavailable: true;
  allow_no_indices: true;
  body: Dsl;
}

export function searchRequest(index: string, body: Dsl): SearchRequest {
  return { index, ignore_unavailable: true, allow_no_indices: true, body };
}

/**
 * Several built requests as one `_msearch` (header and body pairs, in order), so a panel that needs
 * the host list and a host's series still costs one round trip per refresh. The answer's
 * `responses[i]` goes to the parser of `requests[i]`.
 */
export function msearchLines(requests: SearchRequest[]): Dsl[] {
  return requests.flatMap((r) => [
    { index: r.index, ignore_unavailable: r.ignore_unavailable, allow_no_indices: r.allow_no_indices },
    r.body,
  ]);
}

/** A search hit as both client majors return it (7.x clients wrap the response in `body`). */
export interface SearchHit {
  _index?: string;
  _id?: string;
  _source?: Record<string, unknown>;
  sort?: unknown[];
  [key: string]: unknown;
}

/** Accepts the raw response body or a 7.x client's `{ body }` envelope. */
export function responseBody(response: unknown): Record<string, unknown> {
  if (!isObject(response)) return {};
  if (isObject(response.body) && !('hits' in response) && !('aggregations' in response)) {
    return response.body;
  }
  return response;
}

export function hitsOf(response: unknown): SearchHit[] {
  const hits = responseBody(response).hits;
  if (!isObject(hits) || !Array.isArray(hits.hits)) return [];
  return hits.hits.filter(isObject) as SearchHit[];
}

export function aggregationsOf(response: unknown): Record<string, unknown> {
  const aggs = responseBody(response).aggregations;
  return isObject(aggs) ? aggs : {};
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a dotted field path from a `_source`. Beats send nested objects, but documents indexed
 * with dotted keys (`"user.name": "root"`, as in Beats' expected-output files) are stored as given,
 * so every split of the path is tried.
 */
export function getField(source: unknown, path: string): unknown {
  return lookup(source, path.split('.'), 0);
}

function lookup(node: unknown, parts: string[], from: number): unknown {
  if (from === parts.length) return node;
  if (!isObject(node)) return undefined;
  for (let to = parts.length; to > from; to--) {
    const key = parts.slice(from, to).join('.');
    if (key in node) {
      const found = lookup(node[key], parts, to);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function asString(value: unknown): string | undefined {
  if (Array.isArray(value)) return asString(value[0]);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Numbers from ES may arrive as numbers or numeric strings (pre-ECS Filebeat kept `pid` as text). */
export function asNumber(value: unknown): number | undefined {
  if (Array.isArray(value)) return asNumber(value[0]);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The `value` of a metric aggregation; ES reports an empty bucket's avg/max as `null`. */
export function metricValue(agg: unknown): number | null {
  if (!isObject(agg)) return null;
  const v = agg.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function bucketsOf(agg: unknown): Record<string, unknown>[] {
  if (!isObject(agg) || !Array.isArray(agg.buckets)) return [];
  return agg.buckets.filter(isObject);
}

/** `15m`, `1h`, `30s`, `1d` … in milliseconds. */
export type Duration = `${number}${'s' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(duration: Duration): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (!match) throw new RangeError(`Not a duration: ${duration}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
