import { requireCaller } from '@/lib/auth/session';
import { channelStream } from '@/lib/panels/channel-stream';
import { handle, requestLocale } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** PROTOTYPE: `?r=<ms>:<url>&r=…` as a server-sent-events stream (measured against POST /api/panels). */
export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const reads = new URL(request.url).searchParams.getAll('r').slice(0, 20);
  const stream = channelStream({ participant, ctx, locale: requestLocale(request) }, reads, request.signal);
  return new Response(stream, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'content-encoding': 'none', connection: 'keep-alive' } });
});
