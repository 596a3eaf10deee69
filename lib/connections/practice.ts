import 'server-only';
import type { SessionParticipant } from '../auth/sign-in';
import { invalidateCoalesced } from '../cluster/coalesce';
import { translateClusterError } from '../cluster/errors';
import { getConnection, getConnectionSummary, getWorkshop, type ClusterConnection } from '../db';
import { AppError, toAppError } from '../errors';
import { generateSampleWebLogs, SAMPLE_WEB_LOGS_INDEX, sampleWebLogsMappings } from '../sample-data/web-logs';
import type { AppContext } from '../server/context';
import { practiceFlightsSample, runPracticeHostAction, type HostActionBody, type PracticeHostAction, type SampleLoad } from './practice-control';
import { connectionKey, connectPracticeCluster, participantAuth, participantCluster } from './service';

export async function practiceConnection(ctx: AppContext, participantId: string): Promise<ClusterConnection & { practiceDeploymentId: string }> {
  const connection = await getConnection(ctx.db, participantId);
  if (!connection) throw new AppError('not_connected');
  if (connection.kind !== 'practice' || !connection.practiceDeploymentId) {
    throw new AppError('invalid_request', { params: { reason: 'not_practice' }, detail: 'practice host action on a real cluster' });
  }
  return connection as ClusterConnection & { practiceDeploymentId: string };
}

/** `POST /api/practice/host/{action}`: what the attendee would type on their host, done on the practice host. */
export async function practiceHostAction(ctx: AppContext, participantId: string, action: PracticeHostAction, body: HostActionBody): Promise<Record<string, unknown>> {
  if (!ctx.practiceUrl) throw new AppError('cluster_unavailable', { params: { reason: 'practice_disabled' } });
  const connection = await practiceConnection(ctx, participantId);
  const auth = await participantAuth(ctx, connection);
  if (auth.kind !== 'basic') throw new AppError('invalid_request', { params: { reason: 'not_practice' } });
  const state = await runPracticeHostAction(ctx.practiceUrl, { id: connection.practiceDeploymentId, username: auth.username, password: auth.password }, action, body);
  // Panels and checkpoints should see the host's new state on their next poll, not a cached one.
  invalidateCoalesced(connectionKey(connection.id));
  return state;
}

/** Kibana's "Try our sample data" for the practice cluster: the sample web logs, through the normal client. */
export async function loadPracticeSampleData(ctx: AppContext, participantId: string): Promise<{ index: string; documents: number }> {
  const connection = await practiceConnection(ctx, participantId);
  const { client } = await participantCluster(ctx, participantId);
  let loaded = 0;
  try {
    const exists = await client.indicesExists(SAMPLE_WEB_LOGS_INDEX);
    if (!exists) {
      await client.request({ method: 'PUT', path: `/${SAMPLE_WEB_LOGS_INDEX}`, body: { mappings: sampleWebLogsMappings } });
    }
    const docs = generateSampleWebLogs(Date.now());
    loaded = docs.length;
    const response = await client.bulk(
      docs.flatMap((doc, i) => [{ index: { _index: SAMPLE_WEB_LOGS_INDEX, _id: `sample-${i}` } }, doc]),
      { refresh: true, timeoutMs: 30_000 },
    );
    if (response.errors) throw new AppError('internal', { detail: 'sample data bulk had item errors' });
  } catch (error) {
    throw translateClusterError(error);
  }
  invalidateCoalesced(connectionKey(connection.id));
  return { index: SAMPLE_WEB_LOGS_INDEX, documents: loaded };
}

/**
 * An attendee of a workshop set to the practice cluster starts connected: a practice deployment of
 * their own is created and connected as they join, so chapter 1 does not send them through Elastic
 * Cloud's sign-up first. Never fails the join: if this fails, chapter 1 offers the same thing with
 * one button (and says why it failed). Returns whether it connected.
 */
export async function connectWorkshopPractice(ctx: AppContext, participant: Pick<SessionParticipant, 'id' | 'role' | 'workshopId'>): Promise<boolean> {
  if (participant.role !== 'attendee' || !participant.workshopId || !ctx.practiceUrl) return false;
  try {
    const workshop = await getWorkshop(ctx.db, participant.workshopId);
    if (workshop?.clusterMode !== 'practice') return false;
    if (await getConnectionSummary(ctx.db, participant.id)) return false;
    await connectPracticeCluster(ctx, participant.id, '8');
    return true;
  } catch (error) {
    const appError = toAppError(error);
    console.warn(`[practice] connecting attendee ${participant.id} to the practice cluster on join failed: ${appError.code}`, appError.toLog());
    return false;
  }
}

/**
 * Chapter 5's "use the sample file": the practice cluster indexes the generated flights into the
 * participant's deployment itself (no upload), in the learner's zone; `GET`/`DELETE` follow and
 * cancel it. Only for a practice connection.
 */
export async function practiceFlightsLoad(
  ctx: AppContext,
  participantId: string,
  method: 'POST' | 'GET' | 'DELETE',
  body?: { timeZone: string; from?: string; to?: string },
): Promise<{ load: SampleLoad; connectionId: string }> {
  if (!ctx.practiceUrl) throw new AppError('cluster_unavailable', { params: { reason: 'practice_disabled' } });
  const connection = await practiceConnection(ctx, participantId);
  const auth = await participantAuth(ctx, connection);
  if (auth.kind !== 'basic') throw new AppError('invalid_request', { params: { reason: 'not_practice' } });
  const load = await practiceFlightsSample(ctx.practiceUrl, { id: connection.practiceDeploymentId, username: auth.username, password: auth.password }, method, body);
  return { load, connectionId: connection.id };
}
