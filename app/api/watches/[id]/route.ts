import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { handle, json, readParams, readQuery } from '@/lib/server/http';
import { deleteWatch, saveWatch, watchIdSchema } from '@/lib/watches/service';
import { WATCH_TEXT_MAX } from '@/lib/watches/validate';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ id: watchIdSchema });
/** `?name=`: save as Kibana's advanced watch does, with `metadata.name` (and `metadata.xpack.type: json`). */
const querySchema = z.object({ name: z.string().trim().min(1).max(200).optional() });

/** A watch as for `PUT _watcher/watch/{id}`, checked (line and field of any problem) and saved on the participant's cluster. */
export const PUT = handle(async (request, { params }: { params: { id: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { id } = readParams(params, paramsSchema);
  const { name } = readQuery(request, querySchema);
  const tooLong = new AppError('invalid_watch', { params: { reason: `the watch is longer than ${WATCH_TEXT_MAX} characters` } });
  // Refused before reading when the length is announced (UTF-8: at most 4 bytes a character).
  if (Number(request.headers.get('content-length') ?? 0) > WATCH_TEXT_MAX * 4) throw tooLong;
  const text = await request.text();
  if (text.length > WATCH_TEXT_MAX) throw tooLong;
  const saved = await saveWatch(ctx, participant.id, id, text, name ? { name } : {});
  return json(saved, { status: saved.created ? 201 : 200 });
});

export const DELETE = handle(async (_request, { params }: { params: { id: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { id } = readParams(params, paramsSchema);
  return json(await deleteWatch(ctx, participant.id, id));
});
