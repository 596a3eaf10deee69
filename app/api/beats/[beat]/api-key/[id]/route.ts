import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { apiKeyIdSchema, beatParamSchema } from '@/lib/beats/params';
import { revokeBeatApiKey } from '@/lib/beats/service';
import { handle, json, readParams } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ beat: beatParamSchema, id: apiKeyIdSchema });

export const DELETE = handle(async (_request, { params }: { params: { beat: string; id: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { beat, id } = readParams(params, paramsSchema);
  return json(await revokeBeatApiKey(ctx, participant.id, beat, id));
});
