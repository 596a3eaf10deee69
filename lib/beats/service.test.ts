import { describe, expect, it } from 'vitest';
import { connectParticipantCluster, connectPracticeCluster } from '../connections/service';
import { createParticipant, listApiKeys, listParticipantEvents } from '../db';
import { practiceAppForTests } from '../testing/practice-app';
import { PASSWORD_PLACEHOLDER } from './config';
import { beatSetup, createBeatApiKey, revokeBeatApiKey } from './service';

const app = practiceAppForTests();

async function attendee(name: string) {
  return createParticipant(app.ctx.db, { displayName: name, role: 'self_paced' });
}

describe('Beats set-up for a participant on the practice cluster', () => {
  it.each([
    { flavor: '9' as const, version: '9.1.3' },
    { flavor: '8' as const, version: '8.15.0' },
    { flavor: '7' as const, version: '7.17.0' },
  ])('matches the Beat to the cluster ($version) and never echoes the password', async ({ flavor, version }) => {
    const participant = await attendee(`setup-${flavor}`);
    await connectPracticeCluster(app.ctx, participant.id, flavor);
    const setup = await beatSetup(app.ctx, participant.id, 'metricbeat');
    expect(setup.clusterVersion).toBe(version);
    expect(setup.version).toBe(version);
    expect(setup.install?.find((p) => p.id === 'linux-deb')?.variants[0]?.file).toBe(`metricbeat-${version}-amd64.deb`);
    expect(setup.output).toEqual({ kind: 'hosts', hosts: [app.practice.cluster.url], kibanaUrl: null });
    expect(setup.config.password).toContain(PASSWORD_PLACEHOLDER);
    expect(setup.setup['linux-tar'].api_key).toContain(`./metricbeat setup -E "output.elasticsearch.api_key=''"`);
    expect(setup.apiKey).toMatchObject({ canCreate: true, reason: null, active: [] });
    expect(setup.apiKey.role.indices[0]!.names).toEqual(['metricbeat-*']);
    const connection = (await app.ctx.db.query.clusterConnections.findFirst({ where: (c, { eq }) => eq(c.participantId, participant.id) }))!;
    const deployment = app.practice.cluster.deployments.get(connection.practiceDeploymentId!)!;
    expect(JSON.stringify(setup)).not.toContain(deployment.password);
  });

  it('makes a key shown once, lists it by id, and revokes it so the cluster refuses it', async () => {
    const participant = await attendee('keys');
    await connectPracticeCluster(app.ctx, participant.id, '8');
    const created = await createBeatApiKey(app.ctx, participant.id, 'metricbeat');
    const [id, secret] = created.apiKey.split(':') as [string, string];
    expect(created.key.id).toBe(id);
    expect(created.key.name).toMatch(/^elastic-logging-lab-metricbeat-/);
    expect(created.key.expiresAt).not.toBeNull();
    expect(created.config).toContain(`api_key: "${created.apiKey}"`);

    // The key works, as Metricbeat would use it.
    const server = { id: '', url: app.practice.cluster.url, username: '', password: '', version: '' };
    const asBeat = await app.practice.connect(server, { apiKey: created.apiKey });
    expect((await asBeat.info()).version.number).toBe('8.15.0');
    await asBeat.close();

    // Only the id and name are kept; a later read lists the key without its secret.
    const rows = await listApiKeys(app.ctx.db, participant.id);
    expect(rows.map((r) => r.esKeyId)).toEqual([id]);
    expect(JSON.stringify(rows)).not.toContain(secret);
    const again = await beatSetup(app.ctx, participant.id, 'metricbeat');
    expect(again.apiKey.active.map((k) => k.id)).toEqual([id]);
    expect(JSON.stringify(again)).not.toContain(secret);
    expect(JSON.stringify(await listParticipantEvents(app.ctx.db, participant.id))).not.toContain(secret);

    // Another participant cannot revoke it.
    const other = await attendee('someone-else');
    await expect(revokeBeatApiKey(app.ctx, other.id, 'metricbeat', id)).rejects.toMatchObject({ code: 'not_found' });

    expect(await revokeBeatApiKey(app.ctx, participant.id, 'metricbeat', id)).toEqual({ id, invalidated: true, knownToCluster: true });
    await expect(app.practice.connect(server, { apiKey: created.apiKey })).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await beatSetup(app.ctx, participant.id, 'metricbeat')).apiKey.active).toEqual([]);
    await expect(revokeBeatApiKey(app.ctx, participant.id, 'metricbeat', id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('serves Filebeat the same way, with its own key role', async () => {
    const participant = await attendee('filebeat');
    await connectPracticeCluster(app.ctx, participant.id, '8');
    const setup = await beatSetup(app.ctx, participant.id, 'filebeat');
    expect(setup.configFile).toBe('filebeat.yml');
    expect(setup.apiKey.role.cluster).toContain('read_pipeline');
    const created = await createBeatApiKey(app.ctx, participant.id, 'filebeat');
    expect((await beatSetup(app.ctx, participant.id, 'filebeat')).apiKey.active.map((k) => k.id)).toEqual([created.key.id]);
    expect((await beatSetup(app.ctx, participant.id, 'metricbeat')).apiKey.active).toEqual([]);
  });

  it('explains that a connection made with an API key cannot make a Beat key', async () => {
    const admin = await attendee('admin');
    await connectPracticeCluster(app.ctx, admin.id, '8');
    const made = await createBeatApiKey(app.ctx, admin.id, 'metricbeat');
    const participant = await attendee('api-key-user');
    await connectParticipantCluster(app.ctx, participant.id, { url: app.practice.cluster.url, apiKey: made.apiKey });
    const setup = await beatSetup(app.ctx, participant.id, 'metricbeat');
    expect(setup.apiKey).toMatchObject({ canCreate: false, reason: 'api_key_connection' });
    expect(setup.config.password).toContain('username: "elastic"');
    await expect(createBeatApiKey(app.ctx, participant.id, 'metricbeat')).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('says not_connected before a cluster is connected', async () => {
    const participant = await attendee('nobody');
    await expect(beatSetup(app.ctx, participant.id, 'metricbeat')).rejects.toMatchObject({ code: 'not_connected' });
    await expect(createBeatApiKey(app.ctx, participant.id, 'metricbeat')).rejects.toMatchObject({ code: 'not_connected' });
  });
});
