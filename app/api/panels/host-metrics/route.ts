import { requireCaller } from '@/lib/auth/session';
import { hostMetrics } from '@/lib/panels/host-metrics';
import { readPanel } from '@/lib/panels/read';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** `?range=5m|15m|1h|24h&host=`: the hosts reporting to `metricbeat-*` and one host's series. */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  return json(await readPanel(ctx, participant.id, hostMetrics, readQuery(request, hostMetrics.query)));
});
