import { describe, expect, it } from 'vitest';
import { getField, type SearchHit } from '../queries/common';
import { DOCS_7X, DOCS_8X } from '../queries/testing/auth-samples';
import { type LabDoc, searchLab } from '../queries/testing/lab-engine';
import { buildRecentAuthRequest, buildSshAttemptRequest, parseRecentHost, parseSshAttempt, SSH_ATTEMPT_GRACE_MS } from './requests';

type Doc = Record<string, unknown>;

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const SEC = 1000;

/** A sample re-timed onto the lab host; Beats' expected files omit @timestamp and host.name. */
function stored(source: Doc, id: string, ms: number, index: string): LabDoc {
  return { index, id, source: { ...source, '@timestamp': new Date(ms).toISOString(), 'host.name': 'lab-host' } };
}

const hit = (id: string, source: Doc): SearchHit => ({ _id: id, _source: { '@timestamp': new Date(NOW).toISOString(), ...source } });

describe('ssh-attempt-seen search', () => {
  it('finds the newest failed or invalid-user attempt since the chapter visit, in 7.x and 8.x documents', () => {
    const docs: LabDoc[] = [
      ...DOCS_7X.map((d, i) => stored(d, `7-${i}`, NOW - 60 * 60 * SEC + i * SEC, 'filebeat-7.17.0-2026.11.24')),
      ...DOCS_8X.map((d, i) => stored(d, `8-${i}`, NOW - 10 * SEC + i * SEC, 'filebeat-8.15.0')),
    ];
    const reached = NOW - 30 * SEC;
    const found = parseSshAttempt(searchLab(docs, buildSshAttemptRequest(reached), NOW));
    // The newest failed line of the 8.x sample names root and its source address.
    const newestFailed = [...DOCS_8X].reverse().find((d) => getField(d, 'system.auth.ssh.event') === 'Failed')!;
    expect(found).toEqual({ outcome: 'failed', user: 'root', sourceIp: getField(newestFailed, 'source.ip') });

    // Only the 7.x attempts an hour earlier: before the visit (and its grace), so nothing.
    const early = docs.filter((d) => d.id.startsWith('7-'));
    expect(parseSshAttempt(searchLab(early, buildSshAttemptRequest(reached), NOW))).toBeNull();
    expect(parseSshAttempt(searchLab(early, buildSshAttemptRequest(NOW - 60 * 60 * SEC), NOW))).toMatchObject({ user: 'root' });
  });

  it('allows for whole-second syslog times and host clock skew around the visit', () => {
    expect(buildSshAttemptRequest(NOW).body.query).toMatchObject({
      bool: { filter: expect.arrayContaining([{ range: { '@timestamp': { gte: NOW - SSH_ATTEMPT_GRACE_MS, format: 'epoch_millis' } } }]) },
    });
  });

  it('prefers a line that names both the user and the source IP', () => {
    const response = {
      hits: {
        hits: [
          hit('a', { message: 'input_userauth_request: invalid user hAx0R [preauth]' }),
          hit('b', { 'system.auth.ssh.event': 'Invalid', 'user.name': 'hAx0R', 'source.ip': '203.0.113.7' }),
        ],
      },
    };
    expect(parseSshAttempt(response)).toEqual({ outcome: 'invalid_user', user: 'hAx0R', sourceIp: '203.0.113.7' });
    // With no better line, the user alone is still an attempt.
    expect(parseSshAttempt({ hits: { hits: [response.hits.hits[0]] } })).toEqual({ outcome: 'invalid_user', user: 'hAx0R', sourceIp: null });
  });

  it('does not count accepted logins or other auth lines', () => {
    const accepted = DOCS_8X.filter((d) => getField(d, 'system.auth.ssh.event') === 'Accepted').map((d, i) => hit(`ok-${i}`, d));
    expect(accepted.length).toBeGreaterThan(0);
    expect(parseSshAttempt({ hits: { hits: [...accepted, hit('sudo', { message: 'pam_unix(sudo:session): session opened for user root' })] } })).toBeNull();
    expect(parseSshAttempt({ hits: { hits: [] } })).toBeNull();
  });
});

describe('filebeat-auth-data search', () => {
  it('sees system.auth events of the last 5 minutes and names the host', () => {
    const docs = [stored(DOCS_8X[0]!, 'recent', NOW - 60 * SEC, 'filebeat-8.15.0'), stored(DOCS_7X[0]!, 'old', NOW - 10 * 60 * SEC, 'filebeat-7.17.0-2026.11.24')];
    expect(parseRecentHost(searchLab(docs, buildRecentAuthRequest(), NOW))).toMatchObject({ host: 'lab-host' });
    expect(parseRecentHost(searchLab(docs.slice(1), buildRecentAuthRequest(), NOW))).toBeNull();
  });
});
