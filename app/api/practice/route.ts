import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { practiceFlavorSchema } from '@/lib/connections/practice-control';
import { connectPracticeCluster } from '@/lib/connections/service';
import { handle, json, readBody } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ flavor: practiceFlavorSchema.default('8') }).strict();

export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const { flavor } = await readBody(request, bodySchema);
  return json(await connectPracticeCluster(ctx, participant.id, flavor), { status: 201 });
});
