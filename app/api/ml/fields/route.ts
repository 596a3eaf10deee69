import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { metricFields } from '@/lib/ml/jobs';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ index: z.string().min(1).max(255) });

/** The wizard's field picker: the index's number fields and its time field. */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const { index } = readQuery(request, querySchema);
  return json(await metricFields(ctx, participant.id, index));
});
