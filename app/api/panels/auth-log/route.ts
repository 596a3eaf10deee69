import { requireCaller } from '@/lib/auth/session';
import { asksForOlder, authLogOlder, authLogTail } from '@/lib/panels/auth-log';
import { readPanel } from '@/lib/panels/read';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/**
 * `?cursor=&filter=`: the first page, or the events since the cursor; `?before=&filter=`: the page
 * of older events before that cursor. The filter is compiled on the server.
 */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  if (asksForOlder(new URL(request.url).searchParams)) {
    return json(await readPanel(ctx, participant.id, authLogOlder, readQuery(request, authLogOlder.query)));
  }
  return json(await readPanel(ctx, participant.id, authLogTail, readQuery(request, authLogTail.query)));
});
