import { requireCaller } from '@/lib/auth/session';
import { clusterStatusCard } from '@/lib/panels/cluster-status';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** The status card: without a connection it says so (the card offers the connect form), not an error. */
export const GET = handle(async () => {
  const { participant, ctx } = await requireCaller();
  return json(await clusterStatusCard(ctx, participant.id));
});
