import 'server-only';
import { AUTH_DATASET, AUTH_LOG_FIELDS, AUTH_LOG_INDEX, AUTH_PIPELINE_PATTERN, parseAuthEvent, parseFilebeatModuleStatus } from '../queries/auth-log';
import { hitsOf, searchRequest, type SearchRequest } from '../queries/common';
import { CHECK_TIMEOUT_MS, parseRecentHost, searchFor, type CheckpointDefinition } from './definition';

/** Chapter 3 (Filebeat): `filebeat setup` loaded the auth pipeline, auth events arrive, and the attendee's SSH attempt is seen. */

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

export const chapter3: CheckpointDefinition[] = [
  {
    id: 'filebeat-setup',
    chapter: 3,
    async verify({ client, signal }) {
      const status = parseFilebeatModuleStatus(await client.getPipeline(AUTH_PIPELINE_PATTERN, { timeoutMs: CHECK_TIMEOUT_MS, signal }));
      const newest = status.pipelines[0];
      return newest ? { state: 'done', detail: newest.id } : { state: 'pending' };
    },
  },
  {
    id: 'filebeat-auth-data',
    chapter: 3,
    async verify(ctx) {
      const recent = parseRecentHost(await searchFor(ctx, buildRecentAuthRequest()));
      return recent ? { state: 'done', detail: recent.host } : { state: 'pending' };
    },
  },
  {
    id: 'ssh-attempt-seen',
    chapter: 3,
    async verify(ctx) {
      // Only attempts made after the attendee reached chapter 3 count: an internet-facing host
      // collects strangers' attempts all day, and those earlier ones are not the attendee's step.
      const since = await ctx.reachedChapterAt(3);
      if (since === null) return { state: 'pending' };
      const attempt = parseSshAttempt(await searchFor(ctx, buildSshAttemptRequest(since)));
      if (!attempt) return { state: 'pending' };
      return { state: 'done', detail: `${attempt.user ?? '?'} ← ${attempt.sourceIp ?? '?'}` };
    },
  },
];
