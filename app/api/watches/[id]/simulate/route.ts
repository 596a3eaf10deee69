import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { handle, json, readBody, readParams } from '@/lib/server/http';
import { simulateBodySchema, simulateWatch, watchIdSchema } from '@/lib/watches/service';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ id: watchIdSchema });

/** Runs the watch once without sending anything or recording it -> `{conditionMet, explanation, record}`. */
export const POST = handle(async (request, { params }: { params: { id: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { id } = readParams(params, paramsSchema);
  const body = await readBody(request, simulateBodySchema);
  return json(await simulateWatch(ctx, participant.id, id, body));
});
