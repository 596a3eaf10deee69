import { requireCaller } from '@/lib/auth/session';
import { handle, json, readBody } from '@/lib/server/http';
import { ownedWorkshop, updateInstructorWorkshop, updateWorkshopSchema, workshopDto } from '@/lib/workshops';

export const dynamic = 'force-dynamic';

type Params = { params: { id: string } };

export const GET = handle(async (_request, { params }: Params) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  return json(workshopDto(await ownedWorkshop(ctx, participant.id, params.id)));
});

/** Edit the workshop; `{"status": "closed"}` closes it (no new attendees, no background checks), `"open"` reopens it. */
export const PATCH = handle(async (request, { params }: Params) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  const body = await readBody(request, updateWorkshopSchema);
  return json(await updateInstructorWorkshop(ctx, participant.id, params.id, body));
});
