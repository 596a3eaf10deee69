import { requireCaller } from '@/lib/auth/session';
import { recreatePracticeDeployment } from '@/lib/connections/practice';
import { handle, json } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** The learner's reclaimed or lost practice deployment, made again with the Beats set-up they had done. */
export const POST = handle(async () => {
  const { participant, ctx } = await requireCaller();
  return json(await recreatePracticeDeployment(ctx, participant.id), { status: 201 });
});
