import { requireCaller } from '@/lib/auth/session';
import { loadPracticeSampleData } from '@/lib/connections/practice';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

export const POST = handle(async () => {
  const { participant, ctx } = await requireCaller();
  return json(await loadPracticeSampleData(ctx, participant.id), { status: 201 });
});
