import { z } from 'zod';
import { chapters } from '@/content/chapters';
import { requireCaller } from '@/lib/auth/session';
import { verifyChapter } from '@/lib/checkpoints/verifier';
import { handle, json, readQuery, requestLocale } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ chapter: z.coerce.number().int().min(1).max(chapters.length) });

export const GET = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const { chapter } = readQuery(request, querySchema);
  return json(await verifyChapter(ctx, { participantId: participant.id, workshopId: participant.workshopId }, chapter, requestLocale(request)));
});
