import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { practiceHostAction } from '@/lib/connections/practice';
import { hostActionBodySchema, PRACTICE_HOST_ACTIONS } from '@/lib/connections/practice-control';
import { handle, json, readBody, readParams } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ action: z.enum(PRACTICE_HOST_ACTIONS) });

export const POST = handle(async (request, { params }: { params: { action: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { action } = readParams(params, paramsSchema);
  const body = await readBody(request, hostActionBodySchema);
  return json(await practiceHostAction(ctx, participant.id, action, body));
});
