import { AUTH_DATASET, AUTH_LOG_FIELDS, AUTH_LOG_INDEX, AUTH_PIPELINE_PATTERN, parseAuthEvent } from '../queries/auth-log';
import { asString, getField, hitsOf, searchRequest, type SearchRequest } from '../queries/common';

/**
 * The searches behind the checkpoints, pure like the panel queries: a builder for the request and
 * a reader for the answer. Time windows use the cluster's own `now`, so a skewed laptop clock does
 * not matter.
 */
export const SAMPLE_DATA_PATTERN = 'kibana_sample_data_*';
export const METRICBEAT_PATTERN = 'metricbeat-*';
export const FILEBEAT_AUTH_PIPELINE_PATTERN = AUTH_PIPELINE_PATTERN;

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
 * Syslog timestamps have whole seconds and the host's clock is not the guide's: an attempt made
 * right after the attendee opened chapter 3 can carry a time a little before it.
 */
export const SSH_ATTEMPT_GRACE_MS = 30_000;

/** Enough recent candidates to find one that names both the user and the source IP. */
const SSH_ATTEMPT_CANDIDATES = 20;

/**
 * The newest failed or invalid-user SSH attempts since `sinceMs`. Parsed events carry
 * `system.auth.ssh.event` (7.x and 8.x pipelines alike); the phrases catch the sshd lines the
 * pipeline leaves unparsed (or that arrive before `filebeat setup` loaded it).
 */
export function buildSshAttemptRequest(sinceMs: number): SearchRequest {
  return searchRequest(AUTH_LOG_INDEX, {
    size: SSH_ATTEMPT_CANDIDATES,
    track_total_hits: false,
    query: {
      bool: {
        filter: [
          { term: { [AUTH_LOG_FIELDS.dataset]: AUTH_DATASET } },
          { range: { '@timestamp': { gte: sinceMs - SSH_ATTEMPT_GRACE_MS, format: 'epoch_millis' } } },
        ],
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

export interface SeenSshAttempt {
  user: string | null;
  sourceIp: string | null;
  outcome: 'failed' | 'invalid_user';
}

/**
 * The newest failed or invalid-user attempt, preferring one whose line names both the user and the
 * source IP: one `ssh hAx0R@host` writes several lines, and "input_userauth_request: invalid user
 * hAx0R" has no IP.
 */
export function parseSshAttempt(response: unknown): SeenSshAttempt | null {
  const attempts: SeenSshAttempt[] = [];
  for (const hit of hitsOf(response)) {
    const ssh = parseAuthEvent(hit).ssh;
    if (!ssh || ssh.outcome === 'accepted') continue;
    attempts.push({ user: ssh.user?.trim() || null, sourceIp: ssh.sourceIp, outcome: ssh.outcome });
  }
  return attempts.find((a) => a.user !== null && a.sourceIp !== null) ?? attempts[0] ?? null;
}
