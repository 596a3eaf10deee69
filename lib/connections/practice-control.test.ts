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
});
