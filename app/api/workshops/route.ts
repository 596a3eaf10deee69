import { requireCaller } from '@/lib/auth/session';
import { handle, json, readBody } from '@/lib/server/http';
import { createInstructorWorkshop, createWorkshopSchema, listInstructorWorkshops } from '@/lib/workshops';

export const dynamic = 'force-dynamic';

export const GET = handle(async () => {
  const { participant, ctx } = await requireCaller(['instructor']);
  return json(await listInstructorWorkshops(ctx, participant.id));
});

export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  const body = await readBody(request, createWorkshopSchema);
  return json(await createInstructorWorkshop(ctx, participant.id, body), { status: 201 });
});
