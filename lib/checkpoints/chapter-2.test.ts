import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClient } from '../cluster/test-support/fake-transport';
import { ManualClock } from '../practice/clock';
import { startTestPractice, type TestPractice } from '../testing/practice-cluster';
import { checkpointDefinition, type CheckpointContext } from './registry';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
let clock: ManualClock;
let practice: TestPractice;

beforeAll(async () => {
  clock = new ManualClock(T0);
  practice = await startTestPractice({ clock });
});

afterAll(async () => {
  await practice?.close();
});

function verify(id: 'metricbeat-setup' | 'metricbeat-data', client: CheckpointContext['client']) {
  return checkpointDefinition(id)!.verify({ client, reachedChapterAt: async () => null });
}

describe.each([
  { flavor: '9' as const, template: 'metricbeat-9.1.3' },
  { flavor: '8' as const, template: 'metricbeat-8.15.0' },
  { flavor: '7' as const, template: 'metricbeat-7.17.0' },
])('chapter 2 checkpoints on a flavour $flavor practice cluster', ({ flavor, template }) => {
  it('turn green with `metricbeat setup` and with data from the host in the last 60 s', async () => {
    const deployment = await practice.deploy(flavor);
    const client = await practice.connect(deployment);
    const host = practice.cluster.deployments.get(deployment.id)!.host;
    try {
      expect(await verify('metricbeat-setup', client)).toEqual({ state: 'pending' });
      expect(await verify('metricbeat-data', client)).toEqual({ state: 'pending' });

      await practice.host(deployment, 'metricbeat-setup');
      // 7.x Beats install a legacy template, 8.x and 9.x a composable one; all count.
      expect(await verify('metricbeat-setup', client)).toEqual({ state: 'done', detail: template });
      expect(await verify('metricbeat-data', client)).toEqual({ state: 'pending' });

      await practice.host(deployment, 'metricbeat-start');
      clock.advance(15_000);
      host.tick();
      expect(await verify('metricbeat-data', client)).toEqual({ state: 'done', detail: host.identity.hostname });

      // A Beat that stopped more than a minute ago no longer counts as "data arriving".
      await practice.host(deployment, 'metricbeat-stop');
      clock.advance(90_000);
      expect(await verify('metricbeat-data', client)).toEqual({ state: 'pending' });
    } finally {
      await client.close();
    }
  });
});

describe('metricbeat-setup on clusters without composable templates (7.6, the handout)', () => {
  it('reads the legacy template Metricbeat 7.6 installs', async () => {
    const { client, transport } = fakeClient({ 'GET /_template/metricbeat-*': { 'metricbeat-7.6.2': { index_patterns: ['metricbeat-7.6.2-*'] } } }, '7.6.2');
    expect(await verify('metricbeat-setup', client)).toEqual({ state: 'done', detail: 'metricbeat-7.6.2' });
    expect(transport.calls.map((c) => c.path)).toEqual(['/_template/metricbeat-*']);
  });

  it('stays pending when no template matches', async () => {
    const { client } = fakeClient({ 'GET /_template/metricbeat-*': {} }, '7.6.2');
    expect(await verify('metricbeat-setup', client)).toEqual({ state: 'pending' });
  });
});
