import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterClient } from '../cluster/adapter';
import { connectCluster } from '../cluster/connect';
import { EndpointPolicy } from '../cluster/endpoint-policy';
import { createPracticeDeployment, runPracticeHostAction, type PracticeFlavor, type PracticeHostAction } from '../connections/practice-control';
import { startPracticeCluster, type PracticeCluster } from '../practice/server/index';
import { buildAuthTailRequest, buildSshSummaryRequest, parseAuthTail, parseSshSummary } from '../queries/auth-log';
import { getField, type SearchHit } from '../queries/common';
import { DOCS_7X, DOCS_8X } from '../queries/testing/auth-samples';
import { type LabDoc, searchLab } from '../queries/testing/lab-engine';
import { buildRecentAuthRequest, buildSshAttemptRequest, parseSshAttempt, SSH_ATTEMPT_GRACE_MS } from './chapter-3';
import { parseRecentHost } from './definition';
import { checkpointDefinition, type CheckpointVerdict } from './registry';

/**
 * Chapter 3's checkpoints and the auth log panel's queries against the practice cluster over real
 * HTTP, in both flavours: 7.17-style daily `filebeat-7.17.0-*` indices and an 8.x data stream, with
 * the documents the practice host's Filebeat writes (the module's pipeline quirks included).
 */
let practice: PracticeCluster;
let policy: EndpointPolicy;
const clients: ClusterClient[] = [];

beforeAll(async () => {
  practice = await startPracticeCluster({ port: 0, scheduler: false });
  policy = new EndpointPolicy({ practiceUrls: [practice.url] });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await practice?.close();
});

async function lab(flavor: PracticeFlavor) {
  const deployment = await createPracticeDeployment(practice.url, flavor, `chapter-3-${flavor}`);
  const { client } = await connectCluster({ url: deployment.url, username: deployment.username, password: deployment.password }, { policy });
  clients.push(client);
  const act = (action: PracticeHostAction, body: Record<string, unknown> = {}) => runPracticeHostAction(practice.url, deployment, action, body);
  const verify = (id: 'filebeat-setup' | 'filebeat-auth-data' | 'ssh-attempt-seen', reachedChapterAt: number | null): Promise<CheckpointVerdict> =>
    checkpointDefinition(id)!.verify({ client, reachedChapterAt: async () => reachedChapterAt });
  return { client, act, verify };
}

async function search(client: ClusterClient, request: ReturnType<typeof buildAuthTailRequest>) {
  return client.search(request.index, request.body, {
    querystring: { ignore_unavailable: request.ignore_unavailable, allow_no_indices: request.allow_no_indices },
  });
}

describe.each(['7', '8', '9'] as const)('chapter 3 on a practice cluster, flavour %s', (flavor) => {
  it('checkpoints go green as the attendee sets up Filebeat, starts it and tries ssh hAx0R@host', async () => {
    const { client, act, verify } = await lab(flavor);
    const reached = Date.now() - 5_000;

    // A fresh cluster: no pipeline, no index, no attempt. Pending, never an error.
    expect(await verify('filebeat-setup', reached)).toEqual({ state: 'pending' });
    expect(await verify('filebeat-auth-data', reached)).toEqual({ state: 'pending' });
    expect(await verify('ssh-attempt-seen', reached)).toEqual({ state: 'pending' });

    await act('filebeat-setup');
    const setup = await verify('filebeat-setup', reached);
    expect(setup.state).toBe('done');
    expect(setup.detail).toMatch(new RegExp(`^filebeat-${flavor}\\.\\d+\\.\\d+-system-auth-pipeline$`));

    await act('filebeat-start');
    // Filebeat's indices refresh every 5 s: its latest lines are searchable after that; refresh now instead of waiting.
    await client.request({ method: 'POST', path: '/_refresh' });
    expect(await verify('filebeat-auth-data', reached)).toMatchObject({ state: 'done', detail: expect.any(String) });
    expect(await verify('ssh-attempt-seen', reached)).toEqual({ state: 'pending' });

    await act('ssh-attempt', { sourceIp: '203.0.113.77' });
    // Filebeat's indices refresh every 5 s; refresh now instead of waiting for it.
    await client.request({ method: 'POST', path: '/_refresh' });
    expect(await verify('ssh-attempt-seen', reached)).toEqual({ state: 'done', detail: 'hAx0R ← 203.0.113.77' });
    // Not before the attendee reached chapter 3 (the visit is not recorded yet, or came later).
    expect(await verify('ssh-attempt-seen', null)).toEqual({ state: 'pending' });
    expect(await verify('ssh-attempt-seen', Date.now() + 5 * 60_000)).toEqual({ state: 'pending' });

    // The panel's first page: the attempt's lines highlighted with user and source IP, newest first.
    const now = Date.now();
    const first = parseAuthTail(await search(client, buildAuthTailRequest({ now })), undefined, { now });
    // The attendee's own login to the VM (publickey, shortly before the lab) is the accepted one.
    expect(first.events.filter((e) => e.ssh?.outcome === 'accepted').map((e) => e.ssh!.method)).toEqual(['publickey']);
    const attempts = first.events.filter((e) => e.ssh && e.ssh.outcome !== 'accepted');
    expect(attempts.map((e) => e.ssh!.outcome)).toEqual(expect.arrayContaining(['failed', 'invalid_user']));
    for (const event of attempts) {
      expect(event.ssh!.user).toBe('hAx0R');
      expect(event.process).toBe('sshd');
    }
    expect(attempts.filter((e) => e.ssh!.sourceIp === '203.0.113.77').length).toBeGreaterThanOrEqual(3);
    expect(first.events.map((e) => e.time)).toEqual([...first.events.map((e) => e.time)].sort().reverse());
    expect(first.events.every((e) => e.host && e.message)).toBe(true);

    // The filter box narrows the stream on the cluster.
    const sshd = parseAuthTail(await search(client, buildAuthTailRequest({ now, filter: 'process.name: sshd and user.name: hAx*' })), undefined, { now });
    expect(sshd.events.length).toBeGreaterThan(0);
    expect(sshd.events.every((e) => e.process === 'sshd')).toBe(true);
    const byIp = parseAuthTail(await search(client, buildAuthTailRequest({ now, filter: 'user.name: hAx0R and source.ip: 203.0.113.77' })), undefined, { now });
    expect(byIp.events.map((e) => e.ssh?.outcome)).toEqual(['invalid_user']);

    // The next poll brings only the new attempt.
    await act('ssh-attempt', { user: 'root', sourceIp: '198.51.100.9' });
    await client.request({ method: 'POST', path: '/_refresh' });
    const later = Date.now();
    const next = parseAuthTail(await search(client, buildAuthTailRequest({ cursor: first.cursor, now: later })), first.cursor, { now: later });
    expect(next.events.length).toBeGreaterThan(0);
    expect(next.events.filter((e) => e.ssh).every((e) => e.ssh!.user === 'root' && e.ssh!.sourceIp === '198.51.100.9')).toBe(true);
    expect(next.events.some((e) => first.events.some((f) => f.id === e.id))).toBe(false);

    const summary = parseSshSummary(await search(client, buildSshSummaryRequest({ range: '15m', now: Date.now() })));
    expect(summary.rows).toEqual(
      expect.arrayContaining([
        { user: 'hAx0R', sourceIp: '203.0.113.77', failed: 1, invalidUser: 1, accepted: 0, total: 2 },
        { user: 'root', sourceIp: '198.51.100.9', failed: 1, invalidUser: 0, accepted: 0, total: 1 },
      ]),
    );
  });
});

// The searches behind the checkpoints, on the practice engine in process with the real samples.

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
