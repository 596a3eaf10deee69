import { requireCaller } from '@/lib/auth/session';
import { readPanel } from '@/lib/panels/read';
import { watches } from '@/lib/panels/watches';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** The participant's watches with state, last checked, last fired and recent executions. */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  return json(await readPanel(ctx, participant.id, watches, readQuery(request, watches.query)));
});
