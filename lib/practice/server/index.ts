import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../clock';
import { DEFAULT_IDLE_MINUTES, DeploymentRegistry, type Deployment } from '../deployments';
import { EsError, FLAVORS, type Engine, type Flavor } from '../engine/api';
import { createEngine } from '../engine/index';
import { decideFault } from '../faults';
import type { FeatureDefinition } from '../feature';
import { PRACTICE_FEATURES } from '../features';
import { PracticeDataLockedError, PracticeStore } from '../persistence';
import { Scheduler } from '../scheduler';
import { authenticationError, parseAuthorization, Permissions, secretMatches, type Principal } from '../security';
import type { EsContext, EsHandler } from './context';
import { ControlError, controlRouter, type ControlContext } from './control-api';
import { esRouter } from './es-routes';
import { abortWhenClientLeaves, errorBody, filterPath, jsonContentType, negotiate, PayloadTooLarge, prettyJson, readBody, type Negotiation } from './http-utils';
import type { Router } from './router';

/**
 * The practice cluster: one node:http server on loopback speaking the Elasticsearch REST API for
 * many deployments, plus the control API under `/_practice`.
 *
 * Tenancy: a request's credentials pick its deployment (see deployments.ts). The `url` a deployment
 * is given is the server's own URL; Basic `elastic:<password>` or `ApiKey <id:key>` decides whose
 * indices, licence, faults and host the request sees.
 */

export interface PracticeClusterOptions {
  /** 0 picks a free port (tests). */
  port: number;
  clock?: Clock;
  /** Loopback only; the option exists for IPv6 loopback. */
  host?: '127.0.0.1' | '::1';
  /** The shared scheduler's timer; tests that drive a ManualClock turn it off. */
  scheduler?: boolean;
  maxDeployments?: number;
  /** Minutes without learner activity after which a deployment is reclaimed (0: never); 120 by default. */
  idleMinutes?: number;
  engineFactory?: (flavor: Flavor, now: () => number) => Engine;
  /** The features every deployment gets; PRACTICE_FEATURES unless a test brings its own. */
  features?: readonly FeatureDefinition[];
  log?: (message: string) => void;
  /**
   * Where deployments are kept across restarts (`DATA_DIR/practice`; see persistence.ts). Without
   * it they live in memory only (tests, benches).
   */
  dataDir?: string;
  /** Persistence tuning for tests (flush interval, compaction threshold). */
  persistence?: { flushEveryMs?: number; compactAfterBytes?: number; metaCheckEveryMs?: number };
}

export interface PracticeCluster {
  url: string;
  port: number;
  deployments: DeploymentRegistry;
  scheduler: Scheduler;
  /** The data folder's store, when the cluster was started with `dataDir` (and could take its lock). */
  store?: PracticeStore;
  close(): Promise<void>;
}

const PRODUCT_HEADER = { 'X-elastic-product': 'Elasticsearch' };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function authenticate(registry: DeploymentRegistry, header: string | undefined, uri: string, now: number): { deployment: Deployment; principal: Principal } {
  const credentials = parseAuthorization(header);
  if (!credentials || credentials.kind === 'malformed') throw authenticationError(`missing authentication credentials for REST request [${uri}]`);
  if (credentials.kind === 'basic') {
    const deployment = registry.findByPassword(credentials.password);
    if (!deployment || credentials.username !== deployment.username) {
      throw authenticationError(`unable to authenticate user [${credentials.username}] for REST request [${uri}]`);
    }
    return { deployment, principal: { kind: 'user', username: deployment.username } };
  }
  const generic = 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';
  if (credentials.kind === 'bearer') throw authenticationError(generic, { additional_unsuccessful_credentials: 'oauth2 token: token malformed' });
  const deployment = registry.findByApiKeyId(credentials.id);
  const key = deployment?.apiKeys.get(credentials.id);
  if (!deployment || !key) throw authenticationError(generic, { additional_unsuccessful_credentials: `API key: unable to find apikey with id ${credentials.id}` });
  if (!secretMatches(key, credentials.secret)) throw authenticationError(generic, { additional_unsuccessful_credentials: `API key: invalid credentials for API key [${key.id}]` });
  if (key.invalidated) throw authenticationError(generic, { additional_unsuccessful_credentials: `API key: api key [${key.id}] has been invalidated` });
  if (key.expiration !== null && key.expiration <= now) throw authenticationError(generic, { additional_unsuccessful_credentials: 'API key: api key is expired' });
  return { deployment, principal: { kind: 'api_key', username: key.username, key } };
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, payload: string | null, head: boolean): void {
  const body = payload === null ? null : Buffer.from(payload);
  res.writeHead(status, { ...headers, 'content-length': String(body?.length ?? 0) });
  res.end(head || body === null ? undefined : body);
}

function renderJson(value: unknown, query: URLSearchParams): string {
  const filter = query.get('filter_path');
  const shaped = filter ? filterPath(value, filter) : value;
  const pretty = query.has('pretty') && query.get('pretty') !== 'false';
  return pretty ? `${prettyJson(shaped)}\n` : JSON.stringify(shaped);
}

/** Errors the engine lets through as its own shard-failure type still get an ES envelope. */
function asEsError(error: unknown): EsError | null {
  if (error instanceof EsError) return error;
  const e = error as { status?: unknown; body?: { type?: unknown; reason?: unknown } } | null;
  if (e && typeof e.status === 'number' && e.body && typeof e.body.type === 'string' && typeof e.body.reason === 'string') {
    return new EsError(e.status, 'search_phase_execution_exception', 'all shards failed', { phase: 'query', grouped: true, failed_shards: [] }, e.body as { type: string; reason: string }, [e.body as { type: string; reason: string }]);
  }
  return null;
}

export async function startPracticeCluster(options: PracticeClusterOptions): Promise<PracticeCluster> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  const scheduler = new Scheduler(clock, 1_000, (error, member) => log(`practice ${member.name} tick failed: ${error instanceof Error ? error.stack : String(error)}`));
  const factory = options.engineFactory ?? ((flavor: Flavor, now: () => number) => createEngine({ flavor, now }));
  const features = options.features ?? PRACTICE_FEATURES;
  // Deployments are read back after the port is bound (so a second process finds the first one
  // instead of fighting over its files); requests wait until they are.
  let store: PracticeStore | undefined;
  const persistence = {
    track: (d: Deployment) => store?.track(d),
    touch: (id: string) => store?.touch(id),
    forget: (id: string) => store?.forget(id),
    lost: (id: string) => store?.lost(id),
    dropLost: (id: string) => store?.dropLost(id) ?? false,
  };
  const idleMs = (options.idleMinutes ?? DEFAULT_IDLE_MINUTES) * 60_000;
  const registry = new DeploymentRegistry({ clock, createEngine: factory, features, scheduler, maxDeployments: options.maxDeployments, idleMs, log, persistence });
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const routers = Object.fromEntries(FLAVORS.map((flavor) => [flavor, esRouter(flavor, features)])) as Record<Flavor, Router<EsHandler>>;
  const control = controlRouter(features);
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    await ready;
    const head = req.method === 'HEAD';
    const json = { 'content-type': 'application/json' };
    const match = control.match(req.method ?? 'GET', path);
    if (match.kind === 'not_found') {
      send(res, 404, json, JSON.stringify({ error: { type: 'resource_not_found_exception', reason: `no control API at [${req.method} ${path}]` }, status: 404 }), head);
      return;
    }
    if (match.kind === 'method_not_allowed') {
      send(res, 405, { ...json, Allow: match.allowed.join(',') }, JSON.stringify({ error: `Incorrect HTTP method for uri [${path}] and method [${req.method}], allowed: [${match.allowed.join(', ')}]`, status: 405 }), head);
      return;
    }
    const ctx: ControlContext = { method: req.method ?? 'GET', params: match.params, query, headers: req.headers, body: await readBody(req), registry, clock, baseUrl };
    try {
      const reply = await match.handler(ctx);
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && match.params.id !== undefined) registry.touch(match.params.id);
      if (reply.stream) {
        res.writeHead(reply.status ?? 200, reply.headers ?? {});
        if (head) res.end();
        else reply.stream().on('error', (error) => res.destroy(error)).pipe(res);
        return;
      }
      send(res, reply.status ?? 200, { ...json, ...reply.headers }, JSON.stringify(reply.body), head);
    } catch (error) {
      if (error instanceof ControlError) {
        send(res, error.status, { ...json, ...error.headers }, JSON.stringify({ error: { type: error.type, reason: error.reason, ...error.extra }, status: error.status }), head);
        return;
      }
      throw error;
    }
  }

  async function handleEs(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    await ready;
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    const uri = req.url ?? '/';
    const query = url.searchParams;
    let negotiation: Negotiation = { compatibleWith: null };
    let headers: Record<string, string | string[]> = { ...PRODUCT_HEADER, 'content-type': 'application/json' };

    const fail = (error: EsError) => {
      if (error.status === 401) headers['WWW-Authenticate'] = ['Basic realm="security" charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];
      send(res, error.status, headers, renderJson(errorBody(error), query), head);
    };

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof PayloadTooLarge) {
        send(res, 413, headers, null, head);
        return;
      }
      throw error;
    }

    let deployment: Deployment;
    let principal: Principal;
    try {
      ({ deployment, principal } = authenticate(registry, req.headers.authorization, uri, clock.now()));
    } catch (error) {
      const e = asEsError(error);
      if (!e) throw error;
      fail(e);
      return;
    }

    try {
      negotiation = negotiate(deployment.flavor, deployment.info.compatibleWith, req.headers.accept, req.headers['content-type'], body.length > 0);
      headers = { ...PRODUCT_HEADER, 'content-type': jsonContentType(negotiation) };
    } catch (error) {
      const e = asEsError(error);
      if (!e) throw error;
      fail(e);
      return;
    }

    deployment.requestCount += 1;
    deployment.lastUsedAt = clock.now();
    // Licence, API keys and settings change through requests: the deployment's record is compared at the next flush.
    registry.touch(deployment.id);
    const fault = decideFault(deployment.faults, deployment.requestCount, uri, deployment.nodeName);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    if (fault.error) {
      fail(fault.error);
      return;
    }

    // The path as sent: WHATWG URL parsing would resolve `%2E%2E` and `\`, which Elasticsearch does not.
    const path = uri.split('?')[0] ?? '/';
    const match = routers[deployment.flavor].match(method, path);
    if (match.kind === 'not_found') {
      send(res, 400, headers, renderJson({ error: `no handler found for uri [${uri}] and method [${method}]` }, query), head);
      return;
    }
    if (match.kind === 'method_not_allowed') {
      const allowed = match.allowed.join(', ');
      send(res, 405, { ...headers, Allow: match.allowed.join(',') }, renderJson({ error: `Incorrect HTTP method for uri [${uri}] and method [${method}], allowed: [${allowed}]`, status: 405 }, query), head);
      return;
    }
    const gone = abortWhenClientLeaves(res);
    const ctx: EsContext = {
      method,
      uri,
      path,
      params: match.params,
      query,
      headers: req.headers,
      body,
      deployment,
      principal,
      permissions: Permissions.of(principal),
      registry,
      now: clock.now(),
      clock,
      signal: gone.signal,
    };
    try {
      const reply = await match.handler(ctx);
      const status = reply.status ?? 200;
      const extra = reply.headers ?? {};
      if (reply.text !== undefined) {
        send(res, status, { ...PRODUCT_HEADER, 'content-type': 'text/plain; charset=UTF-8', ...extra }, reply.text, head);
      } else {
        send(res, status, { ...headers, ...extra }, reply.body === undefined ? null : renderJson(reply.body, query), head);
      }
    } catch (error) {
      const e = asEsError(error);
      if (!e) throw error;
      fail(e);
    }
  }

  const server: Server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      send(res, 400, { ...PRODUCT_HEADER, 'content-type': 'application/json' }, JSON.stringify({ error: 'invalid request URI', status: 400 }), false);
      return;
    }
    const isControl = url.pathname === '/_practice' || url.pathname.startsWith('/_practice/');
    const work = isControl ? handleControl(req, res, url.pathname, url.searchParams) : handleEs(req, res, url);
    work.catch((error: unknown) => {
      log(`practice cluster: ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      const own = { type: 'exception', reason };
      send(res, 500, { ...PRODUCT_HEADER, 'content-type': 'application/json' }, JSON.stringify({ error: { root_cause: [own], ...own }, status: 500 }), req.method === 'HEAD');
    });
  });
  // Elasticsearch never closes idle keep-alive connections; closing them here would race clients
  // (pooled sockets reused just as the server drops them) and show up as ECONNRESET.
  server.keepAliveTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, host);
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host === '::1' ? '[::1]' : host}:${port}`;
  if (options.dataDir) {
    try {
      store = await PracticeStore.open({ dir: options.dataDir, clock, log, ...options.persistence });
      const started = Date.now();
      const { restored, lost } = await store.loadAll(registry);
      if (restored > 0 || lost > 0) log(`practice cluster: read back ${restored} deployment(s) from ${options.dataDir} in ${Date.now() - started} ms${lost > 0 ? `; ${lost} could not be read (see above)` : ''}`);
    } catch (error) {
      if (!(error instanceof PracticeDataLockedError)) {
        markReady();
        server.close();
        server.closeAllConnections();
        throw error;
      }
      store = undefined;
      log(`practice cluster: ${error.message}; this one keeps its deployments in memory only`);
    }
  }
  markReady();
  // Idle deployments are looked for once a minute while the cluster runs live; tests that drive a
  // ManualClock (scheduler off) reclaim by calling `deployments.reclaimIdle()` themselves.
  let sweeper: NodeJS.Timeout | null = null;
  if (options.scheduler !== false) {
    scheduler.start();
    sweeper = setInterval(() => registry.reclaimIdle(), 60_000);
    sweeper.unref();
  }

  return {
    url: baseUrl,
    port,
    deployments: registry,
    scheduler,
    store,
    close: async () => {
      scheduler.stop();
      if (sweeper) clearInterval(sweeper);
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await store?.close();
    },
  };
}
