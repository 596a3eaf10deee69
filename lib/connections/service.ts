import 'server-only';
import { z } from 'zod';
import type { ClusterClient } from '../cluster/adapter';
import { openClusterAuth, sealClusterAuth, type ClusterAuth } from '../cluster/auth';
import { invalidateCoalesced } from '../cluster/coalesce';
import { connectCluster, openStoredCluster, type ConnectedCluster } from '../cluster/connect';
import type { ClusterStatus } from '../cluster/probe';
import {
  appendEvent,
  deleteConnection,
  getConnection,
  getConnectionSummary,
  recordConnectionStatus,
  upsertConnection,
  type ClusterConnection,
  type ConnectionSummary,
} from '../db';
import { AppError, toAppError } from '../errors';
import type { ClusterPanelDto, ConnectionView } from '../panels/cluster-status.contract';
import type { AppContext } from '../server/context';
import { RateLimiter } from '../server/rate-limit';
import { textWithoutControls } from '../validation/text';
import { createPracticeDeployment, type PracticeFlavor } from './practice-control';

/** The body of `POST /api/cluster` (DESIGN.md): a Cloud ID or a URL, and a password or an API key. */
export const connectRequestSchema = z
  .object({
    cloudId: textWithoutControls(2_000).optional(),
    url: textWithoutControls(2_000).optional(),
    kibanaUrl: textWithoutControls(2_000).optional(),
    username: textWithoutControls(200).optional(),
    password: textWithoutControls(1_000).optional(),
    apiKey: textWithoutControls(2_000).optional(),
  })
  .strict();
export type ConnectRequest = z.infer<typeof connectRequestSchema>;

/** The connection as the browser may see it (the status card, the connect answer). */
export function viewOf(connection: ConnectionSummary): ConnectionView {
  return {
    kind: connection.kind,
    endpoint: connection.endpoint,
    cloudIdLabel: connection.cloudIdLabel,
    kibanaUrl: connection.kibanaUrl,
    authType: connection.authType,
    connectedAt: connection.connectedAt.toISOString(),
  };
}

/** What the class board keeps of a status (`recordConnectionStatus`). */
export function snapshotOf(status: ClusterStatus) {
  return {
    version: status.version,
    clusterName: status.clusterName ?? undefined,
    health: status.health?.status,
    nodeCount: status.health?.numberOfNodes ?? status.nodes?.length,
    mlNode: status.mlNode ?? undefined,
    licence: status.licence ? { type: status.licence.type, status: status.licence.status } : undefined,
  };
}

// Failed connects per participant: a loop guessing passwords through the guide stops here.
const failedConnects = new RateLimiter({ limit: 5, windowMs: 5 * 60_000 });

/**
 * Only a cluster refusing the credentials counts toward the lock-out: a typo in a Cloud ID or URL,
 * a refused or unknown address, or an address the policy does not allow never reached a cluster
 * to guess against, so a learner fixing it is not locked out.
 */
const REFUSED_BY_CLUSTER: ReadonlySet<string> = new Set(['unauthorized', 'forbidden']);

export function countsAsRefusal(code: string): boolean {
  return REFUSED_BY_CLUSTER.has(code);
}

function assertConnectAllowed(participantId: string): void {
  const verdict = failedConnects.check(participantId);
  if (!verdict.allowed) {
    throw new AppError('rate_limited', {
      params: { reason: 'connect_attempts', retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) },
      detail: `participant ${participantId} made too many failed connects`,
    });
  }
}

async function store(
  ctx: AppContext,
  participantId: string,
  connected: ConnectedCluster,
  kind: ClusterConnection['kind'],
  extra: { cloudIdLabel?: string | null; practiceDeploymentId?: string | null },
): Promise<ClusterPanelDto> {
  // The blob is bound to the participant, so a row copied onto another participant cannot be opened.
  const sealed = sealClusterAuth(connected.auth, ctx.secrets.credentialsKey, participantId);
  const connection = await upsertConnection(ctx.db, participantId, {
    kind,
    endpoint: connected.endpoint.url,
    cloudIdLabel: extra.cloudIdLabel ?? null,
    kibanaUrl: connected.endpoint.kibanaUrl,
    authType: connected.auth.kind,
    encryptedCredentials: sealed,
    practiceDeploymentId: extra.practiceDeploymentId ?? null,
  });
  await recordConnectionStatus(ctx.db, participantId, snapshotOf(connected.status), { connectionId: connection.id });
  // The probe's client becomes the cached client of the new connection; the old one is closed.
  await ctx.clients.getOrCreate({ connectionId: connection.id, credentialsVersion: connection.credentialsVersion }, async () => connected.client);
  await appendEvent(ctx.db, { type: 'connected', participantId, detail: { kind, version: connected.status.version } });
  return { connection: viewOf(connection), status: connected.status, error: null, checkedAt: connected.status.checkedAt };
}

async function connectOrRecord<T>(ctx: AppContext, participantId: string, attempt: () => Promise<T>): Promise<T> {
  assertConnectAllowed(participantId);
  try {
    const result = await attempt();
    failedConnects.reset(participantId);
    return result;
  } catch (error) {
    const appError = toAppError(error);
    if (countsAsRefusal(appError.code)) failedConnects.hit(participantId);
    await appendEvent(ctx.db, { type: 'connect_failed', participantId, code: appError.code }).catch(() => undefined);
    throw appError;
  }
}

/** `POST /api/cluster`: checks the endpoint, probes it, then stores the credentials sealed. */
export async function connectParticipantCluster(ctx: AppContext, participantId: string, request: ConnectRequest): Promise<ClusterPanelDto> {
  return connectOrRecord(ctx, participantId, async () => {
    const connected = await connectCluster(request, { policy: ctx.policy });
    const cloudIdLabel = request.cloudId?.trim() ? request.cloudId.trim().split(':')[0] || null : null;
    return store(ctx, participantId, connected, request.cloudId?.trim() ? 'cloud_id' : 'url', { cloudIdLabel });
  });
}

/** `POST /api/practice`: a new practice deployment for this participant, connected like any cluster. */
export async function connectPracticeCluster(ctx: AppContext, participantId: string, flavor: PracticeFlavor): Promise<ClusterPanelDto> {
  if (!ctx.practiceUrl) throw new AppError('cluster_unavailable', { params: { reason: 'practice_disabled' }, detail: 'PRACTICE_CLUSTER=false' });
  const practiceUrl = ctx.practiceUrl;
  return connectOrRecord(ctx, participantId, async () => {
    const deployment = await createPracticeDeployment(practiceUrl, flavor, `lab-${participantId.slice(0, 8)}`);
    const connected = await connectCluster(
      { url: deployment.url, username: deployment.username, password: deployment.password },
      { policy: ctx.policy },
    );
    return store(ctx, participantId, connected, 'practice', { practiceDeploymentId: deployment.id });
  });
}

/** `DELETE /api/cluster`: forgets the credentials and closes the client. */
export async function disconnectParticipantCluster(ctx: AppContext, participantId: string): Promise<void> {
  const connection = await getConnectionSummary(ctx.db, participantId);
  await deleteConnection(ctx.db, participantId);
  if (connection) {
    ctx.clients.delete(connection.id);
    invalidateCoalesced(`conn:${connection.id}:`);
    await appendEvent(ctx.db, { type: 'disconnected', participantId });
  }
}

export interface ParticipantCluster {
  connection: ClusterConnection;
  client: ClusterClient;
}

/** The participant's stored credentials, opened (server-side only). */
export async function participantAuth(ctx: AppContext, connection: ClusterConnection): Promise<ClusterAuth> {
  try {
    return openClusterAuth(connection.encryptedCredentials, ctx.secrets.credentialsKey, connection.participantId);
  } catch (error) {
    throw new AppError('not_connected', { detail: `stored credentials cannot be opened: ${String(error)}`, cause: error });
  }
}

/**
 * The participant's cached client; `not_connected` when they have no cluster yet. A caller that
 * has just read the connection passes it, saving a query on every poll.
 */
export async function participantCluster(ctx: AppContext, participantId: string, known?: ClusterConnection): Promise<ParticipantCluster> {
  const connection = known ?? (await getConnection(ctx.db, participantId));
  if (!connection) throw new AppError('not_connected');
  const client = await ctx.clients.getOrCreate({ connectionId: connection.id, credentialsVersion: connection.credentialsVersion }, async () => {
    const auth = await participantAuth(ctx, connection);
    return openStoredCluster({ url: connection.endpoint, kibanaUrl: connection.kibanaUrl }, auth, { policy: ctx.policy });
  });
  return { connection, client };
}

/** Key prefix of everything coalesced for one connection (panels, checkpoints). */
export function connectionKey(connectionId: string, ...parts: string[]): string {
  return [`conn:${connectionId}:`, ...parts].join('');
}
