import 'server-only';
import { z } from 'zod';
import { microCache } from '../cluster/coalesce';
import type { ClusterConnection } from '../db';
import { AppError } from '../errors';
import type { AppContext } from '../server/context';
import { asPracticeConnection, practiceConnection, type PracticeConnection } from './practice';
import { connectionKey, participantAuth } from './service';

/**
 * `GET /api/practice/outbox`: the mail the participant's practice watches "sent", read from the
 * practice cluster's control API (`GET /_practice/deployments/{id}/outbox`, DESIGN.md) with the
 * deployment's own credentials, newest first.
 */

const mailSchema = z.object({
  watch_id: z.string(),
  action_id: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  sent_at: z.string(),
});
export const outboxSchema = z.object({ emails: z.array(mailSchema) });
export type PracticeOutbox = z.infer<typeof outboxSchema>;

/** The most mails handed to the browser (the practice cluster keeps 200). */
export const OUTBOX_SHOWN = 50;

/**
 * How long one read of the mailbox answers every tab of the participant (a chapter 4 page reads it
 * every 5 s). A practice host action or a watch saved or run through the guide drops it (they
 * invalidate the connection's answers), so the mail they cause shows at the next read; mail from a
 * watch's own schedule shows at most this much later.
 */
const OUTBOX_TTL_MS = 2_000;

/**
 * The mailbox of the participant's practice deployment. `known` is their connection row when the
 * caller has read it already (the page channel reads it once for all of a page's reads).
 */
export async function practiceOutbox(ctx: AppContext, participantId: string, known?: ClusterConnection | null): Promise<PracticeOutbox> {
  if (!ctx.practiceUrl) throw new AppError('cluster_unavailable', { params: { reason: 'practice_disabled' } });
  const connection = known !== undefined ? asPracticeConnection(known) : await practiceConnection(ctx, participantId);
  return microCache(connectionKey(connection.id, 'outbox'), OUTBOX_TTL_MS, () => readOutbox(ctx, connection));
}

async function readOutbox(ctx: AppContext, connection: PracticeConnection): Promise<PracticeOutbox> {
  const auth = await participantAuth(ctx, connection);
  if (auth.kind !== 'basic') throw new AppError('invalid_request', { params: { reason: 'not_practice' } });
  const url = `${ctx.practiceUrl}/_practice/deployments/${encodeURIComponent(connection.practiceDeploymentId)}/outbox`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` },
      signal: AbortSignal.timeout(5_000),
      cache: 'no-store',
    });
  } catch (error) {
    throw new AppError('cluster_unavailable', { params: { reason: 'practice' }, detail: `practice cluster unreachable: ${String(error)}`, cause: error });
  }
  if (!response.ok) {
    throw new AppError(response.status === 401 ? 'unauthorized' : 'cluster_unavailable', { params: { reason: 'practice' }, detail: `practice outbox answered ${response.status}` });
  }
  const parsed = outboxSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new AppError('internal', { detail: 'practice outbox answer has an unexpected shape' });
  return { emails: parsed.data.emails.slice(0, OUTBOX_SHOWN) };
}
