import { requireCaller } from '@/lib/auth/session';
import { mlAnomalies } from '@/lib/panels/ml-anomalies';
import { readPanel } from '@/lib/panels/read';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** `?job=flights&from=&to=&tz=`: the Single Metric Viewer of the job, its anomalies and the handout's answers. */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  return json(await readPanel(ctx, participant.id, mlAnomalies, readQuery(request, mlAnomalies.query)));
});
