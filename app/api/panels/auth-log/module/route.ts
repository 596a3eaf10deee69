import { requireCaller } from '@/lib/auth/session';
import { filebeatModule } from '@/lib/panels/auth-log';
import { readPanel } from '@/lib/panels/read';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** Whether the Filebeat `system` module's auth pipeline is installed (`filebeat setup` ran). */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  return json(await readPanel(ctx, participant.id, filebeatModule, readQuery(request, filebeatModule.query)));
});
