import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPractice, type TestPractice } from '../testing/practice-cluster';
import { hostActionBodySchema, runPracticeHostAction } from './practice-control';

let practice: TestPractice;

beforeAll(async () => {
  practice = await startTestPractice();
});

afterAll(async () => {
  await practice?.close();
});

describe('runPracticeHostAction', () => {
  it("loads every core of the practice host for `cores: 'all'` (the guide's one dd per core)", async () => {
    const deployment = await practice.deploy('8');
    const state = await runPracticeHostAction(practice.cluster.url, deployment, 'cpu-load', hostActionBodySchema.parse({ cores: 'all', minutes: 1 }));
    const cores = practice.cluster.deployments.get(deployment.id)!.host.identity.cores;
    expect(state.cpuLoad).toMatchObject({ cores });
  });

  it('passes a number of cores through, and refuses other words', async () => {
    const deployment = await practice.deploy('7');
    const state = await runPracticeHostAction(practice.cluster.url, deployment, 'cpu-load', { cores: 1, minutes: 1 });
    expect(state.cpuLoad).toMatchObject({ cores: 1 });
    expect(hostActionBodySchema.safeParse({ cores: 'many' }).success).toBe(false);
  });

  it('an SSH attempt the app accepts, the practice host writes (one rule on both sides)', async () => {
    const deployment = await practice.deploy('8');
    for (const body of [{ user: 'a'.repeat(32), sourceIp: '::1' }, { user: 'admin@example', sourceIp: '2001:0db8::0001' }, { user: 'hAx0R', sourceIp: '203.0.113.7' }]) {
      const parsed = hostActionBodySchema.parse(body);
      const state = await runPracticeHostAction(practice.cluster.url, deployment, 'ssh-attempt', parsed);
      expect(state.sshAttempts, JSON.stringify(body)).toBeGreaterThan(0);
    }
    expect(hostActionBodySchema.parse({ sourceIp: '2001:0db8::0001' }).sourceIp).toBe('2001:db8::1');
    for (const body of [{ user: 'a'.repeat(33) }, { user: 'two words' }, { sourceIp: '127.1' }, { sourceIp: '1.2.3.4 5' }]) {
      expect(hostActionBodySchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });
});
