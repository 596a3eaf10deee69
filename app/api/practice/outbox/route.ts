import { requireCaller } from '@/lib/auth/session';
import { practiceOutbox } from '@/lib/connections/practice-outbox';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** The participant's practice mailbox: the mail their practice watches "sent", newest first. */
export const GET = handle(async () => {
  const { participant, ctx } = await requireCaller();
  return json(await practiceOutbox(ctx, participant.id));
});
