import 'server-only';
import { errors as errors7 } from 'es7';
import { errors as errors8 } from 'es8';
import { AppError, type ErrorParams } from '../errors';

/**
 * The single place where what goes wrong between the server and a cluster becomes an AppError:
 * both clients' error classes (7.17 and 8.19 share names but not classes), HTTP error bodies of
 * the plain probe, Node socket/DNS/TLS errors and abort/timeout signals. Nothing else inspects
 * Elasticsearch errors. Details go to `detail` (log only, redacted), never the reader's message.
 */
export interface TranslateContext {
  /** The host the attendee gave (shown in dns_failed). */
  host?: string;
  authKind?: 'basic' | 'api_key';
  timeoutMs?: number;
}

export function translateClusterError(error: unknown, context: TranslateContext = {}): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof Error)) return new AppError('internal', { detail: String(error) });
  const name = error.name;

  if (isResponseError(error)) {
    const meta = (error as { meta?: { statusCode?: number; headers?: Record<string, unknown> } }).meta;
    return fromResponse(meta?.statusCode ?? error.statusCode ?? 0, error.body, meta?.headers ?? {}, context);
  }
  if (name === 'TimeoutError' || name === 'AbortError' || name === 'RequestAbortedError') {
    return new AppError('timeout', { params: timeoutParams(context), detail: describe(error) });
  }
  if (name === 'ProductNotSupportedError') {
    const headers = ((error as { meta?: { headers?: Record<string, unknown> } }).meta?.headers ?? {}) as Record<string, unknown>;
    if (/supported distribution/i.test(error.message)) {
      return new AppError('version_unsupported', { params: { reason: 'oss' }, detail: describe(error) });
    }
    return new AppError('not_elasticsearch', { params: { reason: 'kbn-name' in headers ? 'kibana' : 'other' }, detail: describe(error) });
  }
  if (name === 'DeserializationError') {
    const data = String((error as { data?: unknown }).data ?? '');
    return new AppError('not_elasticsearch', { params: { reason: /kibana|kbn-/i.test(data) ? 'kibana' : 'other' }, detail: describe(error) });
  }
  if (name === 'NoLivingConnectionsError') {
    return new AppError('cluster_unavailable', { params: { reason: 'unreachable' }, detail: describe(error) });
  }
  if (name === 'ConnectionError' || typeof (error as NodeJS.ErrnoException).code === 'string') {
    return fromSocketError(error, context);
  }
  return new AppError('internal', { detail: describe(error) });
}

function isResponseError(error: Error): error is Error & { statusCode?: number; body?: unknown } {
  return error instanceof errors7.ResponseError || error instanceof errors8.ResponseError || error.name === 'ResponseError';
}

interface EsErrorCause {
  type?: string;
  reason?: string;
  index?: string;
  'resource.id'?: string | string[];
  'license.expired.feature'?: string;
  root_cause?: EsErrorCause[];
  caused_by?: EsErrorCause;
}

/** Maps an HTTP error answer (ES envelope, Cloud proxy envelope or text) to a code. */
export function fromResponse(
  status: number,
  body: unknown,
  headers: Record<string, unknown> = {},
  context: TranslateContext = {},
): AppError {
  const envelope = (isObject(body) && isObject(body.error) ? body.error : null) as EsErrorCause | null;
  const causes = envelope === null ? [] : [envelope, ...(envelope.root_cause ?? []), ...(envelope.caused_by ? [envelope.caused_by] : [])];
  const types = causes.map((c) => c.type ?? '');
  const text = causes.map((c) => `${c.type ?? ''} ${c.reason ?? ''}`).join(' | ') || (typeof body === 'string' ? body : JSON.stringify(body ?? ''));
  const detail = `HTTP ${status}: ${text.slice(0, 600)}`;
  const make = (code: ConstructorParameters<typeof AppError>[0], params: ErrorParams = {}) => new AppError(code, { params, detail });
  const rootReason = (causes[1] ?? causes[0])?.reason;

  switch (true) {
    case status === 401:
      return make('unauthorized', { authKind: context.authKind ?? 'basic' });
    case status === 403 || (status === 429 && types.includes('cluster_block_exception')): {
      const feature = causes.map((c) => c['license.expired.feature']).find((f) => f !== undefined);
      // Not just "license": a missing privilege on the licence API also mentions it.
      const licenceText = /current license is non-compliant|license is (?:expired|not (?:active|compliant))/i.exec(text);
      if (feature !== undefined || licenceText) {
        return make('licence_required', { feature: normaliseFeature(feature ?? /non-compliant for \[([^\]]+)\]/i.exec(text)?.[1]) });
      }
      if (types.includes('cluster_block_exception')) {
        return make('cluster_unavailable', { reason: /read-only|flood/i.test(text) ? 'disk_full' : 'other' });
      }
      return make('forbidden', { privileges: /granted by the (?:index|cluster) privileges \[([^\]]+)\]/.exec(text)?.[1] });
    }
    case status === 404: {
      if (types.includes('index_not_found_exception')) {
        const cause = causes.find((c) => c.type === 'index_not_found_exception');
        const resource = cause?.['resource.id'];
        return make('index_missing', { index: cause?.index ?? (Array.isArray(resource) ? resource.join(',') : resource) });
      }
      if (isObject(body) && body.ok === false) return make('cluster_unavailable', { reason: 'unknown_deployment' });
      return make('not_found');
    }
    case status === 408:
      return make('timeout', timeoutParams(context));
    case status === 429: {
      if (/ML nodes?|machine learning node|this node isn't a machine learning node/i.test(text)) return make('no_ml_node');
      const retryAfter = Number(headers['retry-after']);
      return make('rate_limited', {
        reason: types.includes('circuit_breaking_exception') ? 'circuit_breaker' : 'other',
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      });
    }
    // A compatibility-header refusal means the wrong client major was picked: our bug, not the reader's.
    case status === 406 || types.includes('media_type_header_exception'):
      return make('internal');
    case status >= 400 && status < 500:
      return make('invalid_request', { reason: rootReason?.slice(0, 200) });
    case status >= 500:
      return make('cluster_unavailable', {
        reason: types.some((t) => t === 'no_shard_available_action_exception' || t === 'search_phase_execution_exception') ? 'red' : 'other',
      });
    default:
      return make('internal');
  }
}

const TLS_BY_CODE: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self_signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self_signed',
  CERT_HAS_EXPIRED: 'expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname_mismatch',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  ERR_SSL_WRONG_VERSION_NUMBER: 'protocol',
  EPROTO: 'protocol',
};

/*
 * Both clients wrap socket errors in ConnectionError keeping only the message, so the message
 * is matched as well as the code.
 */
const BY_MESSAGE: readonly [RegExp, (context: TranslateContext) => [ConstructorParameters<typeof AppError>[0], ErrorParams]][] = [
  [/ERR_ENDPOINT_NOT_ALLOWED/, (c) => ['endpoint_not_allowed', { host: c.host, reason: 'private_address' }]],
  [/getaddrinfo|ENOTFOUND|EAI_AGAIN|EAI_FAIL|ENODATA/, (c) => ['dns_failed', { host: c.host }]],
  [/self[- ]signed/i, () => ['tls_failed', { reason: 'self_signed' }]],
  [/certificate has expired|CERT_HAS_EXPIRED/i, () => ['tls_failed', { reason: 'expired' }]],
  [/altnames|does not match certificate|ERR_TLS_CERT_ALTNAME_INVALID/i, () => ['tls_failed', { reason: 'hostname_mismatch' }]],
  [/unable to verify|unable to get (local )?issuer|certificate/i, () => ['tls_failed', { reason: 'untrusted' }]],
  [/wrong version number|packet length too long|EPROTO|ssl3_get_record/i, () => ['tls_failed', { reason: 'protocol' }]],
  [/\bTLS\b|\bSSL\b|ERR_TLS_|ERR_SSL_|CERT_/, () => ['tls_failed', { reason: 'other' }]],
  [/ETIMEDOUT|timed out/i, (c) => ['timeout', timeoutParams(c)]],
  [/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|socket hang up|other side closed|Connection closed/i, () => [
    'cluster_unavailable',
    { reason: 'unreachable' },
  ]],
];

function fromSocketError(error: Error, context: TranslateContext): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  const detail = describe(error);
  if (code !== undefined) {
    const tls = TLS_BY_CODE[code];
    if (tls !== undefined) return new AppError('tls_failed', { params: { reason: tls }, detail });
  }
  const haystack = `${code ?? ''} ${error.message}`;
  for (const [pattern, make] of BY_MESSAGE) {
    if (pattern.test(haystack)) {
      const [appCode, params] = make(context);
      return new AppError(appCode, { params, detail });
    }
  }
  return new AppError('cluster_unavailable', { params: { reason: 'unreachable' }, detail });
}

function normaliseFeature(feature: string | undefined): string | undefined {
  if (feature === undefined) return undefined;
  const lower = feature.toLowerCase();
  if (lower === 'ml' || lower.startsWith('machine')) return 'ml';
  return lower;
}

function timeoutParams(context: TranslateContext): ErrorParams {
  return context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs };
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return `${error.name}${code ? ` ${code}` : ''}: ${error.message}`.slice(0, 600);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
