import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { createWizardJob } from '@/lib/ml/jobs';
import { WIZARD_FUNCTIONS } from '@/lib/queries/ml-jobs';
import { handle, json, readBody, readParams } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

// The id's own rules are Elasticsearch's, checked by the service so they answer `invalid_job`.
const paramsSchema = z.object({ jobId: z.string().min(1).max(200) });
const bodySchema = z
  .object({
    index: z.string().min(1).max(255),
    function: z.enum(WIZARD_FUNCTIONS),
    field: z.string().min(1).max(255).optional(),
    bucketSpan: z.string().max(20).optional(),
  })
  .strict();

/**
 * `PUT /api/ml/jobs/{jobId}` (DESIGN.md): the single-metric wizard's job and datafeed, created as
 * Kibana creates them (model plot on), opened and run over all of the index's data.
 */
export const PUT = handle(async (request, { params }: { params: { jobId: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { jobId } = readParams(params, paramsSchema);
  const body = await readBody(request, bodySchema);
  return json(await createWizardJob(ctx, participant.id, jobId, body), { status: 201 });
});
