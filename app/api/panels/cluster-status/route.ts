import { requireCaller } from '@/lib/auth/session';
import { clusterPanel } from '@/lib/connections/service';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

export const GET = handle(async () => {
  const { participant, ctx } = await requireCaller();
  return json(await clusterPanel(ctx, participant.id));
});
