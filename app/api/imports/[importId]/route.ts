import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { cancelImport, importProgress } from '@/lib/imports/service';
import { handle, json, readParams, requestLocale } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ importId: z.string().uuid() });

/** An import's progress (DESIGN.md): `{state, rows, failedRows, totalRows?}` with rows/s, time left and failed rows' lines. */
export const GET = handle(async (request, { params }: { params: { importId: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { importId } = readParams(params, paramsSchema);
  return json(await importProgress(ctx, participant.id, importId, requestLocale(request)));
});

/** Cancels a running import; rows already imported stay. */
export const DELETE = handle(async (request, { params }: { params: { importId: string } }) => {
  const { participant, ctx } = await requireCaller();
  const { importId } = readParams(params, paramsSchema);
  return json(await cancelImport(ctx, participant.id, importId, requestLocale(request)));
});
