import { requireCaller } from '@/lib/auth/session';
import { connectParticipantCluster, connectRequestSchema, disconnectParticipantCluster } from '@/lib/connections/service';
import { clusterStatusCard } from '@/lib/panels/cluster-status';
import { handle, json, readBody } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

export const GET = handle(async () => {
  const { participant, ctx } = await requireCaller();
  return json(await clusterStatusCard(ctx, participant.id));
});

export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const body = await readBody(request, connectRequestSchema);
  return json(await connectParticipantCluster(ctx, participant.id, body), { status: 201 });
});

export const DELETE = handle(async () => {
  const { participant, ctx } = await requireCaller();
  await disconnectParticipantCluster(ctx, participant.id);
  return json({ connection: null, status: null, error: null, checkedAt: new Date().toISOString() });
});
