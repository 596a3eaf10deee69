import { requireCaller } from '@/lib/auth/session';
import { readPanel } from '@/lib/panels/read';
import { watchPreview } from '@/lib/panels/watch-builder';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** The threshold builder's preview: the metric per time window over a recent range. */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  return json(await readPanel(ctx, participant.id, watchPreview, readQuery(request, watchPreview.query)));
});
