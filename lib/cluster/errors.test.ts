import { errors as errors7 } from 'es7';
import { errors as errors8 } from 'es8';
import { describe, expect, it } from 'vitest';
import { AppError, toErrorBody } from '../errors';
import { fromResponse, translateClusterError } from './errors';

const AUTH = 'Basic ZWxhc3RpYzpodW50ZXIy'; // elastic:hunter2

function esBody(status: number, type: string, reason: string, extra: Record<string, unknown> = {}) {
  return { error: { root_cause: [{ type, reason, ...extra }], type, reason, ...extra }, status };
}

/** A response error as each client builds it after an HTTP answer (request headers included). */
function responseErrors(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  const request = { params: { method: 'GET', path: '/', headers: { authorization: AUTH } }, options: {}, id: 1 };
  const meta7 = { body, statusCode, headers, warnings: null, meta: { context: null, request, name: 'es', connection: null, attempts: 0, aborted: false } };
  const meta8 = { body, statusCode, headers, warnings: null, meta: { context: null, request, name: 'es', connection: null, attempts: 0, aborted: false } };
  return [
    ['es7', new errors7.ResponseError(meta7 as never)],
    ['es8', new errors8.ResponseError(meta8 as never)],
  ] as const;
}

const LICENCE_403 = esBody(403, 'security_exception', 'current license is non-compliant for [watcher]', { 'license.expired.feature': 'watcher' });
const ML_LICENCE_403 = esBody(403, 'security_exception', 'current license is non-compliant for [ml]');
const PRIVILEGE_403 = esBody(
  403,
  'security_exception',
  'action [indices:data/read/search] is unauthorized for user [reader] with effective roles [reader] on indices [filebeat-*], this action is granted by the index privileges [read,all]',
);
const LICENCE_GET_403 = esBody(403, 'security_exception', 'action [cluster:monitor/xpack/license/get] is unauthorized for user [u], this action is granted by the cluster privileges [monitor,manage,all]');
const NO_ML_429 = {
  error: {
    root_cause: [{ type: 'status_exception', reason: 'Could not open job because no ML nodes with sufficient capacity were found' }],
    type: 'status_exception',
    reason: 'Could not open job because no ML nodes with sufficient capacity were found',
    caused_by: { type: 'illegal_state_exception', reason: "Not opening job [x] on node [instance-0000000000]. Reason: This node isn't a machine learning node." },
  },
  status: 429,
};

describe('translateClusterError: response errors of both clients', () => {
  it.each([
    [401, esBody(401, 'security_exception', 'unable to authenticate user [elastic] for REST request [/]'), 'unauthorized', { authKind: 'basic' }],
    [403, LICENCE_403, 'licence_required', { feature: 'watcher' }],
    [403, ML_LICENCE_403, 'licence_required', { feature: 'ml' }],
    [403, PRIVILEGE_403, 'forbidden', { privileges: 'read,all' }],
    [403, LICENCE_GET_403, 'forbidden', { privileges: 'monitor,manage,all' }],
    [403, esBody(403, 'cluster_block_exception', 'index [x] blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];'), 'cluster_unavailable', { reason: 'disk_full' }],
    [404, esBody(404, 'index_not_found_exception', 'no such index [metricbeat-*]', { index: 'metricbeat-*', 'resource.id': 'metricbeat-*' }), 'index_missing', { index: 'metricbeat-*' }],
    [404, { ok: false, message: 'Unknown resource.' }, 'cluster_unavailable', { reason: 'unknown_deployment' }],
    [404, esBody(404, 'resource_not_found_exception', "No known job with id 'x'"), 'not_found', {}],
    [408, { cluster_name: 'c', status: 'red', timed_out: true }, 'timeout', {}],
    [429, NO_ML_429, 'no_ml_node', {}],
    [429, esBody(429, 'circuit_breaking_exception', '[parent] Data too large'), 'rate_limited', { reason: 'circuit_breaker' }],
    [429, esBody(429, 'es_rejected_execution_exception', 'rejected execution'), 'rate_limited', { reason: 'other' }],
    [400, esBody(400, 'parsing_exception', 'unknown query [bogus]'), 'invalid_request', { reason: 'unknown query [bogus]' }],
    [400, esBody(400, 'media_type_header_exception', 'Accept version must be either version 8 or 7, but found 9.'), 'internal', {}],
    [406, { error: 'Content-Type header [application/vnd.elasticsearch+json; compatible-with=8] is not supported', status: 406 }, 'internal', {}],
    [500, esBody(500, 'exception', 'boom'), 'cluster_unavailable', { reason: 'other' }],
    [502, '<html>Bad Gateway</html>', 'cluster_unavailable', { reason: 'other' }],
    [503, esBody(503, 'master_not_discovered_exception', 'no master'), 'cluster_unavailable', { reason: 'other' }],
    [503, esBody(503, 'search_phase_execution_exception', 'all shards failed'), 'cluster_unavailable', { reason: 'red' }],
    [504, '', 'cluster_unavailable', { reason: 'other' }],
  ] as const)('HTTP %i -> $2', (status, body, code, params) => {
    for (const [client, error] of responseErrors(status, body)) {
      const translated = translateClusterError(error);
      expect(translated.code, client).toBe(code);
      expect(translated.params, client).toMatchObject(params);
    }
  });

  it('says API key for an API key connection refused with 401', () => {
    for (const [, error] of responseErrors(401, esBody(401, 'security_exception', 'unable to authenticate with provided credentials'))) {
      expect(translateClusterError(error, { authKind: 'api_key' }).params.authKind).toBe('api_key');
    }
  });

  it('reads Retry-After on 429', () => {
    expect(fromResponse(429, esBody(429, 'es_rejected_execution_exception', 'x'), { 'retry-after': '7' }).params.retryAfterSeconds).toBe(7);
  });

  it('never carries credentials into messages, details or the response body', () => {
    for (const [, error] of responseErrors(401, esBody(401, 'security_exception', 'unable to authenticate user [elastic]'))) {
      const translated = translateClusterError(error);
      const everything = JSON.stringify([translated.message, translated.toLog(), toErrorBody(translated, 'en'), toErrorBody(translated, 'ko')]);
      expect(everything).not.toContain('ZWxhc3RpYzpodW50ZXIy');
      expect(everything).not.toContain('hunter2');
    }
  });
});

describe('translateClusterError: transport errors of both clients', () => {
  // As the transports build them: with the request's diagnostic result as meta.
  const meta = { body: null, statusCode: null, headers: null, warnings: null, meta: { request: { params: { headers: { authorization: AUTH } } } } } as never;
  const both = (make: (lib: typeof errors7 | typeof errors8) => Error) => [make(errors7), make(errors8)];

  it.each([
    ['getaddrinfo ENOTFOUND abc.us-east-1.aws.found.io', 'dns_failed', {}],
    ['getaddrinfo EAI_AGAIN abc.us-east-1.aws.found.io', 'dns_failed', {}],
    ['self-signed certificate', 'tls_failed', { reason: 'self_signed' }],
    ['self signed certificate in certificate chain', 'tls_failed', { reason: 'self_signed' }],
    ['certificate has expired', 'tls_failed', { reason: 'expired' }],
    ["Hostname/IP does not match certificate's altnames: Host: a. is not in the cert's altnames: DNS:b", 'tls_failed', { reason: 'hostname_mismatch' }],
    ['unable to verify the first certificate', 'tls_failed', { reason: 'untrusted' }],
    ['unable to get local issuer certificate', 'tls_failed', { reason: 'untrusted' }],
    ['write EPROTO 00:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', 'tls_failed', { reason: 'protocol' }],
    ['Client network socket disconnected before secure TLS connection was established', 'tls_failed', { reason: 'other' }],
    ['connect ECONNREFUSED 35.1.2.3:443', 'cluster_unavailable', { reason: 'unreachable' }],
    ['read ECONNRESET - Local: 10.0.0.2:5000, Remote: 35.1.2.3:443', 'cluster_unavailable', { reason: 'unreachable' }],
    ['ERR_ENDPOINT_NOT_ALLOWED: x.found.io resolves to an address that is not allowed', 'endpoint_not_allowed', { reason: 'private_address' }],
  ])('ConnectionError "%s" -> %s', (message, code, params) => {
    for (const error of both((lib) => new lib.ConnectionError(message, meta))) {
      const translated = translateClusterError(error, { host: 'abc.us-east-1.aws.found.io' });
      expect(translated.code).toBe(code);
      expect(translated.params).toMatchObject(params);
    }
  });

  it('maps timeouts and aborts to timeout, with the limit', () => {
    for (const error of [
      ...both((lib) => new lib.TimeoutError('Request timed out', meta)),
      ...both((lib) => new lib.RequestAbortedError('Request aborted', meta)),
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      new DOMException('This operation was aborted', 'AbortError'),
    ]) {
      const translated = translateClusterError(error, { timeoutMs: 5000 });
      expect(translated.code).toBe('timeout');
      expect(translated.params.timeoutMs).toBe(5000);
    }
  });

  it('maps a server that is not Elasticsearch', () => {
    expect(translateClusterError(new errors7.ProductNotSupportedError({ headers: {} } as never)).code).toBe('not_elasticsearch');
    expect(translateClusterError(new errors8.ProductNotSupportedError('Elasticsearch', { headers: { 'kbn-name': 'kibana' } } as never)).params.reason).toBe('kibana');
    const oss = new errors7.ProductNotSupportedError({} as never);
    oss.message = 'The client noticed that the server is not a supported distribution of Elasticsearch';
    expect(translateClusterError(oss)).toMatchObject({ code: 'version_unsupported', params: { reason: 'oss' } });
    for (const error of both((lib) => new lib.DeserializationError('Unexpected token <', '<html><title>Elastic</title>kbn-injected-metadata</html>'))) {
      expect(translateClusterError(error)).toMatchObject({ code: 'not_elasticsearch', params: { reason: 'kibana' } });
    }
  });

  it('maps no living connections to unavailable and configuration errors to internal', () => {
    for (const error of both((lib) => new lib.NoLivingConnectionsError('none', {} as never))) {
      expect(translateClusterError(error).code).toBe('cluster_unavailable');
    }
    for (const error of both((lib) => new lib.ConfigurationError('bad'))) {
      expect(translateClusterError(error).code).toBe('internal');
    }
  });

  it('maps Node socket errors by their code', () => {
    const tls = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    expect(translateClusterError(tls).params.reason).toBe('expired');
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' });
    expect(translateClusterError(dns, { host: 'x' })).toMatchObject({ code: 'dns_failed', params: { host: 'x' } });
  });

  it('passes AppErrors through and hides anything else as internal', () => {
    const original = new AppError('not_connected');
    expect(translateClusterError(original)).toBe(original);
    expect(translateClusterError(new TypeError('x is undefined')).code).toBe('internal');
    expect(translateClusterError('weird').code).toBe('internal');
  });
});
