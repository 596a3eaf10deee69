import 'server-only';
import { z } from 'zod';
import { AppError } from '../errors';
import type { HostAction } from '../practice/host/actions';
import { isSshAttemptUser, SSH_SOURCE_RULE, SSH_USER_RULE, sshAttemptSource } from '../validation/ssh-attempt';

/**
 * The app's side of the practice cluster's control API (DESIGN.md "Stable contracts"). It goes over
 * HTTP like any other client, so the practice cluster could run in another process.
 */
export { HOST_ACTIONS as PRACTICE_HOST_ACTIONS } from '../practice/host/actions';
export type PracticeHostAction = HostAction;

export const practiceFlavorSchema = z.enum(['9', '8', '7']);
export type PracticeFlavor = z.infer<typeof practiceFlavorSchema>;

const deploymentSchema = z.object({
  id: z.string(),
  url: z.string().url(),
  username: z.string(),
  password: z.string(),
  version: z.string(),
});
export type PracticeDeployment = z.infer<typeof deploymentSchema>;

export const hostActionBodySchema = z
  .object({
    minutes: z.number().min(0.1).max(30).optional(),
    /** `all`: one busy loop per core of the practice host, as the guide's corrected `dd` step runs. */
    cores: z.union([z.number().int().min(1).max(64), z.literal('all')]).optional(),
    user: z.string().trim().refine(isSshAttemptUser, { message: SSH_USER_RULE }).optional(),
    sourceIp: z
      .string()
      .transform((value, context) => {
        const source = sshAttemptSource(value);
        if (source === null) context.addIssue({ code: z.ZodIssueCode.custom, message: SSH_SOURCE_RULE });
        return source ?? value;
      })
      .optional(),
    count: z.number().int().min(1).max(50).optional(),
    /** A Beat's first start ships this much history (default an hour); load tests ask for less. */
    backfillMinutes: z.number().min(0).max(60).optional(),
  })
  .strict();
export type HostActionBody = z.infer<typeof hostActionBodySchema>;

const controlErrorSchema = z.object({ error: z.object({ type: z.string(), idle_minutes: z.number().optional() }).passthrough() });

/**
 * What a refusal of the control API means for the learner. Under `/_practice/deployments/{id}` the
 * app always presents the deployment's own credentials, so a 401 or 404 there means the cluster no
 * longer knows the deployment (lost in a restart), and 410 that it was reclaimed while idle.
 */
function controlFailure(status: number, body: unknown, onDeployment: boolean, detail: string): AppError {
  const error = controlErrorSchema.safeParse(body);
  // 410 is both: a deployment whose files could not be read back after a restart, or one reclaimed while idle.
  if (onDeployment && status === 410 && error.success && error.data.error.type === 'practice_deployment_lost') return new AppError('practice_lost', { detail });
  if (onDeployment && status === 410) {
    return new AppError('practice_reclaimed', { params: { idleMinutes: error.success ? error.data.error.idle_minutes : undefined }, detail });
  }
  if (onDeployment && (status === 401 || status === 404)) return new AppError('practice_lost', { detail });
  if (status === 429 && error.success && error.data.error.type === 'too_many_deployments') return new AppError('practice_full', { params: { retryAfterSeconds: 300 }, detail });
  return new AppError('cluster_unavailable', { params: { reason: 'practice' }, detail });
}

async function call(url: string, init: RequestInit & { timeoutMs?: number }): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 5_000) });
  } catch (error) {
    throw new AppError('cluster_unavailable', { params: { reason: 'practice' }, detail: `practice cluster unreachable: ${String(error)}`, cause: error });
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const path = new URL(url).pathname;
    throw controlFailure(response.status, body, path.startsWith('/_practice/deployments/'), `practice control API ${init.method ?? 'GET'} ${path} answered ${response.status}`);
  }
  return body;
}

export async function createPracticeDeployment(practiceUrl: string, flavor: PracticeFlavor, name: string): Promise<PracticeDeployment> {
  const body = await call(`${practiceUrl}/_practice/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ flavor, name }),
  });
  return deploymentSchema.parse(body);
}

function basicAuth(deployment: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64')}`;
}

/** A stored practice deployment, as the app knows it: its id and its own credentials. */
export interface PracticeDeploymentRef {
  id: string;
  username: string;
  password: string;
}

function deploymentUrl(practiceUrl: string, deployment: PracticeDeploymentRef, subpath = ''): string {
  return `${practiceUrl}/_practice/deployments/${encodeURIComponent(deployment.id)}${subpath}`;
}

const deploymentSummarySchema = z.object({ flavor: practiceFlavorSchema }).passthrough();

/** The deployment's flavour if the practice cluster still has it; `practice_reclaimed` / `practice_lost` if not. */
export async function practiceDeploymentFlavor(practiceUrl: string, deployment: PracticeDeploymentRef): Promise<PracticeFlavor> {
  const body = await call(deploymentUrl(practiceUrl, deployment), { method: 'GET', headers: { authorization: basicAuth(deployment) } });
  return deploymentSummarySchema.parse(body).flavor;
}

/** Deletes the deployment (its host, watches and jobs with it); one already gone is fine. */
export async function deletePracticeDeployment(practiceUrl: string, deployment: PracticeDeploymentRef): Promise<void> {
  try {
    await call(deploymentUrl(practiceUrl, deployment), { method: 'DELETE', headers: { authorization: basicAuth(deployment) } });
  } catch (error) {
    if (error instanceof AppError && (error.code === 'practice_lost' || error.code === 'practice_reclaimed')) return;
    throw error;
  }
}

/** Tells the practice cluster that the learner is at work, so the deployment is not reclaimed as idle. */
export async function notePracticeDeploymentActivity(practiceUrl: string, deployment: PracticeDeploymentRef): Promise<void> {
  await call(deploymentUrl(practiceUrl, deployment, '/activity'), { method: 'POST', headers: { authorization: basicAuth(deployment) } });
}

/** Drives the deployment's simulated host with that deployment's own credentials. */
export async function runPracticeHostAction(
  practiceUrl: string,
  deployment: { id: string; username: string; password: string },
  action: PracticeHostAction,
  body: HostActionBody = {},
): Promise<Record<string, unknown>> {
  let cores = body.cores;
  if (cores === 'all') {
    const host = await call(`${practiceUrl}/_practice/deployments/${encodeURIComponent(deployment.id)}/host`, {
      method: 'GET',
      headers: { authorization: basicAuth(deployment) },
    });
    cores = z.object({ cores: z.number().int().min(1).max(64) }).parse(host).cores;
  }
  const result = await call(`${practiceUrl}/_practice/deployments/${encodeURIComponent(deployment.id)}/host/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicAuth(deployment) },
    body: JSON.stringify({ ...body, cores }),
  });
  return (result ?? {}) as Record<string, unknown>;
}

/** The practice cluster's progress of a flights sample load (`/_practice/deployments/{id}/datasets/flights`). */
export const sampleLoadSchema = z.object({
  loadId: z.string(),
  index: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  rows: z.number(),
  failedRows: z.number(),
  totalRows: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  failures: z.array(z.object({ line: z.number(), reason: z.string() })),
  error: z.string().nullable(),
});
export type SampleLoad = z.infer<typeof sampleLoadSchema>;

/** Starts (or, while one runs, reports) the deployment's flights sample load; `GET` reports, `DELETE` cancels. */
export async function practiceFlightsSample(
  practiceUrl: string,
  deployment: { id: string; username: string; password: string },
  method: 'POST' | 'GET' | 'DELETE',
  body?: { timeZone: string; from?: string; to?: string },
): Promise<SampleLoad> {
  const result = await call(`${practiceUrl}/_practice/deployments/${encodeURIComponent(deployment.id)}/datasets/flights`, {
    method,
    headers: { 'content-type': 'application/json', authorization: basicAuth(deployment) },
    body: body === undefined ? undefined : JSON.stringify(body),
    // Starting computes the sample's size and file identity once per process.
    timeoutMs: 20_000,
  });
  return sampleLoadSchema.parse(result);
}
