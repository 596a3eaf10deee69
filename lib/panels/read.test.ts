import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Coalescer } from '../cluster/coalesce';
import { connectParticipantCluster, connectionKey } from '../connections/service';
import { createParticipant } from '../db';
import { AppError } from '../errors';
import { practiceAppForTests } from '../testing/practice-app';
import { panelContract, type PanelReading } from './contract';
import { panelReader, readPanel } from './read';

/** A panel whose read counts its calls and can be made to fail, to watch the helper around it. */
interface ProbeDto extends PanelReading {
  n: string | null;
  call: number;
}
const probePanel = panelContract<{ n?: string }, ProbeDto>('probe', 5_000);
let calls = 0;
let failWith: unknown = null;
const probe = panelReader(probePanel, {
  query: z.object({ n: z.string().optional() }),
  ttlMs: 5_000,
  async read({ connection }, { n }) {
    calls++;
    expect(connection).toMatchObject({ kind: 'url' });
    if (failWith) throw failWith;
    return { n: n ?? null, call: calls };
  },
});

const app = practiceAppForTests();
let participantId: string;
let connectionId: string;

beforeAll(async () => {
  const deployment = await app.practice.deploy('8');
  participantId = (await createParticipant(app.ctx.db, { displayName: 'reader', role: 'self_paced' })).id;
  await connectParticipantCluster(app.ctx, participantId, { url: deployment.url, username: deployment.username, password: deployment.password });
  connectionId = (await app.ctx.db.query.clusterConnections.findFirst({ where: (c, { eq }) => eq(c.participantId, participantId) }))!.id;
}, 60_000);

describe('readPanel', () => {
  it('reads once per window for every tab asking the same question, and stamps when it read', async () => {
    let t = 1_000;
    const cache = new Coalescer({ now: () => t });
    const read = (n?: string) => readPanel(app.ctx, participantId, probe, { n }, { cache, now: () => Date.UTC(2026, 10, 24, 12, 0, 0) });
    calls = 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => read('a')));
    expect(calls).toBe(1);
    expect(answers.every((a) => a.call === 1 && a.n === 'a' && a.checkedAt === '2026-11-24T12:00:00.000Z')).toBe(true);

    t += 4_999;
    await read('a');
    expect(calls).toBe(1);
    await read('b');
    expect(calls).toBe(2);
    t += 2;
    expect((await read('a')).call).toBe(3);

    // Everything cached for the connection sits under its key: a reconnect or practice action drops it.
    cache.invalidate(connectionKey(connectionId));
    expect((await read('a')).call).toBe(4);
  });

  it('translates a failure once and shares it for the window: a cluster that is down gets one attempt', async () => {
    const cache = new Coalescer({ now: () => 1_000 });
    calls = 0;
    failWith = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:9200'), { code: 'ECONNREFUSED' });
    try {
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => readPanel(app.ctx, participantId, probe, {}, { cache })));
      expect(calls).toBe(1);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason as AppError;
        expect(reason).toBeInstanceOf(AppError);
        expect(reason.code).toBe('cluster_unavailable');
      }
      // A panel may answer the failure itself, with the translated error and the connection.
      const answered = await readPanel(app.ctx, participantId, probe, {}, {
        cache,
        failed: async (error, connection) => ({ n: `${error.code}@${connection.id}`, call: -1, checkedAt: '' }),
      });
      expect(answered.n).toBe(`cluster_unavailable@${connectionId}`);
      expect(calls).toBe(1);
    } finally {
      failWith = null;
    }
  });

  it('without a connection: not_connected, or the panel\'s own answer', async () => {
    const loner = await createParticipant(app.ctx.db, { displayName: 'loner', role: 'self_paced' });
    calls = 0;
    await expect(readPanel(app.ctx, loner.id, probe, {})).rejects.toMatchObject({ code: 'not_connected' });
    expect(await readPanel(app.ctx, loner.id, probe, {}, { disconnected: () => ({ n: 'none', call: 0, checkedAt: '' }) })).toMatchObject({ n: 'none' });
    expect(calls).toBe(0);
  });
});
