import 'server-only';
import { z } from 'zod';
import { countWindowAttempt } from '../auth/sign-in-limits';
import type { ClusterClient } from '../cluster/adapter';
import { openClusterAuth, sealClusterAuth, type ClusterAuth } from '../cluster/auth';
import { invalidateCoalesced } from '../cluster/coalesce';
import { connectCluster, openStoredCluster, type ConnectedCluster } from '../cluster/connect';
import type { ClusterStatus } from '../cluster/probe';
import {
  appendEvent,
  deleteConnection,
  EMPTY_RATE_LIMIT,
  getConnection,
  recordConnectionStatus,
  updateRateLimits,
  upsertConnection,
  type ClusterConnection,
  type ConnectionSummary,
} from '../db';
import { AppError, toAppError } from '../errors';
import type { ClusterPanelDto, ConnectionView } from '../panels/cluster-status.contract';
import type { AppContext } from '../server/context';
import { RateLimiter } from '../server/rate-limit';
import { textWithoutControls } from '../validation/text';
import { createPracticeDeployment, deletePracticeDeployment, practiceDeploymentFlavor, type PracticeDeploymentRef, type PracticeFlavor } from './practice-control';

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

/** The practice deployment behind a stored connection (its id and own credentials), or null for a real cluster. */
export async function practiceDeploymentOf(ctx: AppContext, connection: ClusterConnection | undefined): Promise<PracticeDeploymentRef | null> {
  if (connection?.kind !== 'practice' || !connection.practiceDeploymentId) return null;
  const auth = await participantAuth(ctx, connection);
  if (auth.kind !== 'basic') return null;
  return { id: connection.practiceDeploymentId, username: auth.username, password: auth.password };
}

/**
 * Deletes the participant's practice deployment when they leave it (another flavour, a real
 * cluster, "disconnect"). Never fails the learner's action: an unreachable practice cluster only
 * leaves the deployment to be reclaimed when idle.
 */
async function releasePracticeDeployment(ctx: AppContext, deployment: PracticeDeploymentRef | null): Promise<void> {
  if (!deployment || !ctx.practiceUrl) return;
  try {
    await deletePracticeDeployment(ctx.practiceUrl, deployment);
  } catch (error) {
    console.warn(`[practice] deleting deployment ${deployment.id} failed; it will be reclaimed when idle: ${toAppError(error).code}`);
  }
}

/** `POST /api/cluster`: checks the endpoint, probes it, then stores the credentials sealed. */
export async function connectParticipantCluster(ctx: AppContext, participantId: string, request: ConnectRequest): Promise<ClusterPanelDto> {
  return connectOrRecord(ctx, participantId, async () => {
    const connected = await connectCluster(request, { policy: ctx.policy });
    const cloudIdLabel = request.cloudId?.trim() ? request.cloudId.trim().split(':')[0] || null : null;
    const previous = await practiceDeploymentOf(ctx, await getConnection(ctx.db, participantId));
    const panel = await store(ctx, participantId, connected, request.cloudId?.trim() ? 'cloud_id' : 'url', { cloudIdLabel });
    await releasePracticeDeployment(ctx, previous);
    return panel;
  });
}

/** New practice deployments one participant may create per hour (reuse is free; a class of any size each gets one). */
export const PRACTICE_CREATIONS_PER_HOUR = 10;
const PRACTICE_CREATION_WINDOW_MS = 60 * 60_000;

/** Counts one creation for the participant (in the database, so every app instance agrees), or refuses it. */
async function claimPracticeCreation(ctx: AppContext, participantId: string, now: Date): Promise<void> {
  const key = `practice-create:${participantId}`;
  const verdict = await updateRateLimits(ctx.db, [key], (states) => {
    const counted = countWindowAttempt(states.get(key) ?? EMPTY_RATE_LIMIT, now, PRACTICE_CREATIONS_PER_HOUR, PRACTICE_CREATION_WINDOW_MS);
    return { writes: new Map(counted.state ? [[key, counted.state]] : []), result: counted.verdict };
  });
  if (!verdict.allowed) {
    throw new AppError('rate_limited', {
      params: { reason: 'practice_creations', retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) },
      detail: `participant ${participantId} created ${PRACTICE_CREATIONS_PER_HOUR} practice deployments within the hour`,
    });
  }
}

export interface PracticeConnectOptions {
  /** The creation limit's clock (tests). */
  now?: Date;
}

/**
 * `POST /api/practice`: the participant's practice deployment, connected like any cluster. One per
 * participant: a deployment of the asked flavour that still exists is reused (nothing is created);
 * one of another flavour is deleted and replaced; one that is gone (reclaimed, or lost in a
 * restart) is replaced. Creating counts toward PRACTICE_CREATIONS_PER_HOUR.
 */
export async function connectPracticeCluster(ctx: AppContext, participantId: string, flavor: PracticeFlavor, options: PracticeConnectOptions = {}): Promise<ClusterPanelDto> {
  if (!ctx.practiceUrl) throw new AppError('cluster_unavailable', { params: { reason: 'practice_disabled' }, detail: 'PRACTICE_CLUSTER=false' });
  const practiceUrl = ctx.practiceUrl;
  return connectOrRecord(ctx, participantId, async () => {
    const current = await practiceDeploymentOf(ctx, await getConnection(ctx.db, participantId));
    let previous: PracticeDeploymentRef | null = null;
    if (current) {
      const existing = await practiceDeploymentFlavor(practiceUrl, current).catch((error: unknown) => {
        const appError = toAppError(error);
        if (appError.code === 'practice_lost' || appError.code === 'practice_reclaimed') return null;
        throw appError;
      });
      if (existing === flavor) {
        const connected = await connectCluster({ url: practiceUrl, username: current.username, password: current.password }, { policy: ctx.policy });
        return store(ctx, participantId, connected, 'practice', { practiceDeploymentId: current.id });
      }
      if (existing !== null) previous = current;
    }
    await claimPracticeCreation(ctx, participantId, options.now ?? new Date());
    const deployment = await createPracticeDeployment(practiceUrl, flavor, `lab-${participantId.slice(0, 8)}`);
    // The deployment's URL is the practice cluster's own idea of its address; the app reaches it where it is configured.
    const connected = await connectCluster({ url: practiceUrl, username: deployment.username, password: deployment.password }, { policy: ctx.policy });
    const panel = await store(ctx, participantId, connected, 'practice', { practiceDeploymentId: deployment.id });
    await releasePracticeDeployment(ctx, previous);
    return panel;
  });
}

/** `DELETE /api/cluster`: forgets the credentials and closes the client; a practice deployment is deleted with them. */
export async function disconnectParticipantCluster(ctx: AppContext, participantId: string): Promise<void> {
  const connection = await getConnection(ctx.db, participantId);
  const practice = await practiceDeploymentOf(ctx, connection).catch(() => null);
  await deleteConnection(ctx.db, participantId);
  if (connection) {
    ctx.clients.delete(connection.id);
    invalidateCoalesced(`conn:${connection.id}:`);
    await appendEvent(ctx.db, { type: 'disconnected', participantId });
  }
  await releasePracticeDeployment(ctx, practice);
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
