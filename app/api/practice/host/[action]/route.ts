import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { practiceHostAction } from '@/lib/connections/practice';
import { hostActionBodySchema, PRACTICE_HOST_ACTIONS } from '@/lib/connections/practice-control';
import { AppError } from '@/lib/errors';
import { handle, json, readBody } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const actionSchema = z.enum(PRACTICE_HOST_ACTIONS);

export const POST = handle(async (request, { params }: { params: { action: string } }) => {
  const { participant, ctx } = await requireCaller();
  const action = actionSchema.safeParse(params.action);
  if (!action.success) throw new AppError('not_found', { detail: `unknown practice host action ${params.action}` });
  const body = await readBody(request, hostActionBodySchema);
  return json(await practiceHostAction(ctx, participant.id, action.data, body));
});
