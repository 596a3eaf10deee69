import { requireCaller } from '@/lib/auth/session';
import { parseBeatParam } from '@/lib/beats/params';
import { beatSetup } from '@/lib/beats/service';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

export const GET = handle(async (_request, { params }: { params: { beat: string } }) => {
  const { participant, ctx } = await requireCaller();
  return json(await beatSetup(ctx, participant.id, parseBeatParam(params.beat)));
});
