import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersAsPracticeCluster, startPracticeProcess, type PracticeProcess } from '../../scripts/practice-process.mjs';
import { EndpointPolicy } from '../cluster/endpoint-policy';
import { createParticipant } from '../db';
import { clusterStatusCard } from '../panels/cluster-status';
import { testAppContext } from '../testing/app-context';
import { practiceHostAction, recreatePracticeDeployment } from './practice';
import { connectPracticeCluster, participantCluster } from './service';

/**
 * The practice cluster in a process of its own, started the way `npm start` starts it
 * (scripts/practice-process.mjs): the app's practice path works against it over HTTP, and when
 * the process dies it is started again and the learner is told that their deployment is lost.
 */

const root = path.resolve(__dirname, '..', '..');
const lines: string[] = [];
const log = { log: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };

let practice: PracticeProcess;
let ctx: Awaited<ReturnType<typeof testAppContext>>;

beforeAll(async () => {
  practice = await startPracticeProcess({ root, port: 0, env: { ...process.env, PRACTICE_CLUSTER: 'true', PRACTICE_CLUSTER_URL: '' }, log });
  const url = practice.url as string;
  ctx = await testAppContext({ practiceUrl: url, policy: new EndpointPolicy({ practiceUrls: [url] }) });
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  await practice?.close();
});

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('the practice cluster as its own process', () => {
  it('serves the app: a learner connects, drives the host and reads the data it wrote', async () => {
    expect(practice.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const child = practice.pid?.();
    expect(child).toBeGreaterThan(0);
    expect(child).not.toBe(process.pid);
    expect(lines).toContain(`[practice-cluster] listening on ${practice.url} (its own process, pid ${child})`);

    const { id } = await createParticipant(ctx.db, { displayName: 'Ana', role: 'self_paced' });
    const panel = await connectPracticeCluster(ctx, id, '8');
    expect(panel.status?.version).toBe('8.15.0');
    await practiceHostAction(ctx, id, 'metricbeat-setup', {});
    await practiceHostAction(ctx, id, 'metricbeat-start', { backfillMinutes: 5 });
    const { client } = await participantCluster(ctx, id);
    const found = (await client.request({ method: 'POST', path: '/metricbeat-*/_search', body: { size: 0, track_total_hits: true } })) as { hits: { total: { value: number } } };
    expect(found.hits.total.value).toBeGreaterThan(0);

    // The process dies: it is started again on the same address, and the learner is told their deployment is lost.
    process.kill(child as number, 'SIGKILL');
    await until(async () => (practice.pid?.() ?? child) !== child && (await answersAsPracticeCluster(practice.url as string)), 'the restarted practice cluster');
    expect(lines.some((line) => line.startsWith('[practice-cluster] stopped (SIGKILL); restarting it in 1 s'))).toBe(true);
    expect((await clusterStatusCard(ctx, id)).error?.code).toBe('practice_lost');

    const recreated = await recreatePracticeDeployment(ctx, id);
    expect(recreated.rerun).toEqual(['metricbeat-setup', 'metricbeat-start']);
    expect((await clusterStatusCard(ctx, id)).error).toBeNull();
  }, 180_000);

  it('is reused, not started again, by another guide instance (its port or PRACTICE_CLUSTER_URL), and outlives it', async () => {
    const url = practice.url as string;
    const child = practice.pid?.();
    const { id } = await createParticipant(ctx.db, { displayName: 'Bo', role: 'self_paced' });
    await connectPracticeCluster(ctx, id, '8');

    const env = { ...process.env, PRACTICE_CLUSTER: 'true', PRACTICE_CLUSTER_URL: '' };
    const byPort = await startPracticeProcess({ root, port: Number(new URL(url).port), env, log });
    expect(byPort.url).toBe(url);
    expect(lines).toContain(`[practice-cluster] reusing the practice cluster already on ${url}`);
    const byUrl = await startPracticeProcess({ root, env: { ...env, PRACTICE_CLUSTER_URL: `${url}/` }, log });
    expect(byUrl.url).toBe(url);
    // Both other instances stop: the cluster they shared keeps running, the learner's deployment in it.
    await byPort.close();
    await byUrl.close();
    expect(practice.pid?.()).toBe(child);
    expect(await answersAsPracticeCluster(url)).toBe(true);
    expect((await clusterStatusCard(ctx, id)).error).toBeNull();

    const none = await startPracticeProcess({ root, env: { ...env, PRACTICE_CLUSTER: 'false' }, log });
    expect(none.url).toBeNull();
  }, 60_000);
});
