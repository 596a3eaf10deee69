import { requireCaller } from '@/lib/auth/session';
import { workshopCounts } from '@/lib/board/service';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** Presenter mode's "18/24 done" per checkpoint. */
export const GET = handle(async (_request, { params }: { params: { id: string } }) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  return json(await workshopCounts(ctx, participant.id, params.id));
});
