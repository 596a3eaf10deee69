import { requireCaller } from '@/lib/auth/session';
import { handle, json, readBody } from '@/lib/server/http';
import { resetAttendee, resetSchema } from '@/lib/workshops';

export const dynamic = 'force-dynamic';

/** Forgets the attendee's results (all, or `checkpointIds`), so they are verified afresh. */
export const POST = handle(async (request, { params }: { params: { id: string; attendeeId: string } }) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  const { checkpointIds } = await readBody(request, resetSchema);
  return json(await resetAttendee(ctx, participant.id, params.id, params.attendeeId, checkpointIds));
});
