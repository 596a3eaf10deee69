import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { estimateBucketSpan } from '@/lib/ml/jobs';
import { WIZARD_FUNCTIONS } from '@/lib/queries/ml-jobs';
import { handle, json, readBody } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ index: z.string().min(1).max(255), function: z.enum(WIZARD_FUNCTIONS), field: z.string().min(1).max(255).optional() }).strict();

/** The wizard's "Estimate bucket span": Kibana's estimator (ES-ML-REFERENCE §7) run on the participant's data. */
export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  return json(await estimateBucketSpan(ctx, participant.id, await readBody(request, bodySchema)));
});
