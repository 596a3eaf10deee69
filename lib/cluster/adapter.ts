import 'server-only';
import type { estypes } from 'es8';
import { singleFlight } from './coalesce';
import type { ClusterVersion } from './version';

/**
 * The one interface the rest of the app uses to talk to a cluster, whatever its major version.
 * Every method goes through `transport.request()` (present in the 7.17 and 8.19 clients alike),
 * so REST paths and snake_case parameters are written once; the transport hides the clients'
 * differences (v7 resolves to `{ body }`, v8 to the body) and translates errors to AppError.
 * Response types are the 8.x specification's; the fields the app reads have the same shape on 7.x.
 */

export interface CallOptions {
  /** Per-call limit; the client's default (5 s) otherwise. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TransportParams {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  querystring?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** NDJSON lines for `_bulk` and `_msearch`. */
  bulkBody?: unknown[];
}

export interface TransportResult<T> {
  statusCode: number;
  body: T;
  headers: Record<string, unknown>;
}

/**
 * The client's bulk helper (`client.helpers.bulk`, in both majors): documents pulled from an
 * async iterable only as fast as the cluster takes them, sent in batches of `flushBytes` with
 * `concurrency` requests in flight, refused documents handed to `onDrop`.
 */
export interface BulkHelperRequest<T> {
  datasource: AsyncIterable<T>;
  /** The action line of a document (`{ index: { _index, _id, pipeline } }`). */
  onDocument(doc: T): Record<string, unknown>;
  onDrop(drop: { status: number; error: { type?: string; reason?: string } | null; document: T }): void;
  flushBytes: number;
  concurrency: number;
  /** Per bulk request (a batch may take long on a busy cluster). */
  timeoutMs: number;
  refreshOnCompletion?: string | boolean;
}

export interface BulkHelperRun {
  /** Resolves when the datasource is drained and every batch answered; rejects (translated) on a request failure. */
  done: Promise<void>;
  /** Live counts of documents the cluster accepted and refused so far. */
  stats(): { successful: number; failed: number };
  abort(): void;
}

/** What a client major has to provide; `ignore` lists statuses that are answers, not errors. */
export interface ClusterTransport {
  readonly flavour: 'es7' | 'es8';
  request<T>(params: TransportParams, options: CallOptions & { ignore?: number[] }): Promise<TransportResult<T>>;
  /** The client's bulk helper; test transports may leave it out. */
  bulkHelper?<T>(request: BulkHelperRequest<T>): BulkHelperRun;
  close(): Promise<void>;
}

export interface NodeSummary {
  name: string;
  roles?: string[];
  attributes?: Record<string, string>;
  version?: string;
}

export type SearchBody = Omit<estypes.SearchRequest, 'index'>;

/** Features that depend on the version (ES-REFERENCE 2.5 step 4). */
export interface ClusterCapabilities {
  composableTemplates: boolean;
  dataStreams: boolean;
  pointInTime: boolean;
  queryWatches: boolean;
  apiKeyEncoded: boolean;
  invalidateApiKeyIds: boolean;
}

export function capabilitiesOf(version: ClusterVersion): ClusterCapabilities {
  const atLeast = (major: number, minor: number) =>
    version.major > major || (version.major === major && (version.minor ?? 0) >= minor);
  return {
    composableTemplates: atLeast(7, 8),
    dataStreams: atLeast(7, 9),
    pointInTime: atLeast(7, 10),
    queryWatches: atLeast(7, 11),
    apiKeyEncoded: atLeast(7, 16),
    invalidateApiKeyIds: atLeast(7, 10),
  };
}

const path = (...parts: string[]) => `/${parts.map((part) => encodeURIComponent(part)).join('/')}`;
const indexPath = (index: string | readonly string[]) => encodeURIComponent(typeof index === 'string' ? index : index.join(','));

/** Reads: every GET and HEAD, and the POST endpoints that only search or list. */
const READ_ONLY_POST = /\/(_search|_msearch|_count|_field_caps|_query\/watches)$/;
export function isReadOnly(params: Pick<TransportParams, 'method' | 'path'>): boolean {
  return params.method === 'GET' || params.method === 'HEAD' || (params.method === 'POST' && READ_ONLY_POST.test(params.path));
}

/** What `GET /` names a cluster by. */
export interface ClusterIdentity {
  clusterName: string | null;
  clusterUuid: string | null;
}

/** Each client's own part of its reads' single-flight keys: two connections never share a read. */
let clientCount = 0;

export class ClusterClient {
  readonly capabilities: ClusterCapabilities;
  private readonly readKey = `client-read:${(clientCount += 1)}`;

  constructor(
    private readonly transport: ClusterTransport,
    readonly version: ClusterVersion,
    /**
     * The cluster's name and uuid as `GET /` gave them when this client was opened (null: not
     * known): they cannot change under one client, so a status need not ask `GET /` again.
     */
    readonly identity: ClusterIdentity | null = null,
  ) {
    this.capabilities = capabilitiesOf(version);
  }

  /** Which client major serves this cluster (es7 for 7.x, es8 for 8.x and 9.x). */
  get flavour(): 'es7' | 'es8' {
    return this.transport.flavour;
  }

  /** Any REST call; prefer a named method so paths stay in one place. */
  async request<T>(params: TransportParams, options: CallOptions = {}): Promise<T> {
    return (await this.send<T>(params, options)).body;
  }

  info(options?: CallOptions): Promise<estypes.InfoResponse> {
    return this.request({ method: 'GET', path: '/' }, options);
  }

  health(params: { index?: string; level?: 'cluster' | 'indices' | 'shards' } = {}, options?: CallOptions): Promise<estypes.ClusterHealthResponse> {
    return this.request(
      { method: 'GET', path: params.index ? `/_cluster/health/${indexPath(params.index)}` : '/_cluster/health', querystring: { level: params.level } },
      options,
    );
  }

  async nodes(options?: CallOptions): Promise<NodeSummary[]> {
    const body = await this.request<{ nodes?: Record<string, NodeSummary> }>(
      {
        method: 'GET',
        path: '/_nodes',
        querystring: { filter_path: 'nodes.*.name,nodes.*.roles,nodes.*.attributes,nodes.*.version' },
      },
      options,
    );
    return Object.values(body.nodes ?? {});
  }

  license(options?: CallOptions): Promise<estypes.LicenseGetResponse> {
    return this.request({ method: 'GET', path: '/_license' }, options);
  }

  xpackInfo(options?: CallOptions): Promise<estypes.XpackInfoResponse> {
    return this.request({ method: 'GET', path: '/_xpack', querystring: { categories: 'features,license' } }, options);
  }

  search<TDocument = unknown, TAggregations = Record<string, estypes.AggregationsAggregate>>(
    index: string | readonly string[],
    body: SearchBody,
    options?: CallOptions & { querystring?: TransportParams['querystring'] },
  ): Promise<estypes.SearchResponse<TDocument, TAggregations>> {
    return this.request({ method: 'POST', path: `/${indexPath(index)}/_search`, body, querystring: options?.querystring }, options);
  }

  msearch<TDocument = unknown>(
    searches: readonly { index: string | readonly string[]; body: SearchBody }[],
    options?: CallOptions,
  ): Promise<estypes.MsearchResponse<TDocument>> {
    const bulkBody = searches.flatMap(({ index, body }) => [{ index: typeof index === 'string' ? index : index.join(',') }, body]);
    return this.request({ method: 'POST', path: '/_msearch', bulkBody }, options);
  }

  count(index: string | readonly string[], body: { query?: estypes.QueryDslQueryContainer } = {}, options?: CallOptions): Promise<estypes.CountResponse> {
    return this.request({ method: 'POST', path: `/${indexPath(index)}/_count`, body }, options);
  }

  /** `_field_caps` of the target's fields; a target that matches nothing answers no fields. */
  fieldCaps(index: string | readonly string[], fields: string, options?: CallOptions): Promise<estypes.FieldCapsResponse> {
    return this.request(
      { method: 'GET', path: `/${indexPath(index)}/_field_caps`, querystring: { fields, ignore_unavailable: true, allow_no_indices: true } },
      options,
    );
  }

  catIndices(pattern = '*', options?: CallOptions & { expandWildcards?: 'open' | 'all' }): Promise<estypes.CatIndicesResponse> {
    return this.request(
      {
        method: 'GET',
        path: `/_cat/indices/${indexPath(pattern)}`,
        querystring: {
          format: 'json',
          bytes: 'b',
          h: 'index,health,status,docs.count,store.size,creation.date',
          expand_wildcards: options?.expandWildcards ?? 'open',
        },
      },
      options,
    );
  }

  async indicesExists(index: string | readonly string[], options?: CallOptions): Promise<boolean> {
    const result = await this.send({ method: 'HEAD', path: `/${indexPath(index)}` }, { ...options, ignore: [404] });
    return result.statusCode >= 200 && result.statusCode < 300;
  }

  /** Composable template (7.8+); null when missing. */
  getIndexTemplate(name: string, options?: CallOptions): Promise<estypes.IndicesGetIndexTemplateResponse | null> {
    return this.orNull({ method: 'GET', path: path('_index_template', name) }, options);
  }

  /** Legacy template (what 7.x Beats install); null when missing. */
  getLegacyTemplate(name: string, options?: CallOptions): Promise<estypes.IndicesGetTemplateResponse | null> {
    return this.orNull({ method: 'GET', path: path('_template', name) }, options);
  }

  getPipeline(id: string, options?: CallOptions): Promise<estypes.IngestGetPipelineResponse | null> {
    return this.orNull({ method: 'GET', path: path('_ingest', 'pipeline', id) }, options);
  }

  putWatch(id: string, watch: Record<string, unknown>, options?: CallOptions & { active?: boolean }): Promise<estypes.WatcherPutWatchResponse> {
    return this.request({ method: 'PUT', path: path('_watcher', 'watch', id), body: watch, querystring: { active: options?.active } }, options);
  }

  /** Null when the watch does not exist (ES answers 404 with `found: false`, not an error). */
  async getWatch(id: string, options?: CallOptions): Promise<estypes.WatcherGetWatchResponse | null> {
    const body = await this.orNull<estypes.WatcherGetWatchResponse>({ method: 'GET', path: path('_watcher', 'watch', id) }, options);
    return body === null || body.found === false ? null : body;
  }

  executeWatch(id: string, body: Record<string, unknown> = {}, options?: CallOptions): Promise<estypes.WatcherExecuteWatchResponse> {
    return this.request({ method: 'POST', path: `${path('_watcher', 'watch', id)}/_execute`, body }, options);
  }

  /** Null when there was no such watch (ES answers 404 with `found: false`). */
  deleteWatch(id: string, options?: CallOptions): Promise<estypes.WatcherDeleteWatchResponse | null> {
    return this.orNull({ method: 'DELETE', path: path('_watcher', 'watch', id) }, options);
  }

  /** `_watcher/_query/watches` (7.11+; `capabilities.queryWatches`). */
  queryWatches(body: Record<string, unknown>, options?: CallOptions): Promise<estypes.WatcherQueryWatchesResponse> {
    return this.request({ method: 'POST', path: '/_watcher/_query/watches', body }, options);
  }

  getJobs(jobId?: string, options?: CallOptions): Promise<estypes.MlGetJobsResponse> {
    return this.request({ method: 'GET', path: jobId ? path('_ml', 'anomaly_detectors', jobId) : '/_ml/anomaly_detectors' }, options);
  }

  getJobStats(jobId?: string, options?: CallOptions): Promise<estypes.MlGetJobStatsResponse> {
    return this.request(
      { method: 'GET', path: `${jobId ? path('_ml', 'anomaly_detectors', jobId) : '/_ml/anomaly_detectors'}/_stats` },
      options,
    );
  }

  putJob(jobId: string, job: Record<string, unknown>, options?: CallOptions): Promise<estypes.MlPutJobResponse> {
    return this.request({ method: 'PUT', path: path('_ml', 'anomaly_detectors', jobId), body: job }, options);
  }

  openJob(jobId: string, options?: CallOptions): Promise<estypes.MlOpenJobResponse> {
    return this.request({ method: 'POST', path: `${path('_ml', 'anomaly_detectors', jobId)}/_open` }, options);
  }

  putDatafeed(datafeedId: string, datafeed: Record<string, unknown>, options?: CallOptions): Promise<estypes.MlPutDatafeedResponse> {
    return this.request({ method: 'PUT', path: path('_ml', 'datafeeds', datafeedId), body: datafeed }, options);
  }

  startDatafeed(datafeedId: string, params: { start?: string; end?: string } = {}, options?: CallOptions): Promise<estypes.MlStartDatafeedResponse> {
    return this.request({ method: 'POST', path: `${path('_ml', 'datafeeds', datafeedId)}/_start`, body: params }, options);
  }

  getDatafeedStats(datafeedId?: string, options?: CallOptions): Promise<estypes.MlGetDatafeedStatsResponse> {
    return this.request({ method: 'GET', path: `${datafeedId ? path('_ml', 'datafeeds', datafeedId) : '/_ml/datafeeds'}/_stats` }, options);
  }

  getBuckets(jobId: string, body: Record<string, unknown> = {}, options?: CallOptions): Promise<estypes.MlGetBucketsResponse> {
    return this.request({ method: 'POST', path: `${path('_ml', 'anomaly_detectors', jobId)}/results/buckets`, body }, options);
  }

  getRecords(jobId: string, body: Record<string, unknown> = {}, options?: CallOptions): Promise<estypes.MlGetRecordsResponse> {
    return this.request({ method: 'POST', path: `${path('_ml', 'anomaly_detectors', jobId)}/results/records`, body }, options);
  }

  authenticate(options?: CallOptions): Promise<estypes.SecurityAuthenticateResponse> {
    return this.request({ method: 'GET', path: '/_security/_authenticate' }, options);
  }

  hasPrivileges(body: Omit<estypes.SecurityHasPrivilegesRequest, 'user'>, options?: CallOptions): Promise<estypes.SecurityHasPrivilegesResponse> {
    return this.request({ method: 'POST', path: '/_security/user/_has_privileges', body }, options);
  }

  /** `encoded` is filled in on clusters older than 7.16, which do not return it. */
  async createApiKey(body: Record<string, unknown>, options?: CallOptions): Promise<estypes.SecurityCreateApiKeyResponse> {
    const created = await this.request<estypes.SecurityCreateApiKeyResponse>({ method: 'POST', path: '/_security/api_key', body }, options);
    const encoded = created.encoded ?? Buffer.from(`${created.id}:${created.api_key}`, 'utf8').toString('base64');
    return { ...created, encoded };
  }

  invalidateApiKey(ids: readonly string[], options?: CallOptions): Promise<estypes.SecurityInvalidateApiKeyResponse> {
    // Before 7.10 only a single `id` was accepted.
    const body = this.capabilities.invalidateApiKeyIds || ids.length !== 1 ? { ids } : { id: ids[0] };
    return this.request({ method: 'DELETE', path: '/_security/api_key', body }, options);
  }

  /** Streams documents through the client's bulk helper (see `BulkHelperRequest`). */
  bulkHelper<T>(request: BulkHelperRequest<T>): BulkHelperRun {
    if (!this.transport.bulkHelper) throw new Error('this transport has no bulk helper');
    return this.transport.bulkHelper(request);
  }

  /** `PUT /{index}` with mappings and settings. */
  createIndex(index: string, body: Record<string, unknown>, options?: CallOptions): Promise<estypes.IndicesCreateResponse> {
    return this.request({ method: 'PUT', path: `/${indexPath(index)}`, body }, options);
  }

  putPipeline(id: string, body: Record<string, unknown>, options?: CallOptions): Promise<estypes.AcknowledgedResponseBase> {
    return this.request({ method: 'PUT', path: path('_ingest', 'pipeline', id), body }, options);
  }

  getMapping(index: string, options?: CallOptions): Promise<estypes.IndicesGetMappingResponse> {
    return this.request({ method: 'GET', path: `/${indexPath(index)}/_mapping` }, options);
  }

  /**
   * The structure finder of Kibana's File Data Visualizer, on the sample text as the body:
   * `_text_structure/find_structure` from 8.0, `_ml/find_file_structure` on 7.x (7.13-7.17 have
   * both, earlier 7.x only the old path).
   */
  findStructure(sample: string, params: Record<string, string | number | boolean | undefined> = {}, options?: CallOptions): Promise<Record<string, unknown>> {
    const path = this.version.major >= 8 ? '/_text_structure/find_structure' : '/_ml/find_file_structure';
    // Sent as NDJSON lines, as the clients' own `findStructure` does: a plain-text body would
    // not carry the compatibility media type 8.x and 9.x require beside the Accept header.
    const lines = sample.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return this.request({ method: 'POST', path, bulkBody: lines, querystring: params }, options);
  }

  getJobConfig(jobId: string, options?: CallOptions): Promise<estypes.MlGetJobsResponse | null> {
    return this.orNull({ method: 'GET', path: path('_ml', 'anomaly_detectors', jobId) }, options);
  }

  getDatafeeds(datafeedId?: string, options?: CallOptions): Promise<estypes.MlGetDatafeedsResponse | null> {
    return this.orNull({ method: 'GET', path: datafeedId ? path('_ml', 'datafeeds', datafeedId) : '/_ml/datafeeds' }, options);
  }

  /** Datafeed stats; null when the datafeed does not exist. */
  getDatafeedStatsOrNull(datafeedId: string, options?: CallOptions): Promise<estypes.MlGetDatafeedStatsResponse | null> {
    return this.orNull({ method: 'GET', path: `${path('_ml', 'datafeeds', datafeedId)}/_stats` }, options);
  }

  estimateModelMemory(body: Record<string, unknown>, options?: CallOptions): Promise<estypes.MlEstimateModelMemoryResponse> {
    return this.request({ method: 'POST', path: '/_ml/anomaly_detectors/_estimate_model_memory', body }, options);
  }

  bulk(
    operations: readonly unknown[],
    options?: CallOptions & { index?: string; refresh?: boolean | 'wait_for' },
  ): Promise<estypes.BulkResponse> {
    return this.request(
      {
        method: 'POST',
        path: options?.index ? `/${indexPath(options.index)}/_bulk` : '/_bulk',
        bulkBody: [...operations],
        querystring: { refresh: options?.refresh === undefined ? undefined : String(options.refresh) },
      },
      options,
    );
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async orNull<T>(params: TransportParams, options?: CallOptions): Promise<T | null> {
    const result = await this.send<T>(params, { ...options, ignore: [404] });
    return result.statusCode === 404 ? null : result.body;
  }

  /**
   * Sends a request. A read joins an identical one running on this client (the shared
   * single-flight of lib/cluster/coalesce.ts): a page's panel and its checkpoints ask for the same
   * watch list or job list in the same beat, and one request answers both; nothing is kept after
   * the answer. A caller with its own abort signal sends its own (one caller giving up must not
   * cancel the others' read); a shared read runs with the first caller's time limit. Callers read
   * answers and never change them (the panels' micro-cache shares them too).
   */
  private send<T>(params: TransportParams, options: CallOptions & { ignore?: number[] } = {}): Promise<TransportResult<T>> {
    if (options.signal || !isReadOnly(params)) return this.transport.request<T>(params, options);
    // Keys in the order the body was built: identical reads come from one query builder, and
    // native JSON.stringify costs far less than sorting every object's keys (coalesceKey) on each
    // of a large class's few hundred reads a second. Bodies that differ only in key order are
    // then sent twice, which is harmless.
    const key = `${this.readKey}\u241f${JSON.stringify([params.method, params.path, params.querystring ?? null, params.body ?? null, params.bulkBody ?? null, options.ignore ?? null])}`;
    return singleFlight(key, () => this.transport.request<T>(params, options));
  }
}
