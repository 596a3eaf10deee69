import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { beatParamSchema } from '@/lib/beats/params';
import { createBeatApiKey } from '@/lib/beats/service';
import { handle, json, readParams } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ beat: beatParamSchema });

export const POST = handle(async (_request, { params }: { params: { beat: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { beat } = readParams(params, paramsSchema);
  return json(await createBeatApiKey(ctx, participant.id, beat), { status: 201 });
});
