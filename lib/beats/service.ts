import 'server-only';
import type { ClusterClient } from '../cluster/adapter';
import { translateClusterError } from '../cluster/errors';
import { parseVersionNumber, type ClusterVersion } from '../cluster/version';
import { participantAuth, participantCluster } from '../connections/service';
import { appendEvent, getConnection, listApiKeys, markApiKeyInvalidated, recordApiKey, type ClusterConnection } from '../db';
import { AppError } from '../errors';
import type { AppContext } from '../server/context';
import { RateLimiter } from '../server/rate-limit';
import { BEAT_API_KEY_EXPIRATION, beatApiKeyName, beatApiKeyRequest, beatRoleDescriptor, type BeatRoleDescriptor } from './api-key';
import { beatCommandFor, beatVersionFor, INSTALL_PLATFORMS, installPlatforms, type BeatName, type InstallPlatform, type InstallPlatformId } from './beats';
import { beatConfigYaml, cloudIdOf, configFileName, setupCommand, type BeatAuthChoice, type BeatOutput, type BeatCredentials } from './config';

/**
 * The "Beats set-up" of chapters 2 and 3 for one participant: the Beat version and install commands
 * for their cluster, the configuration section for their connection, and the API keys made for the
 * Beat. A key's secret is returned once, by the call that creates it; the database keeps its id
 * and name only, so it can be listed and revoked.
 */

export interface BeatApiKeyView {
  id: string;
  name: string;
  createdAt: string;
}

export interface BeatSetupDto {
  beat: BeatName;
  /** The cluster's version as last read, and the Beat version that matches it (null when unknown). */
  clusterVersion: string | null;
  version: string | null;
  install: InstallPlatform[] | null;
  output: BeatOutput;
  configFile: string;
  /** The configuration section for each choice; secrets are placeholders. */
  config: Record<BeatAuthChoice, string>;
  /** `<beat> setup` per platform and choice (with a key in the file it runs as the elastic user). */
  setup: Record<InstallPlatformId, Record<BeatAuthChoice, string>>;
  apiKey: {
    /** A derived key may carry no privileges, so a connection made with an API key cannot make one. */
    canCreate: boolean;
    reason: 'api_key_connection' | null;
    expiration: string;
    role: BeatRoleDescriptor;
    active: BeatApiKeyView[];
  };
}

export interface CreatedBeatApiKeyDto {
  key: BeatApiKeyView & { expiresAt: string | null };
  /** `id:api_key`, what `output.elasticsearch.api_key` takes. Shown once; not stored. */
  apiKey: string;
  config: string;
}

const TIMEOUT_MS = 10_000;

// Making keys is a write in the attendee's cluster: a runaway loop in a tab stops here.
const keyCreations = new RateLimiter({ limit: 10, windowMs: 10 * 60_000 });

async function requireConnection(ctx: AppContext, participantId: string): Promise<ClusterConnection> {
  const connection = await getConnection(ctx.db, participantId);
  if (!connection) throw new AppError('not_connected');
  return connection;
}

function outputOf(connection: ClusterConnection): BeatOutput {
  if (connection.kind === 'cloud_id') {
    const cloudId = cloudIdOf({ url: connection.endpoint, kibanaUrl: connection.kibanaUrl, label: connection.cloudIdLabel });
    if (cloudId) return { kind: 'cloud', cloudId };
  }
  return { kind: 'hosts', hosts: [connection.endpoint], kibanaUrl: connection.kibanaUrl };
}

/** The user name for the password choice: the connection's own user (not secret), else `elastic`. */
async function usernameOf(ctx: AppContext, connection: ClusterConnection): Promise<string> {
  if (connection.authType !== 'basic') return 'elastic';
  const auth = await participantAuth(ctx, connection);
  return auth.kind === 'basic' ? auth.username : 'elastic';
}

/** The live client's version; the last stored status if the cluster cannot be reached just now. */
async function clusterVersionOf(ctx: AppContext, participantId: string, connection: ClusterConnection): Promise<ClusterVersion | null> {
  try {
    return (await participantCluster(ctx, participantId)).client.version;
  } catch {
    const stored = connection.lastStatus?.version;
    if (typeof stored !== 'string') return null;
    try {
      return parseVersionNumber(stored);
    } catch {
      return null;
    }
  }
}

function keyView(row: { esKeyId: string; name: string; createdAt: Date }): BeatApiKeyView {
  return { id: row.esKeyId, name: row.name, createdAt: row.createdAt.toISOString() };
}

/** `GET /api/beats/{beat}/setup`. */
export async function beatSetup(ctx: AppContext, participantId: string, beat: BeatName): Promise<BeatSetupDto> {
  const connection = await requireConnection(ctx, participantId);
  const clusterVersion = await clusterVersionOf(ctx, participantId, connection);
  const version = beatVersionFor(clusterVersion);
  const output = outputOf(connection);
  const username = await usernameOf(ctx, connection);
  const choices: Record<BeatAuthChoice, BeatCredentials> = {
    api_key: { kind: 'api_key', apiKey: null },
    password: { kind: 'password', username },
  };
  const setup = Object.fromEntries(
    INSTALL_PLATFORMS.map((platform) => [
      platform,
      {
        api_key: setupCommand(beatCommandFor(beat, platform), output, choices.api_key, username),
        password: setupCommand(beatCommandFor(beat, platform), output, choices.password, username),
      },
    ]),
  ) as BeatSetupDto['setup'];
  const keys = await listApiKeys(ctx.db, participantId, { purpose: beat });
  return {
    beat,
    clusterVersion: clusterVersion?.number ?? null,
    version: version?.number ?? null,
    install: version ? installPlatforms(beat, version) : null,
    output,
    configFile: configFileName(beat),
    config: { api_key: beatConfigYaml(output, choices.api_key), password: beatConfigYaml(output, choices.password) },
    setup,
    apiKey: {
      canCreate: connection.authType === 'basic',
      reason: connection.authType === 'basic' ? null : 'api_key_connection',
      expiration: BEAT_API_KEY_EXPIRATION,
      // Without a version, describe the 8.x key: what a new deployment runs.
      role: beatRoleDescriptor(beat, clusterVersion ?? { major: 8, minor: 0 }),
      active: keys.map(keyView),
    },
  };
}

/** `POST /api/beats/{beat}/api-key`: a new least-privilege key for the Beat, its secret in this answer only. */
export async function createBeatApiKey(ctx: AppContext, participantId: string, beat: BeatName, now = Date.now()): Promise<CreatedBeatApiKeyDto> {
  const { connection, client } = await participantCluster(ctx, participantId);
  if (connection.authType !== 'basic') {
    throw new AppError('invalid_request', { params: { field: 'connection', reason: 'api_key_connection' }, detail: 'derived API keys cannot carry privileges' });
  }
  const verdict = keyCreations.check(participantId);
  if (!verdict.allowed) {
    throw new AppError('rate_limited', { params: { reason: 'api_key', retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) } });
  }
  keyCreations.hit(participantId);
  const name = beatApiKeyName(beat, participantId, now);
  let created: Awaited<ReturnType<ClusterClient['createApiKey']>>;
  try {
    created = await client.createApiKey(beatApiKeyRequest(beat, client.version, name), { timeoutMs: TIMEOUT_MS });
  } catch (error) {
    throw translateClusterError(error, { authKind: 'basic' });
  }
  const row = await recordApiKey(ctx.db, { participantId, esKeyId: created.id, name: created.name ?? name, purpose: beat });
  await appendEvent(ctx.db, { type: 'api_key_created', participantId, detail: { beat, keyId: created.id } });
  const apiKey = `${created.id}:${created.api_key}`;
  const expiration = typeof created.expiration === 'number' ? new Date(created.expiration).toISOString() : null;
  return {
    key: { ...keyView(row), expiresAt: expiration },
    apiKey,
    config: beatConfigYaml(outputOf(connection), { kind: 'api_key', apiKey }),
  };
}

/**
 * `DELETE /api/beats/{beat}/api-key/{id}`: invalidates one of the participant's own keys. A key the
 * cluster no longer knows (the attendee has since connected another deployment) is only marked.
 */
export async function revokeBeatApiKey(ctx: AppContext, participantId: string, beat: BeatName, keyId: string): Promise<{ id: string; invalidated: true; knownToCluster: boolean }> {
  const owned = (await listApiKeys(ctx.db, participantId, { purpose: beat })).some((key) => key.esKeyId === keyId);
  if (!owned) throw new AppError('not_found', { detail: `participant ${participantId} has no active ${beat} key ${keyId}` });
  const { client } = await participantCluster(ctx, participantId);
  let answer: Awaited<ReturnType<ClusterClient['invalidateApiKey']>>;
  try {
    answer = await client.invalidateApiKey([keyId], { timeoutMs: TIMEOUT_MS });
  } catch (error) {
    throw translateClusterError(error, { authKind: 'basic' });
  }
  const knownToCluster = answer.invalidated_api_keys.includes(keyId) || answer.previously_invalidated_api_keys.includes(keyId);
  await markApiKeyInvalidated(ctx.db, participantId, keyId);
  await appendEvent(ctx.db, { type: 'api_key_invalidated', participantId, detail: { beat, keyId, knownToCluster } });
  return { id: keyId, invalidated: true, knownToCluster };
}
