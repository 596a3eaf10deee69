import { requireCaller } from '@/lib/auth/session';
import { channelRequestSchema, readChannel } from '@/lib/panels/channel';
import { CHANNEL_MAX_READS, CHANNEL_MAX_URL } from '@/lib/panels/channel.contract';
import { handle, json, readBody, requestLocale } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** The page channel: `{ reads: [url, …] }` → `{ answers: [{ data } | { status, error } | { route: true }, …] }`, one per read. */
export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const { reads } = await readBody(request, channelRequestSchema, { maxBytes: CHANNEL_MAX_READS * (CHANNEL_MAX_URL + 16) + 64, maxEntries: CHANNEL_MAX_READS + 2 });
  return json({ answers: await readChannel({ participant, ctx, locale: requestLocale(request) }, reads) });
});
