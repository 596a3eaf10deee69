import { requireCaller } from '@/lib/auth/session';
import { filebeatModuleStatus } from '@/lib/panels/auth-log';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** Whether the Filebeat `system` module's auth pipeline is installed (`filebeat setup` ran). */
export const GET = handle(async () => {
  const { participant, ctx } = await requireCaller();
  return json(await filebeatModuleStatus(ctx, participant.id));
});
