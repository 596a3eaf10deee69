/**
 * The contract between the practice cluster's storage/search engine (lib/practice/engine/**) and
 * its HTTP layer (lib/practice/server, deployments, host simulator). One `Engine` instance holds one
 * deployment's indices; the HTTP layer owns tenancy, security, flavours and response envelopes.
 *
 * Everything here is plain data in, plain data out: no HTTP, no timers. Errors are thrown as
 * `EsError` carrying Elasticsearch's own error `type`, `reason` and HTTP status, so the HTTP layer
 * can render `{ error: { root_cause, type, reason, ... }, status }` unchanged.
 */

import type { DocStore } from './doc-store';
import type { EngineDurability } from './durability';

/** The Elasticsearch generation a deployment answers as: 7.17, 8.x or 9.x (see flavours.ts). */
export type Flavor = '7' | '8' | '9';

export const FLAVORS: readonly Flavor[] = ['9', '8', '7'];

export function isFlavor(value: unknown): value is Flavor {
  return typeof value === 'string' && (FLAVORS as readonly string[]).includes(value);
}

export class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    /** Extra fields ES puts on the error object (e.g. `index`, `resource.type`, `line`, `col`). */
    readonly extra: Record<string, unknown> = {},
    readonly causedBy?: { type: string; reason: string; [k: string]: unknown },
    /** When ES reports a different `root_cause` than the error itself (e.g. search_phase_execution_exception). */
    readonly rootCause?: { type: string; reason: string; [k: string]: unknown }[],
  ) {
    super(reason);
    this.name = 'EsError';
  }
}

/** Options of `_update_by_query`, `_delete_by_query` and `_reindex` from the query string. */
export interface ByQueryOptions {
  conflicts?: string;
  maxDocs?: number;
  refresh?: boolean;
  pipeline?: string;
  scrollSize?: number;
}

export interface EngineOptions {
  flavor: Flavor;
  /** Clock, injectable for tests and date math (`now-1m`). */
  now?: () => number;
  /** Every search's time budget unless its `timeout` is shorter (the cluster's `search.default_search_timeout`); DEFAULT_SEARCH_TIMEOUT_MS by default. */
  searchTimeoutMs?: number;
  /** The clock budgets are measured with, in ms (performance.now); tests pass one that advances per read. */
  elapsed?: () => number;
}

/** Elasticsearch field mapping (the subset the lab uses). */
export interface FieldMapping {
  type?: string; // keyword, text, date, long, integer, short, byte, double, float, half_float, scaled_float, boolean, ip, geo_point, object, nested, alias, match_only_text, wildcard, constant_keyword
  properties?: Record<string, FieldMapping>;
  fields?: Record<string, FieldMapping>;
  format?: string;
  ignore_above?: number;
  path?: string; // alias target
  scaling_factor?: number;
  enabled?: boolean;
  value?: unknown;
  [k: string]: unknown;
}
export interface Mappings {
  dynamic?: boolean | 'strict' | 'true' | 'false';
  date_detection?: boolean;
  dynamic_templates?: unknown[];
  properties?: Record<string, FieldMapping>;
  _meta?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface IndexInfo {
  name: string;
  uuid: string;
  health: 'green' | 'yellow' | 'red';
  status: 'open';
  docsCount: number;
  storeBytes: number;
  creationDate: number;
  hidden: boolean;
  /** Set for a data stream's backing index. */
  dataStream?: string;
}

export interface DataStreamInfo {
  name: string;
  timestampField: string;
  indices: { index_name: string; index_uuid: string }[];
  generation: number;
  template: string;
  hidden: boolean;
}

/** One action of `_bulk` after NDJSON parsing (the HTTP layer parses lines). */
export interface BulkAction {
  op: 'index' | 'create' | 'update' | 'delete';
  index?: string; // may be omitted if the URL gave a default index
  id?: string;
  pipeline?: string;
  source?: Record<string, unknown>; // for update: `{ doc, doc_as_upsert, upsert }`
}

export interface BulkItemResult {
  [op: string]: {
    _index: string;
    _type?: '_doc';
    _id: string;
    _version?: number;
    result?: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop';
    forced_refresh?: true;
    _shards?: { total: number; successful: number; failed: number };
    _seq_no?: number;
    _primary_term?: number;
    status: number;
    error?: { type: string; reason: string; [k: string]: unknown };
  };
}

export interface SearchParams {
  /** From the query string; the body's `from`/`size` win when both are given (as ES). */
  from?: number;
  size?: number;
  q?: string;
  /** The `q` parameter's companions (RestActions.urlParamsToQueryBuilder): `df`, `default_operator`, `analyze_wildcard`, `lenient`. */
  df?: string;
  defaultOperator?: 'or' | 'and';
  analyzeWildcard?: boolean;
  lenient?: boolean;
  sort?: string;
  restTotalHitsAsInt?: boolean;
  trackTotalHits?: boolean | number;
  ignoreUnavailable?: boolean;
  allowNoIndices?: boolean;
  expandWildcards?: string;
  _source?: string | boolean;
  _sourceIncludes?: string;
  _sourceExcludes?: string;
  /** The URL's `timeout`; the body's wins. */
  timeout?: string;
  /** `scroll=<keep-alive>`: open a scroll context and answer its first page with `_scroll_id`. */
  scroll?: string;
  /** Who opens or uses a scroll or point in time (another caller's context is "missing", as ES's security answers). */
  owner?: string;
}

/**
 * A frozen set of documents that many deployments read without a copy each (chapter 5's sample):
 * built once per process by lib/practice/shared-datasets.ts, attached under an index of each
 * deployment that asks for it with `attachShared`.
 */
export interface SharedIndex {
  /** JSON naming the dataset (`{"dataset": "flights", "timeZone": ...}`), kept by persistence to attach it again after a restart. */
  readonly descriptor: Record<string, unknown>;
  /** Frozen, tidied, in file order, with id number p + 1 in slot p (DocStore.frozenIdsAreSlots). */
  readonly store: DocStore;
  readonly mappings: Mappings;
}

/**
 * Where a shared set goes in a deployment: its slots [start, end) (a slice of the file) and the
 * `_id`s they have there: `${idPrefix}${line}`, line 2 for slot `start` (line 1 is the file's
 * header), as an importer that numbers rows by line gives them, so re-importing the same file
 * overwrites instead of duplicating.
 */
export interface SharedWindow {
  start: number;
  end: number;
  idPrefix: string;
}

export interface Engine {
  readonly flavor: Flavor;

  // Indices
  createIndex(name: string, body?: { mappings?: Mappings; settings?: Record<string, unknown>; aliases?: Record<string, unknown> }): { acknowledged: true; shards_acknowledged: true; index: string };
  deleteIndex(target: string): { acknowledged: true };
  indexExists(target: string): boolean;
  getMapping(target?: string): Record<string, { mappings: Mappings }>;
  putMapping(target: string, body: Mappings): { acknowledged: true };
  getSettings(target?: string): Record<string, { settings: Record<string, unknown> }>;
  /** `PUT <target>/_settings` (dynamic index settings, e.g. `index.refresh_interval`). */
  updateSettings(target: string, body: Record<string, unknown>): { acknowledged: true };
  catIndices(pattern?: string): IndexInfo[];
  /** Resolves a target expression (names, wildcards, comma lists, aliases, data streams) to concrete index names. */
  resolve(target: string, opts?: { ignoreUnavailable?: boolean; allowNoIndices?: boolean; expandWildcards?: string }): string[];

  // Templates, pipelines, data streams
  putIndexTemplate(name: string, body: Record<string, unknown>): { acknowledged: true };
  getIndexTemplate(name?: string): { index_templates: { name: string; index_template: Record<string, unknown> }[] };
  deleteIndexTemplate(name: string): { acknowledged: true };
  putLegacyTemplate(name: string, body: Record<string, unknown>): { acknowledged: true };
  getLegacyTemplate(name?: string): Record<string, Record<string, unknown>>;
  deleteLegacyTemplate(name: string): { acknowledged: true };
  putPipeline(id: string, body: Record<string, unknown>): { acknowledged: true };
  getPipeline(id?: string): Record<string, Record<string, unknown>>;
  deletePipeline(id: string): { acknowledged: true };
  createDataStream(name: string): { acknowledged: true };
  getDataStream(name?: string): { data_streams: DataStreamInfo[] };
  deleteDataStream(name: string): { acknowledged: true };
  /** `_component_template` (what composable templates' `composed_of` refers to). */
  putComponentTemplate?(name: string, body: Record<string, unknown>): { acknowledged: true };
  getComponentTemplate?(name?: string): { component_templates: { name: string; component_template: Record<string, unknown> }[] };
  deleteComponentTemplate?(name: string): { acknowledged: true };
  /** `POST /_aliases` actions (`add`, `remove`, `remove_index`) and `GET [/<target>]/_alias[/<name>]`. */
  updateAliases?(actions: Record<string, unknown>[]): { acknowledged: true };
  getAliases?(target?: string, name?: string): Record<string, { aliases: Record<string, Record<string, unknown>> }>;

  // Documents
  /** Flavor 7 answers also carry `_type: "_doc"` (as 7.17 does). */
  /**
   * Documents written are searchable after the index's next refresh (`index.refresh_interval`, 1 s
   * on the practice clock by default, `-1` off) while get by id is realtime, as in ES; `refresh:
   * true` refreshes the index at once and answers `forced_refresh: true`.
   */
  index(target: string, doc: Record<string, unknown>, opts?: { id?: string; opType?: 'index' | 'create'; pipeline?: string; refresh?: boolean }): { _index: string; _type?: '_doc'; _id: string; _version: number; result: 'created' | 'updated'; forced_refresh?: true; _seq_no: number; _primary_term: number; _shards: { total: number; successful: number; failed: number } };
  get(index: string, id: string): { _index: string; _type?: '_doc'; _id: string; found: boolean; _version?: number; _seq_no?: number; _primary_term?: number; _source?: Record<string, unknown> };
  delete(index: string, id: string, opts?: { refresh?: boolean }): { _index: string; _type?: '_doc'; _id: string; result: 'deleted' | 'not_found'; forced_refresh?: true; _version: number; _seq_no?: number; _primary_term?: number; _shards?: { total: number; successful: number; failed: number } };
  bulk(actions: BulkAction[], opts?: { defaultIndex?: string; refresh?: boolean }): { took: number; errors: boolean; items: BulkItemResult[] };
  refresh(target?: string): { _shards: { total: number; successful: number; failed: number } };
  /**
   * For `refresh=wait_for`: whether the write `seqNo` to `index` is searchable yet (running the
   * periodic refresh if it is due), and if not, the practice-clock time it will be (none when the
   * index's periodic refresh is off: only an explicit refresh will do).
   */
  refreshState(index: string, seqNo: number): { searchable: boolean; dueAt?: number };
  /** `_mget`: realtime gets, each item's error in its place; `source` is an item's own `_source` filter. */
  mget(items: { index: string; id: string; source?: unknown }[], params?: { source?: string | boolean; sourceIncludes?: string; sourceExcludes?: string }): { docs: Record<string, unknown>[] };
  /** `_update_by_query` (synchronous form): `status` is 409 when a version conflict aborted it, as ES answers. */
  updateByQuery(target: string | undefined, body: Record<string, unknown> | undefined, opts?: ByQueryOptions): { status: number; body: Record<string, unknown> };
  deleteByQuery(target: string | undefined, body: Record<string, unknown> | undefined, opts?: ByQueryOptions): { status: number; body: Record<string, unknown> };
  /** `_reindex` between indices of this deployment. */
  reindex(body: Record<string, unknown> | undefined, opts?: ByQueryOptions): { status: number; body: Record<string, unknown> };
  /** `GET [<target>]/_stats[/<metric>]`. */
  indexStats(target: string | undefined, metrics?: string[], opts?: { level?: string; expandWildcards?: string }): Record<string, unknown>;
  /** Removes documents older than `olderThanMs` (by `@timestamp`) from indices matching `pattern`; returns how many went. */
  rollOff(pattern: string, olderThanMs: number): number;

  // Search
  search(target: string | undefined, body: Record<string, unknown> | undefined, params?: SearchParams): Record<string, unknown>;
  count(target: string | undefined, body: Record<string, unknown> | undefined, params?: SearchParams): { count: number; _shards: { total: number; successful: number; skipped: number; failed: number } };
  msearch(requests: { header: Record<string, unknown>; body: Record<string, unknown> }[], params?: SearchParams & { defaultIndex?: string }): { took: number; responses: Record<string, unknown>[] };
  /** `_search/scroll`: the next page of a scroll, extending its keep-alive. */
  scroll(scrollId: string, opts?: { scroll?: string; restTotalHitsAsInt?: boolean; owner?: string }): Record<string, unknown>;
  /** `DELETE _search/scroll`; `status` 404 when nothing was freed, as ES answers. */
  clearScroll(ids: string[] | '_all', owner?: string): { status: number; body: { succeeded: boolean; num_freed: number } };
  /** `POST <target>/_pit?keep_alive=`: a point in time over the indices as they are now. */
  openPointInTime(target: string, opts: { keepAlive?: string; ignoreUnavailable?: boolean; allowNoIndices?: boolean; expandWildcards?: string; owner?: string }): Record<string, unknown>;
  /** `DELETE _pit`. */
  closePointInTime(id: string, owner?: string): { status: number; body: { succeeded: boolean; num_freed: number } };

  /**
   * Creates index `name` with the shared set's mappings and its slots [start, end) as a read-only
   * segment: searches, aggregations, get, count, scroll see the shared rows minus the deployment's
   * deletions, plus its own writes; `approximateBytes` counts only the deployment's own part.
   * Attaching the same descriptor again is a no-op; any other existing index answers 400
   * `resource_already_exists_exception` as index creation does.
   */
  attachShared?(name: string, shared: SharedIndex, window: SharedWindow, mappings?: Mappings): { acknowledged: true; index: string; docs: number };

  /** Journal, snapshot and restore for durability across restarts (lib/practice/persistence.ts). */
  durability?(): EngineDurability;

  /** Rough memory held, for the resource bound (50 deployments < 1 GiB). */
  approximateBytes(): number;
}

/** Factory the engine module must export from lib/practice/engine/index.ts */
export type CreateEngine = (opts: EngineOptions) => Engine;
