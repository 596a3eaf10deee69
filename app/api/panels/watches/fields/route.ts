import { requireCaller } from '@/lib/auth/session';
import { readPanel } from '@/lib/panels/read';
import { watchFields } from '@/lib/panels/watch-builder';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** `?index=metricbeat-*`: the threshold builder's time, number and term fields (`_field_caps`). */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  return json(await readPanel(ctx, participant.id, watchFields, readQuery(request, watchFields.query)));
});
