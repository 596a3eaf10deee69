import { requireCaller } from '@/lib/auth/session';
import { attendeeDetail } from '@/lib/board/service';
import { handle, json, requestLocale } from '@/lib/server/http';
import { removeAttendee } from '@/lib/workshops';

export const dynamic = 'force-dynamic';

type Params = { params: { id: string; attendeeId: string } };

/** The board's drill-in: connection status and host, the last error explained, recent events. Never credentials. */
export const GET = handle(async (request, { params }: Params) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  return json(await attendeeDetail(ctx, participant.id, params.id, params.attendeeId, requestLocale(request)));
});

/** Removes the attendee from the class: their credentials are forgotten and their session ends. */
export const DELETE = handle(async (_request, { params }: Params) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  return json(await removeAttendee(ctx, participant.id, params.id, params.attendeeId));
});
