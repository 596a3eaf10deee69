import { requireCaller } from '@/lib/auth/session';
import { authLogSummary } from '@/lib/panels/auth-log';
import { readPanel } from '@/lib/panels/read';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** `?range=15m|1h|24h`: SSH attempts per user and source IP, failed vs invalid user vs accepted. */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  return json(await readPanel(ctx, participant.id, authLogSummary, readQuery(request, authLogSummary.query)));
});
