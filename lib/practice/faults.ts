import { EsError } from './engine/api';
import { authenticationError } from './security';

/**
 * Fault injection for one deployment (control API `PUT /_practice/deployments/{id}/faults`), to
 * test how the guide copes with a slow, failing or vanishing cluster. Faults apply to that
 * deployment's Elasticsearch API requests only, never to the control API.
 *
 * - `latencyMs` delays every request;
 * - `status` (401, 403, 429, 500, 502, 503, 504) answers with Elasticsearch's error for it instead
 *   of running the request; 403 is the licence error Watcher and ML give on a basic licence
 *   (`feature` names the feature, default "watcher");
 * - `drop` destroys the socket without an answer (the client sees a connection error);
 * - `everyNth` makes `status`/`drop` hit only every Nth request of the deployment (latency stays on all).
 */
export interface FaultConfig {
  latencyMs?: number;
  status?: number;
  everyNth?: number;
  drop?: boolean;
  feature?: string;
}

export const FAULT_STATUSES = [401, 403, 429, 500, 502, 503, 504] as const;

export class FaultConfigError extends Error {}

export function parseFaultConfig(body: unknown): FaultConfig {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FaultConfigError('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const known = new Set(['latencyMs', 'status', 'everyNth', 'drop', 'feature']);
  for (const key of Object.keys(b)) if (!known.has(key)) throw new FaultConfigError(`unknown fault [${key}]; known: latencyMs, status, everyNth, drop, feature`);
  const config: FaultConfig = {};
  if (b.latencyMs !== undefined) {
    if (typeof b.latencyMs !== 'number' || !Number.isFinite(b.latencyMs) || b.latencyMs < 0 || b.latencyMs > 120_000) throw new FaultConfigError('latencyMs must be a number of milliseconds between 0 and 120000');
    config.latencyMs = b.latencyMs;
  }
  if (b.status !== undefined) {
    if (typeof b.status !== 'number' || !(FAULT_STATUSES as readonly number[]).includes(b.status)) throw new FaultConfigError(`status must be one of ${FAULT_STATUSES.join(', ')}`);
    config.status = b.status;
  }
  if (b.everyNth !== undefined) {
    if (typeof b.everyNth !== 'number' || !Number.isInteger(b.everyNth) || b.everyNth < 1) throw new FaultConfigError('everyNth must be a positive integer');
    config.everyNth = b.everyNth;
  }
  if (b.drop !== undefined) {
    if (typeof b.drop !== 'boolean') throw new FaultConfigError('drop must be true or false');
    config.drop = b.drop;
  }
  if (b.feature !== undefined) {
    if (typeof b.feature !== 'string' || !/^[a-z_]{1,32}$/.test(b.feature)) throw new FaultConfigError('feature must be a feature name such as "watcher" or "ml"');
    config.feature = b.feature;
  }
  return config;
}

export type FaultDecision = { latencyMs: number; error?: EsError; drop?: boolean };

/** What the fault config does to request number `n` (1-based) of the deployment. */
export function decideFault(config: FaultConfig, n: number, uri: string, nodeName: string): FaultDecision {
  const decision: FaultDecision = { latencyMs: config.latencyMs ?? 0 };
  const hits = config.everyNth === undefined || n % config.everyNth === 0;
  if (!hits) return decision;
  if (config.drop) return { ...decision, drop: true };
  if (config.status !== undefined) decision.error = faultError(config.status, uri, nodeName, config.feature ?? 'watcher');
  return decision;
}

function faultError(status: number, uri: string, nodeName: string, feature: string): EsError {
  switch (status) {
    case 401:
      return authenticationError(`unable to authenticate user [elastic] for REST request [${uri}]`);
    case 403:
      return new EsError(403, 'security_exception', `current license is non-compliant for [${feature}]`, { 'license.expired.feature': feature });
    case 429:
      return new EsError(
        429,
        'es_rejected_execution_exception',
        `rejected execution of org.elasticsearch.common.util.concurrent.TimedRunnable@3c41e8a1 on QueueResizingEsThreadPoolExecutor[name = ${nodeName}/search, queue capacity = 1000, min queue capacity = 1000, max queue capacity = 1000, frame size = 2000, targeted response rate = 1s, task execution EWMA = 1.2ms, adjustment amount = 50, org.elasticsearch.common.util.concurrent.QueueResizingEsThreadPoolExecutor@1b6e1ec2[Running, pool size = 4, active threads = 4, queued tasks = 1000, completed tasks = 812344]]`,
      );
    case 503:
      return new EsError(503, 'cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];');
    case 502:
    case 504:
      return new EsError(status, status === 502 ? 'bad_gateway' : 'gateway_timeout', status === 502 ? 'the upstream node did not answer' : 'the upstream node timed out');
    default:
      return new EsError(500, 'exception', 'simulated internal failure');
  }
}
