import { requireCaller } from '@/lib/auth/session';
import { hostMetricsPanel, parseHostMetricsParams } from '@/lib/panels/host-metrics';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const params = parseHostMetricsParams(new URL(request.url).searchParams);
  return json(await hostMetricsPanel(ctx, participant.id, params));
});
