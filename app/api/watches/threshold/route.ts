import { requireCaller } from '@/lib/auth/session';
import { handle, json, readBody } from '@/lib/server/http';
import { saveThresholdWatch, thresholdBodySchema } from '@/lib/watches/service';

export const dynamic = 'force-dynamic';

/** Kibana's threshold form fields, the name and optionally an email -> `{id}` of the saved watch. */
export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const body = await readBody(request, thresholdBodySchema);
  return json(await saveThresholdWatch(ctx, participant.id, body), { status: 201 });
});
