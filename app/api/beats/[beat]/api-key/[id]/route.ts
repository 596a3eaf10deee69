import { requireCaller } from '@/lib/auth/session';
import { parseApiKeyId, parseBeatParam } from '@/lib/beats/params';
import { revokeBeatApiKey } from '@/lib/beats/service';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

export const DELETE = handle(async (_request, { params }: { params: { beat: string; id: string } }) => {
  const { participant, ctx } = await requireCaller();
  return json(await revokeBeatApiKey(ctx, participant.id, parseBeatParam(params.beat), parseApiKeyId(params.id)));
});
