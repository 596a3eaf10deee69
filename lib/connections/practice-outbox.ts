import 'server-only';
import { z } from 'zod';
import { AppError } from '../errors';
import type { AppContext } from '../server/context';
import { practiceConnection } from './practice';
import { participantAuth } from './service';

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

export async function practiceOutbox(ctx: AppContext, participantId: string): Promise<PracticeOutbox> {
  if (!ctx.practiceUrl) throw new AppError('cluster_unavailable', { params: { reason: 'practice_disabled' } });
  const connection = await practiceConnection(ctx, participantId);
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
