import 'server-only';
import { z } from 'zod';
import type { SessionParticipant } from '../auth/sign-in';
import { invalidateCoalesced } from '../cluster/coalesce';
import { translateClusterError } from '../cluster/errors';
import { appendEvent, getConnection, getConnectionSummary, getWorkshop, latestParticipantEvent, type ClusterConnection, type JsonValue } from '../db';
import { AppError, toAppError } from '../errors';
import type { ClusterPanelDto } from '../panels/cluster-status.contract';
import { generateSampleWebLogs, SAMPLE_WEB_LOGS_INDEX, sampleWebLogsMappings } from '../sample-data/web-logs';
import type { AppContext } from '../server/context';
import {
  practiceDeploymentFlavor,
  practiceFlavorSchema,
  practiceFlightsSample,
  runPracticeHostAction,
  type HostActionBody,
  type PracticeFlavor,
  type PracticeHostAction,
  type SampleLoad,
} from './practice-control';
import { connectionKey, connectPracticeCluster, participantAuth, participantCluster, practiceDeploymentOf, type PracticeConnectOptions } from './service';

export type PracticeConnection = ClusterConnection & { practiceDeploymentId: string };

export async function practiceConnection(ctx: AppContext, participantId: string): Promise<PracticeConnection> {
  return asPracticeConnection(await getConnection(ctx.db, participantId));
}

/** The participant's connection (null/undefined: none) as a practice one, or why it is not. */
export function asPracticeConnection(connection: ClusterConnection | null | undefined): PracticeConnection {
  if (!connection) throw new AppError('not_connected');
  if (connection.kind !== 'practice' || !connection.practiceDeploymentId) {
    throw new AppError('invalid_request', { params: { reason: 'not_practice' }, detail: 'practice host action on a real cluster' });
  }
  return connection as PracticeConnection;
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
  await recordBeatsState(ctx, participantId, connection.practiceDeploymentId, action, state);
  return state;
}

const BEATS = ['metricbeat', 'filebeat'] as const;
type Beat = (typeof BEATS)[number];
type BeatsState = Record<Beat, { setup: boolean; running: boolean }>;

const beatStateSchema = z.object({ setup: z.boolean(), running: z.boolean() });
const beatsStateSchema = z.object({ metricbeat: beatStateSchema, filebeat: beatStateSchema });

/**
 * After each host action the app keeps what the host's Beats look like (set up? running?), so a
 * learner whose deployment is gone gets the same Beats set-up on the new one: the practice
 * cluster's own record goes with the deployment.
 */
async function recordBeatsState(ctx: AppContext, participantId: string, deploymentId: string, action: PracticeHostAction, state: Record<string, unknown>): Promise<void> {
  const beats = beatsStateSchema.safeParse(state);
  if (!beats.success) return;
  const detail = { action, deploymentId, metricbeat: beats.data.metricbeat, filebeat: beats.data.filebeat } satisfies JsonValue;
  await appendEvent(ctx.db, { type: 'practice_host_action', participantId, detail }).catch((error: unknown) => {
    console.warn(`[practice] recording the Beats state of ${participantId} failed: ${String(error)}`);
  });
}

const recordedSchema = beatsStateSchema.extend({ deploymentId: z.string() });

/**
 * The Beats set-up last recorded on the deployment (nothing set up when none was). Only the
 * participant's latest record counts: one about an earlier deployment means that this one never
 * had a host action.
 */
async function recordedBeats(ctx: AppContext, participantId: string, deploymentId: string): Promise<BeatsState> {
  const event = await latestParticipantEvent(ctx.db, participantId, 'practice_host_action');
  const parsed = recordedSchema.safeParse(event?.detail);
  if (parsed.success && parsed.data.deploymentId === deploymentId) return { metricbeat: parsed.data.metricbeat, filebeat: parsed.data.filebeat };
  return { metricbeat: { setup: false, running: false }, filebeat: { setup: false, running: false } };
}

/** The flavour a stored practice connection was made with, from the version its last probe saw. */
function flavorOf(connection: ClusterConnection): PracticeFlavor {
  const major = connection.lastStatus?.version?.split('.')[0];
  const parsed = practiceFlavorSchema.safeParse(major);
  return parsed.success ? parsed.data : '8';
}

export interface RecreatedPractice extends ClusterPanelDto {
  /** The host actions run again on the new deployment, in order. */
  rerun: PracticeHostAction[];
}

/**
 * `POST /api/practice/recreate`: the learner's practice deployment was reclaimed or lost; a new
 * one of the same flavour is made and connected, and the Beats set-up they had done is run again
 * (setup, then start for a Beat that was running). A deployment that still exists is kept as it is.
 */
export async function recreatePracticeDeployment(ctx: AppContext, participantId: string, options: PracticeConnectOptions = {}): Promise<RecreatedPractice> {
  if (!ctx.practiceUrl) throw new AppError('cluster_unavailable', { params: { reason: 'practice_disabled' } });
  const connection = await practiceConnection(ctx, participantId);
  const flavor = flavorOf(connection);
  const beats = await recordedBeats(ctx, participantId, connection.practiceDeploymentId);
  const panel = await connectPracticeCluster(ctx, participantId, flavor, options);
  const renewed = await getConnection(ctx.db, participantId);
  // Still the same deployment: it was there after all (a second click), nothing to run again.
  if (renewed?.practiceDeploymentId === connection.practiceDeploymentId) return { ...panel, rerun: [] };
  const rerun: PracticeHostAction[] = [];
  for (const beat of BEATS) {
    if (beats[beat].setup) rerun.push(`${beat}-setup`);
    if (beats[beat].running) rerun.push(`${beat}-start`);
  }
  for (const action of rerun) await practiceHostAction(ctx, participantId, action, {});
  return { ...panel, rerun };
}

/**
 * What a failed read of a practice connection means for the learner: a 401 from the practice
 * cluster with the deployment's own credentials means the deployment is gone (reclaimed or lost),
 * and an unreachable practice cluster is not an Elastic Cloud problem. Other errors stay as they are.
 */
export async function explainPracticeFailure(ctx: AppContext, connection: ClusterConnection, error: AppError): Promise<AppError> {
  if (connection.kind !== 'practice' || !ctx.practiceUrl) return error;
  if (error.code === 'cluster_unavailable' || error.code === 'timeout') {
    return new AppError('cluster_unavailable', { params: { reason: 'practice' }, detail: error.detail });
  }
  if (error.code !== 'unauthorized') return error;
  const deployment = await practiceDeploymentOf(ctx, connection).catch(() => null);
  if (!deployment) return error;
  try {
    await practiceDeploymentFlavor(ctx.practiceUrl, deployment);
    return error;
  } catch (caught) {
    return toAppError(caught);
  }
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
