import { AUTH_DATASET, AUTH_LOG_FIELDS, AUTH_LOG_INDEX, parseAuthEvent } from '../queries/auth-log';
import { asString, getField, hitsOf, searchRequest, type SearchRequest } from '../queries/common';

/**
 * The searches behind the checkpoints, pure like the panel queries: a builder for the request and
 * a reader for the answer. Time windows use the cluster's own `now`, so a skewed laptop clock does
 * not matter.
 */
export const SAMPLE_DATA_PATTERN = 'kibana_sample_data_*';
export const METRICBEAT_PATTERN = 'metricbeat-*';
export const FILEBEAT_AUTH_PIPELINE_PATTERN = 'filebeat-*-system-auth-pipeline';

/** The newest Metricbeat document of the last 60 s: which host is reporting. */
export function buildRecentMetricbeatRequest(): SearchRequest {
  return searchRequest(METRICBEAT_PATTERN, {
    size: 1,
    track_total_hits: false,
    _source: ['host.name', 'host.hostname', '@timestamp'],
    query: { bool: { filter: [{ range: { '@timestamp': { gte: 'now-60s' } } }] } },
    sort: [{ '@timestamp': { order: 'desc' } }],
  });
}

export function parseRecentHost(response: unknown): { host: string; at: string } | null {
  const hit = hitsOf(response)[0];
  if (!hit) return null;
  const source = hit._source ?? {};
  const host = asString(getField(source, 'host.name')) ?? asString(getField(source, 'host.hostname')) ?? 'unknown host';
  return { host, at: asString(getField(source, '@timestamp')) ?? '' };
}

/** Any `system.auth` event in the last 5 minutes. */
export function buildRecentAuthRequest(): SearchRequest {
  return searchRequest(AUTH_LOG_INDEX, {
    size: 1,
    track_total_hits: false,
    _source: ['host.name', '@timestamp'],
    query: {
      bool: {
        filter: [{ term: { [AUTH_LOG_FIELDS.dataset]: AUTH_DATASET } }, { range: { '@timestamp': { gte: 'now-5m' } } }],
      },
    },
    sort: [{ '@timestamp': { order: 'desc' } }],
  });
}

/**
 * The newest failed or invalid-user SSH attempt since `sinceMs`. Parsed events carry
 * `system.auth.ssh.event`; the phrases catch the sshd lines the pipeline leaves unparsed.
 */
export function buildSshAttemptRequest(sinceMs: number): SearchRequest {
  return searchRequest(AUTH_LOG_INDEX, {
    size: 1,
    track_total_hits: false,
    query: {
      bool: {
        filter: [{ term: { [AUTH_LOG_FIELDS.dataset]: AUTH_DATASET } }, { range: { '@timestamp': { gte: sinceMs, format: 'epoch_millis' } } }],
        should: [
          { terms: { [AUTH_LOG_FIELDS.sshEvent]: ['Failed', 'Invalid'] } },
          { match_phrase: { message: 'Invalid user' } },
          { match_phrase: { message: 'Failed password' } },
          { match_phrase: { message: 'input_userauth_request: invalid user' } },
        ],
        minimum_should_match: 1,
      },
    },
    sort: [{ '@timestamp': { order: 'desc' } }],
  });
}

export function parseSshAttempt(response: unknown): { user: string | null; sourceIp: string | null; outcome: string } | null {
  const hit = hitsOf(response)[0];
  if (!hit) return null;
  const event = parseAuthEvent(hit);
  if (!event.ssh || event.ssh.outcome === 'accepted') return null;
  return { user: event.ssh.user?.trim() || null, sourceIp: event.ssh.sourceIp, outcome: event.ssh.outcome };
}
