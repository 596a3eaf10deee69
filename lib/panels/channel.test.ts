import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { SessionParticipant } from '../auth/sign-in';
import { connectPracticeCluster } from '../connections/service';
import { createParticipant, type ClusterConnection } from '../db';
import { encodeAuthOlderCursor } from '../queries/auth-log/older-cursor';
import { practiceAppForTests } from '../testing/practice-app';
import { CHANNEL_SOURCES, channelRequestSchema, panelSource, readChannel, type ChannelCaller, type ChannelSource } from './channel';
import type { ChannelAnswer } from './channel.contract';
import { panelContract, type PanelReading } from './contract';
import { panelReader } from './read';

const app = practiceAppForTests();
let connected: ChannelCaller;
let stranger: ChannelCaller;

async function caller(name: string, practiceFlavour: '8' | null): Promise<ChannelCaller> {
  const row = await createParticipant(app.ctx.db, { displayName: name, role: 'self_paced' });
  if (practiceFlavour) await connectPracticeCluster(app.ctx, row.id, practiceFlavour);
  const participant: SessionParticipant = { id: row.id, name, role: 'self_paced', workshopId: null };
  return { participant, ctx: app.ctx, locale: 'en' };
}

beforeAll(async () => {
  connected = await caller('reader', '8');
  stranger = await caller('no cluster', null);
}, 60_000);

const data = (answer: ChannelAnswer | undefined) => (answer && 'data' in answer ? answer.data : undefined);
const failure = (answer: ChannelAnswer | undefined) => (answer && 'error' in answer ? answer : undefined);

describe('the page channel (server side)', () => {
  it('answers a chapter page’s reads in order, each as its own route would', async () => {
    const reads = ['/api/panels/cluster-status', '/api/checkpoints?chapter=3', '/api/panels/auth-log?filter=', '/api/panels/auth-log/summary?range=15m', '/api/panels/auth-log/module'];
    const answers = await readChannel(connected, reads);
    expect(answers).toHaveLength(5);
    expect(data(answers[0])).toMatchObject({ connection: { kind: 'practice' }, status: { health: { status: expect.any(String) } }, error: null, checkedAt: expect.any(String) });
    expect((data(answers[1]) as { id: string }[]).map((item) => item.id)).toEqual(['filebeat-setup', 'filebeat-auth-data', 'ssh-attempt-seen']);
    expect(data(answers[2])).toMatchObject({ events: expect.any(Array), cursor: expect.any(String), checkedAt: expect.any(String) });
    expect(data(answers[3])).toMatchObject({ range: '15m', checkedAt: expect.any(String) });
    expect(data(answers[4])).toMatchObject({ installed: false, checkedAt: expect.any(String) });
  });

  it('carries the chapter 4 page: the watches panel, the builder’s field pickers and preview, the practice mailbox', async () => {
    const preview = '/api/panels/watches/preview?aggField=system.cpu.total.norm.pct&aggType=max&index=metricbeat-*&timeField=%40timestamp&timeWindowSize=1&timeWindowUnit=m';
    const reads = ['/api/panels/watches', '/api/panels/watches/fields?index=metricbeat-*', preview, '/api/practice/outbox', '/api/checkpoints?chapter=4', '/api/panels/watches/preview?index=metricbeat-*'];
    const answers = await readChannel(connected, reads);
    expect(answers.some((answer) => 'route' in answer)).toBe(false);
    expect(data(answers[0])).toMatchObject({ watches: [], total: 0, history: { readable: true }, version: { major: 8 }, checkedAt: expect.any(String) });
    expect(data(answers[1])).toMatchObject({ checkedAt: expect.any(String) });
    expect(data(answers[2])).toMatchObject({ series: expect.any(Array), checkedAt: expect.any(String) });
    expect(data(answers[3])).toEqual({ emails: [] });
    expect((data(answers[4]) as { id: string }[]).map((item) => item.id)).toContain('highcpu-watch-created');
    // The preview's own validation, as its route: no time field, no aggregation.
    expect(failure(answers[5])).toMatchObject({ status: 400, error: { code: 'invalid_request' } });
  });

  it('carries the auth log’s older pages (`before=`) as its route dispatches them, and the chapter 5 panel', async () => {
    const before = encodeURIComponent(encodeAuthOlderCursor({ v: 1, sort: [Date.now(), '', -1] }));
    const [older, unreadable, both, anomalies] = await readChannel(connected, [
      `/api/panels/auth-log?before=${before}&filter=`,
      '/api/panels/auth-log?before=not-a-cursor',
      `/api/panels/auth-log?before=${before}&cursor=${before}`,
      '/api/panels/ml-anomalies?job=flights',
    ]);
    expect(data(older)).toMatchObject({ events: expect.any(Array), more: expect.any(Boolean), checkedAt: expect.any(String) });
    expect(data(older)).not.toHaveProperty('cursor');
    expect(failure(unreadable)).toMatchObject({ status: 400, error: { code: 'invalid_request' } });
    expect(failure(both)).toMatchObject({ status: 400, error: { code: 'invalid_request' } });
    expect(anomalies && 'route' in anomalies).toBe(false);
  });

  it('one read’s failure is that read’s answer, with its route’s status and error body in the reader’s language', async () => {
    const answers = await readChannel(connected, ['/api/panels/auth-log?filter=user.name%3A', '/api/panels/host-metrics?range=2d', '/api/panels/cluster-status']);
    expect(failure(answers[0])).toMatchObject({ status: 400, error: { code: 'invalid_request', params: { field: 'filter', position: 10 } } });
    expect(failure(answers[0])!.error.message).toMatch(/character 11/);
    expect(failure(answers[1])).toMatchObject({ status: 400, error: { code: 'invalid_request', params: { field: 'range' } } });
    expect(data(answers[2])).toMatchObject({ error: null });

    const ko = await readChannel({ ...stranger, locale: 'ko' }, ['/api/panels/host-metrics?range=15m', '/api/panels/cluster-status', '/api/checkpoints?chapter=2']);
    expect(failure(ko[0])).toMatchObject({ status: 409, error: { code: 'not_connected' } });
    expect(failure(ko[0])!.error.message).toMatch(/[가-힣]/);
    // Without a connection the card offers the connect form (an answer, as its route), and the
    // checkpoints say why they wait.
    expect(data(ko[1])).toMatchObject({ connection: null, status: null, error: null });
    expect((data(ko[2]) as { code: string }[]).every((item) => item.code === 'not_connected')).toBe(true);
  });

  it('a read it does not carry is sent to its route; a read that is not a path of the app is refused', async () => {
    const answers = await readChannel(connected, ['/api/beats/filebeat/setup', '//evil.example/api/panels/cluster-status', 'https://evil.example/x', '/api/checkpoints?chapter=9']);
    expect(answers[0]).toEqual({ route: true });
    expect(failure(answers[1])).toMatchObject({ status: 400, error: { code: 'invalid_request', params: { field: 'reads' } } });
    expect(failure(answers[2])).toMatchObject({ status: 400, error: { code: 'invalid_request', params: { field: 'reads' } } });
    expect(failure(answers[3])).toMatchObject({ status: 400, error: { code: 'invalid_request', params: { field: 'chapter' } } });
  });

  it('an unexpected failure is `internal` with a request id, logged on the server, and does not fail the other reads', async () => {
    const broken: ChannelSource = {
      path: '/api/panels/broken',
      async read() {
        throw new Error('relation "nope" does not exist');
      },
    };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const answers = await readChannel(connected, ['/api/panels/broken', '/api/panels/cluster-status'], [broken, ...CHANNEL_SOURCES]);
    expect(failure(answers[0])).toMatchObject({ status: 500, error: { code: 'internal', params: { requestId: expect.any(String) } } });
    expect(JSON.stringify(answers[0])).not.toContain('nope');
    expect(logged.mock.calls.flat().join(' ')).toContain(failure(answers[0])!.error.params!.requestId as string);
    expect(data(answers[1])).toMatchObject({ error: null });
    logged.mockRestore();
  });

  it('reads the connection row once per request, and one read asked twice once', async () => {
    const seen: (ClusterConnection | null)[] = [];
    let calls = 0;
    const probe = (path: string): ChannelSource => ({
      path,
      async read(_caller, _search, shared) {
        calls++;
        seen.push(await shared.connection());
        return { path };
      },
    });
    const answers = await readChannel(connected, ['/a', '/b', '/a'], [probe('/a'), probe('/b')]);
    expect(answers.map(data)).toEqual([{ path: '/a' }, { path: '/b' }, { path: '/a' }]);
    expect(calls).toBe(2);
    expect(seen[0]).not.toBeNull();
    expect(seen[0]).toBe(seen[1]);
  });

  it('keeps the panels’ upstream cost: one cluster read per connection per query per window, however many pages ask', async () => {
    let reads = 0;
    const counted = panelReader(panelContract<{ n?: string }, PanelReading & { n: string | null }>('channel-count', 5_000), {
      query: z.object({ n: z.string().optional() }),
      ttlMs: 5_000,
      async read(_source, { n }) {
        reads++;
        return { n: n ?? null };
      },
    });
    const sources = [panelSource(counted)];
    // Three tabs of one attendee, each sending its page's request.
    const tabs = await Promise.all([1, 2, 3].map(() => readChannel(connected, ['/api/panels/channel-count?n=a', '/api/panels/channel-count?n=b'], sources)));
    expect(tabs.every((answers) => (data(answers[0]) as { n: string }).n === 'a' && (data(answers[1]) as { n: string }).n === 'b')).toBe(true);
    expect(reads).toBe(2);
  });

  it('validates the request: 1 to 20 reads, paths of bounded length, nothing else', () => {
    expect(channelRequestSchema.safeParse({ reads: ['/api/panels/cluster-status'] }).success).toBe(true);
    expect(channelRequestSchema.safeParse({ reads: [] }).success).toBe(false);
    expect(channelRequestSchema.safeParse({ reads: Array.from({ length: 21 }, () => '/api/panels/cluster-status') }).success).toBe(false);
    expect(channelRequestSchema.safeParse({ reads: ['/x'.repeat(20_000)] }).success).toBe(false);
    expect(channelRequestSchema.safeParse({ reads: ['/api/panels/cluster-status'], extra: 1 }).success).toBe(false);
  });
});
