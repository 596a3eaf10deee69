import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { Client as Client7 } from 'es7';
import { Client as Client8, HttpConnection } from 'es8';
import { AppError } from '../errors';
import { timed } from '../server/diagnostics';
import { ClusterClient, type BulkHelperRequest, type BulkHelperRun, type CallOptions, type ClusterIdentity, type ClusterTransport, type TransportParams, type TransportResult } from './adapter';
import { authorizationHeader, type ClusterAuth } from './auth';
import type { ClusterEndpoint } from './cloud-id';
import type { LookupFunction } from './endpoint-policy';
import { fromResponse, translateClusterError, type TranslateContext } from './errors';
import { keepAliveAgent } from './shared-agents';
import { assertSupportedVersion, clientFlavourFor, majorOnly, parseVersionNumber, type ClusterVersion } from './version';

/**
 * Creating the right client for a cluster (ES-REFERENCE 2.5): a plain HTTP `GET /` learns the
 * version first, then the 7.17 client serves 7.x and the 8.19 client serves 8.x and 9.x, both
 * behind `ClusterClient`. Sockets of the probe and of the clients resolve names through the
 * endpoint policy's `lookup`, so they connect only to addresses the policy allows.
 */

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
export const DEFAULT_PROBE_TIMEOUT_MS = 3_000;

export interface ClusterTarget {
  endpoint: ClusterEndpoint;
  /** From `EndpointPolicy.lookupFor(checked)`; omitted only for IP-literal endpoints in tests. */
  lookup?: LookupFunction;
  /** The origin's keep-alive sockets, shared by every client of it (lib/cluster/shared-agents.ts); without it the client keeps its own. */
  agent?: http.Agent;
}

export interface ProbedCluster {
  version: ClusterVersion;
  clusterName: string | null;
  clusterUuid: string | null;
  /** `x-elastic-product: Elasticsearch` was present (7.14+). */
  productHeader: boolean;
}

export interface ClientOptions {
  /** Default per-call timeout of the client. */
  requestTimeoutMs?: number;
  /** The probe's name and uuid of the cluster, kept on the client (`ClusterClient.identity`). */
  identity?: ClusterIdentity;
}

const TAGLINE = 'You Know, for Search';
const MAX_PROBE_BODY = 1024 * 1024;

/** Learns version, name and uuid with the attendee's credentials; throws an AppError. */
export async function probeVersion(
  target: ClusterTarget,
  auth: ClusterAuth,
  options: CallOptions = {},
): Promise<ProbedCluster> {
  const context = contextFor(target, auth, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  const root = await plainGet(target, auth, '/', {}, options, context);
  if (typeof root.headers['kbn-name'] === 'string') {
    throw new AppError('not_elasticsearch', { params: { reason: 'kibana' }, detail: `GET / answered ${root.status} with kbn-name` });
  }
  const productHeader = root.headers['x-elastic-product'] === 'Elasticsearch';

  if (root.status === 403) {
    // GET / needs `monitor`; without it the major is negotiated instead (ES-REFERENCE 2.5 step 1).
    return { version: await negotiateMajor(target, auth, options, context, productHeader), clusterName: null, clusterUuid: null, productHeader };
  }
  if (root.status >= 300 && root.status < 400) {
    throw new AppError('not_elasticsearch', {
      params: { reason: /\/(app|login|spaces)\b/.test(String(root.headers.location ?? '')) ? 'kibana' : 'other' },
      detail: `GET / redirected (${root.status})`,
    });
  }
  if (root.status < 200 || root.status >= 300) throw fromResponse(root.status, root.body, root.headers, context);

  const body = asObject(root.body);
  const versionBody = asObject(body?.version);
  if (versionBody === null || typeof versionBody.number !== 'string') {
    throw new AppError('not_elasticsearch', { params: { reason: 'other' }, detail: 'GET / without version.number' });
  }
  if (versionBody.distribution === 'opensearch') {
    throw new AppError('not_elasticsearch', { params: { reason: 'opensearch' }, detail: `OpenSearch ${versionBody.number}` });
  }
  const version = parseVersionNumber(versionBody.number, typeof versionBody.build_flavor === 'string' ? versionBody.build_flavor : null);
  // The same rule the clients apply: before 7.14 the tagline, from 7.14 the product header.
  const before714 = version.major < 7 || (version.major === 7 && (version.minor ?? 0) < 14);
  if (before714 ? body?.tagline !== TAGLINE : !productHeader) {
    throw new AppError('not_elasticsearch', { params: { reason: 'other' }, detail: `GET / ${version.number} without product header/tagline` });
  }
  assertSupportedVersion(version);
  return {
    version,
    clusterName: typeof body?.cluster_name === 'string' ? body.cluster_name : null,
    clusterUuid: typeof body?.cluster_uuid === 'string' && body.cluster_uuid !== '_na_' ? body.cluster_uuid : null,
    productHeader,
  };
}

/**
 * Asks for `compatible-with=9` on an endpoint every authenticated user may call: 9.x accepts it,
 * 8.x refuses naming the versions it accepts ("either version 8 or 7"), 7.x refuses otherwise.
 */
async function negotiateMajor(
  target: ClusterTarget,
  auth: ClusterAuth,
  options: CallOptions,
  context: TranslateContext,
  productHeader: boolean,
): Promise<ClusterVersion> {
  const plain = await plainGet(target, auth, '/_security/_authenticate', {}, options, context);
  if (plain.status < 200 || plain.status >= 300) throw fromResponse(plain.status, plain.body, plain.headers, context);
  const probe = await plainGet(
    target,
    auth,
    '/_security/_authenticate',
    { accept: 'application/vnd.elasticsearch+json; compatible-with=9' },
    options,
    context,
  );
  let major = 7;
  if (probe.status >= 200 && probe.status < 300) {
    major = 9;
  } else {
    const named = /version must be either version (\d+) or (\d+)/i.exec(JSON.stringify(probe.body));
    if (named) major = Math.max(Number(named[1]), Number(named[2]));
  }
  if (major >= 8 && !productHeader) {
    throw new AppError('not_elasticsearch', { params: { reason: 'other' }, detail: 'no product header' });
  }
  const version = majorOnly(major);
  assertSupportedVersion(version);
  return version;
}

interface PlainResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A plain request, before any client exists; no redirects are followed. */
async function plainGet(
  target: ClusterTarget,
  auth: ClusterAuth,
  path: string,
  headers: Record<string, string>,
  options: CallOptions,
  context: TranslateContext,
): Promise<PlainResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  const url = new URL(path, target.endpoint.url);
  const transport = url.protocol === 'https:' ? https : http;
  try {
    return await new Promise<PlainResponse>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: 'GET',
          agent: false,
          lookup: target.lookup,
          signal,
          headers: { accept: 'application/json', 'user-agent': 'elastic-logging-lab', authorization: authorizationHeader(auth), ...headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_PROBE_BODY) {
              response.destroy(new AppError('not_elasticsearch', { params: { reason: 'other' }, detail: 'probe answer too large' }));
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text === '' ? null : JSON.parse(text);
            } catch {
              // Not JSON: Kibana's HTML, a proxy page; kept as text for the checks above.
            }
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
          });
        },
      );
      request.on('error', reject);
      request.end();
    });
  } catch (error) {
    throw translateClusterError(error, context);
  }
}

/** Creates the client major that serves `version`; no request is sent yet. */
export function createClusterClient(
  target: ClusterTarget,
  auth: ClusterAuth,
  version: ClusterVersion,
  options: ClientOptions = {},
): ClusterClient {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const context = contextFor(target, auth, timeoutMs);
  const agent = () => target.agent ?? createAgent(target);
  const transport =
    clientFlavourFor(version) === 'es7'
      ? new Es7Transport(
          new Client7({
            node: target.endpoint.url,
            auth: auth.kind === 'api_key' ? { apiKey: auth.apiKey } : { username: auth.username, password: auth.password },
            agent,
            requestTimeout: timeoutMs,
            maxRetries: 1,
            name: 'elastic-logging-lab',
          }),
          context,
          timeoutMs,
        )
      : new Es8Transport(
          new Client8({
            node: target.endpoint.url,
            auth: auth.kind === 'api_key' ? { apiKey: auth.apiKey } : { username: auth.username, password: auth.password },
            // HttpConnection takes a Node agent, which is where the policy's lookup goes.
            Connection: HttpConnection,
            agent,
            requestTimeout: timeoutMs,
            maxRetries: 1,
            name: 'elastic-logging-lab',
          }),
          context,
          timeoutMs,
        );
  return new ClusterClient(timedRequests(transport), version, options.identity ?? null);
}

/** Path segments whose next segment is a name (a watch, a job, a document, a pipeline, a template). */
const NAMED_AFTER = new Set(['watch', 'anomaly_detectors', 'datafeeds', '_doc', '_create', '_update', 'pipeline', '_index_template', '_component_template', '_alias', 'role', 'user', 'api_key']);

/** A request's path with the index and each name as a star and no query: what kind of request it is. */
export function pathShape(path: string): string {
  const segments = path.split('?')[0]!.split('/');
  return segments
    .map((segment, i) => {
      if (segment === '') return segment;
      const isIndex = i === 1 && !segment.startsWith('_');
      return isIndex || NAMED_AFTER.has(segments[i - 1] ?? '') ? '*' : segment;
    })
    .join('/');
}

/** Each request's time (with its retry) for the diagnostics port, by kind; nothing is kept without one. */
function timedRequests(transport: ClusterTransport): ClusterTransport {
  const request = transport.request.bind(transport);
  transport.request = <T>(params: TransportParams, options: CallOptions & { ignore?: number[] }): Promise<TransportResult<T>> =>
    timed(
      () => `cluster ${params.method} ${pathShape(params.path)}`,
      () => request<T>(params, options),
    );
  return transport;
}

/** Probe, then the matching client: what connecting and a cache miss both need. */
export async function openClusterClient(
  target: ClusterTarget,
  auth: ClusterAuth,
  options: ClientOptions & { probe?: CallOptions } = {},
): Promise<{ client: ClusterClient; probe: ProbedCluster }> {
  const probe = await probeVersion(target, auth, options.probe);
  const identity = { clusterName: probe.clusterName, clusterUuid: probe.clusterUuid };
  return { client: createClusterClient(target, auth, probe.version, { ...options, identity }), probe };
}

/**
 * A client of its own origin (tests with a bare target): a page's reads reach its cluster together
 * (status, checkpoints, panels: about six at once); keeping as many sockets open between polls as
 * one poll uses means the next poll reconnects none.
 */
const SOCKETS_KEPT_OPEN = 6;

function createAgent(target: ClusterTarget): http.Agent {
  return keepAliveAgent(target.endpoint.protocol, target.lookup, { maxSockets: 10, maxFreeSockets: SOCKETS_KEPT_OPEN });
}

function contextFor(target: ClusterTarget, auth: ClusterAuth, timeoutMs: number): TranslateContext {
  return { host: target.endpoint.hostname, authKind: auth.kind, timeoutMs };
}

/** Writes and other non-idempotent calls are not retried: a retry could apply them twice. */
function retriesFor(method: TransportParams['method']): number {
  return method === 'GET' || method === 'HEAD' ? 1 : 0;
}

function cleanQuery(query: TransportParams['querystring']): Record<string, string | number | boolean> | undefined {
  if (query === undefined) return undefined;
  const entries = Object.entries(query).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function abortedError(context: TranslateContext): AppError {
  return new AppError('timeout', { params: { timeoutMs: context.timeoutMs }, detail: 'aborted before sending' });
}

class Es7Transport implements ClusterTransport {
  readonly flavour = 'es7' as const;

  constructor(
    private readonly client: Client7,
    private readonly context: TranslateContext,
    private readonly timeoutMs: number,
  ) {}

  async request<T>(params: TransportParams, options: CallOptions & { ignore?: number[] }): Promise<TransportResult<T>> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    if (options.signal?.aborted) throw abortedError(this.context);
    const pending = this.client.transport.request(
      {
        method: params.method,
        path: params.path,
        querystring: cleanQuery(params.querystring),
        body: params.body as Record<string, unknown> | undefined,
        bulkBody: params.bulkBody as Record<string, unknown>[] | undefined,
      },
      { requestTimeout: timeoutMs, maxRetries: retriesFor(params.method), ignore: options.ignore },
    );
    // The 7.x transport has no signal option; its promise carries abort() instead. The listener
    // must not return that thenable: EventTarget rethrows a returned promise's rejection.
    const onAbort = () => {
      pending.abort();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await pending;
      return { statusCode: result.statusCode ?? 0, body: result.body as T, headers: result.headers ?? {} };
    } catch (error) {
      throw translateClusterError(error, { ...this.context, timeoutMs });
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  bulkHelper<T>(request: BulkHelperRequest<T>): BulkHelperRun {
    const helper = this.client.helpers.bulk<T>(
      {
        datasource: request.datasource[Symbol.asyncIterator](),
        onDocument: (doc) => request.onDocument(doc) as never,
        onDrop: (drop) => request.onDrop({ status: drop.status, error: drop.error ? { type: drop.error.type ?? undefined, reason: drop.error.reason ?? undefined } : null, document: drop.document }),
        flushBytes: request.flushBytes,
        concurrency: request.concurrency,
        refreshOnCompletion: request.refreshOnCompletion,
      },
      { requestTimeout: request.timeoutMs },
    );
    return bulkRun(helper, { ...this.context, timeoutMs: request.timeoutMs });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

class Es8Transport implements ClusterTransport {
  readonly flavour = 'es8' as const;

  constructor(
    private readonly client: Client8,
    private readonly context: TranslateContext,
    private readonly timeoutMs: number,
  ) {}

  async request<T>(params: TransportParams, options: CallOptions & { ignore?: number[] }): Promise<TransportResult<T>> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    if (options.signal?.aborted) throw abortedError(this.context);
    try {
      const result = await this.client.transport.request<T>(
        {
          method: params.method,
          path: params.path,
          querystring: cleanQuery(params.querystring),
          body: params.body as Record<string, unknown> | undefined,
          bulkBody: params.bulkBody as Record<string, unknown>[] | undefined,
        },
        { requestTimeout: timeoutMs, maxRetries: retriesFor(params.method), ignore: options.ignore, signal: options.signal, meta: true },
      );
      return { statusCode: result.statusCode ?? 0, body: result.body, headers: result.headers ?? {} };
    } catch (error) {
      throw translateClusterError(error, { ...this.context, timeoutMs });
    }
  }

  bulkHelper<T>(request: BulkHelperRequest<T>): BulkHelperRun {
    const helper = this.client.helpers.bulk<T>(
      {
        datasource: request.datasource[Symbol.asyncIterator](),
        onDocument: (doc) => request.onDocument(doc) as never,
        onDrop: (drop) => request.onDrop({ status: drop.status, error: drop.error ? { type: drop.error.type ?? undefined, reason: drop.error.reason ?? undefined } : null, document: drop.document }),
        flushBytes: request.flushBytes,
        concurrency: request.concurrency,
        refreshOnCompletion: request.refreshOnCompletion,
      },
      { requestTimeout: request.timeoutMs },
    );
    return bulkRun(helper, { ...this.context, timeoutMs: request.timeoutMs });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Both majors' helpers are a promise with live `stats` and `abort()`. */
function bulkRun(helper: Promise<unknown> & { stats: { successful: number; failed: number }; abort(): unknown }, context: TranslateContext): BulkHelperRun {
  const done = helper.then(
    () => undefined,
    (error: unknown) => {
      throw translateClusterError(error, context);
    },
  );
  return {
    done,
    stats: () => ({ successful: helper.stats.successful, failed: helper.stats.failed }),
    abort: () => {
      helper.abort();
    },
  };
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
