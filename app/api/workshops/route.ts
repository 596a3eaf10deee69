import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { handle, json, readBody } from '@/lib/server/http';
import { createInstructorWorkshop, listInstructorWorkshops } from '@/lib/workshops';

export const dynamic = 'force-dynamic';

const createSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    code: z.string().trim().min(4).max(12).optional(),
    clusterMode: z.enum(['cloud', 'practice']).optional(),
  })
  .strict();

export const GET = handle(async () => {
  const { participant, ctx } = await requireCaller(['instructor']);
  return json(await listInstructorWorkshops(ctx, participant.id));
});

export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  const body = await readBody(request, createSchema);
  return json(await createInstructorWorkshop(ctx, participant.id, body), { status: 201 });
});
