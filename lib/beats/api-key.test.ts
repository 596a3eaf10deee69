import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPractice, type TestPractice } from '../testing/practice-cluster';
import { BEAT_API_KEY_EXPIRATION, beatApiKeyName, beatApiKeyRequest, beatRoleDescriptor } from './api-key';

describe('beatRoleDescriptor', () => {
  it('gives Metricbeat on 8.x/9.x the publishing privileges of ES-REFERENCE 8.1, on its own indices only', () => {
    for (const version of [{ major: 8, minor: 15 }, { major: 9, minor: 1 }]) {
      expect(beatRoleDescriptor('metricbeat', version)).toEqual({
        cluster: ['monitor', 'read_ilm'],
        indices: [{ names: ['metricbeat-*'], privileges: ['create_doc', 'auto_configure', 'view_index_metadata'] }],
      });
    }
  });

  it('drops auto_configure on 7.x, where Beats write to an ILM alias or daily indices', () => {
    expect(beatRoleDescriptor('metricbeat', { major: 7, minor: 6 })).toEqual({
      cluster: ['monitor', 'read_ilm'],
      indices: [{ names: ['metricbeat-*'], privileges: ['create_doc', 'view_index_metadata', 'create_index'] }],
    });
  });

  it('lets Filebeat read its module pipelines, by action name before 7.17', () => {
    expect(beatRoleDescriptor('filebeat', { major: 8, minor: 0 }).cluster).toEqual(['monitor', 'read_ilm', 'read_pipeline']);
    expect(beatRoleDescriptor('filebeat', { major: 7, minor: 17 }).cluster).toEqual(['monitor', 'read_ilm', 'read_pipeline']);
    expect(beatRoleDescriptor('filebeat', { major: 7, minor: 10 }).cluster).toEqual(['monitor', 'read_ilm', 'cluster:admin/ingest/pipeline/get']);
    expect(beatRoleDescriptor('filebeat', { major: 8, minor: 0 }).indices[0]!.names).toEqual(['filebeat-*']);
  });

  it('never grants reading data back, deleting, or anything on other indices', () => {
    for (const beat of ['metricbeat', 'filebeat'] as const) {
      for (const major of [7, 8, 9]) {
        const role = beatRoleDescriptor(beat, { major, minor: 0 });
        expect(role.indices.flatMap((g) => g.privileges)).not.toEqual(expect.arrayContaining(['read']));
        expect(role.indices.flatMap((g) => g.privileges).some((p) => ['read', 'write', 'index', 'delete', 'manage', 'all'].includes(p))).toBe(false);
        expect(role.cluster.some((p) => ['all', 'manage', 'manage_security', 'manage_api_key'].includes(p))).toBe(false);
        expect(role.indices.flatMap((g) => g.names)).toEqual([`${beat}-*`]);
      }
    }
  });
});

describe('beatApiKeyRequest', () => {
  it('names the key after the Beat, the attendee and the time, expires it, and tags it from 7.13 on', () => {
    const name = beatApiKeyName('metricbeat', '0f1e2d3c-aaaa-bbbb-cccc-000000000000', Date.UTC(2026, 10, 24, 9, 30, 5, 123));
    expect(name).toBe('elastic-logging-lab-metricbeat-0f1e2d3c-20261124T093005Z');
    const body = beatApiKeyRequest('metricbeat', { major: 8, minor: 15 }, name);
    expect(body).toMatchObject({ name, expiration: BEAT_API_KEY_EXPIRATION, metadata: { application: 'elastic-logging-lab', beat: 'metricbeat' } });
    expect(Object.keys(body.role_descriptors as object)).toEqual(['lab_metricbeat_writer']);
    expect(beatApiKeyRequest('metricbeat', { major: 7, minor: 6 }, name)).not.toHaveProperty('metadata');
  });
});

describe('a Beat key made with this request, used against the practice cluster', () => {
  let practice: TestPractice;

  beforeAll(async () => {
    practice = await startTestPractice();
  });

  afterAll(async () => {
    await practice?.close();
  });

  it.each([
    { flavor: '9' as const, target: 'metricbeat-9.1.3' },
    { flavor: '8' as const, target: 'metricbeat-8.15.0' },
    { flavor: '7' as const, target: 'metricbeat-7.17.0-2026.11.24' },
  ])('publishes Metricbeat events on flavour $flavor and can do nothing else', async ({ flavor, target }) => {
    const deployment = await practice.deploy(flavor);
    const admin = await practice.connect(deployment);
    const created = await admin.createApiKey(beatApiKeyRequest('metricbeat', admin.version, 'beat-key-test'));
    const beat = await practice.connect(deployment, { apiKey: `${created.id}:${created.api_key}` });
    try {
      // What a running Metricbeat does: read the version, then append events to its index.
      expect((await beat.info()).version.number).toBe(deployment.version);
      const doc = { '@timestamp': new Date().toISOString(), host: { name: 'lab-vm' }, event: { module: 'system', dataset: 'system.cpu' } };
      // 8.x and 9.x: the data stream is created on the first event (auto_configure); 7.x: the day's index (create_index).
      const published = await beat.bulk([{ create: { _index: target } }, doc]);
      expect(published.errors).toBe(false);

      await expect(beat.search('metricbeat-*', { query: { match_all: {} } })).rejects.toMatchObject({ code: 'forbidden' });
      const elsewhere = await beat.bulk([{ create: { _index: 'filebeat-8.15.0' } }, doc]);
      expect(elsewhere.items[0]?.create?.error?.type).toBe('security_exception');
      await expect(beat.createApiKey({ name: 'escalate', role_descriptors: { r: { cluster: ['all'] } } })).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      await beat.close();
      await admin.close();
    }
  });
});
