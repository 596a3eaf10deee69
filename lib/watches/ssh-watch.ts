/**
 * The handout's SSH login attempt watch (chapter 4, step 23) as the guide prints it, for an
 * attendee's email and cluster version, with the chapter's errata applied: no `types` (8.x/9.x
 * refuse it, 7.x only deprecates it), `rest_total_hits_as_int` stated, a query that also finds the
 * `Invalid user` and `Failed password` lines current sshd writes, an email body that lists each
 * attempt with a mustache section, and the handout's watch-level `throttle_period_in_millis`.
 */

export const SSH_WATCH_ID = 'ssh-login-attempt';
export const SSH_WATCH_NAME = 'SSH Login Attempt';
export const SSH_EMAIL_PLACEHOLDER = 'YOUR_EMAIL_ADDRESS';

/**
 * The index pattern per major version. Filebeat 7.x writes daily indices `filebeat-7.x.y-date`,
 * 8.x and 9.x write the data stream `filebeat-<version>`; `filebeat-*` matches both (a wildcard
 * expands to data streams), so the pattern stays the handout's.
 */
const SSH_INDICES: Record<string, string[]> = { '7': ['filebeat-*'], '8': ['filebeat-*'], '9': ['filebeat-*'] };

export function majorOf(version: string): string {
  return version.split('.')[0] ?? version;
}

export function buildSshWatch(opts: { email: string; version: string }): Record<string, unknown> {
  const indices = SSH_INDICES[majorOf(opts.version)] ?? ['filebeat-*'];
  return {
    trigger: { schedule: { interval: '1m' } },
    input: {
      search: {
        request: {
          search_type: 'query_then_fetch',
          indices,
          rest_total_hits_as_int: true,
          body: {
            query: {
              bool: {
                must: [{ query_string: { query: 'input_userauth_request OR "Invalid user" OR "Failed password"' } }, { range: { '@timestamp': { gte: 'now-1m' } } }],
              },
            },
            _source: ['message'],
            sort: [{ '@timestamp': { order: 'desc' } }],
          },
        },
      },
    },
    condition: { compare: { 'ctx.payload.hits.total': { gt: 0 } } },
    actions: {
      send_email: {
        email: {
          profile: 'standard',
          to: [opts.email],
          subject: '[Elastic Alert] SSH Login Attempt',
          body: { text: '{{ctx.payload.hits.total}} SSH login attempts have failed:\n{{#ctx.payload.hits.hits}}{{_source.message}}\n{{/ctx.payload.hits.hits}}' },
        },
      },
    },
    throttle_period_in_millis: 60000,
  };
}
