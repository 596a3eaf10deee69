import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { isTimeZone } from '@/lib/imports/contract';
import { importSample } from '@/lib/imports/service';
import { handle, json, readBody, readQuery, requestLocale } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const querySchema = z.object({ from: day.optional(), to: day.optional() });
const bodySchema = z.object({ timeZone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Asia/Seoul') }).strict();

/**
 * "Use the sample file" on the practice cluster: the flights sample goes into index `flights` of
 * the participant's practice deployment, its times read in the browser's zone (the body), as
 * Kibana's importer would; `?from=&to=` imports a slice of days. Answers `{importId, ...progress}`
 * at once; `GET /api/imports/{importId}` follows it.
 */
export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const range = readQuery(request, querySchema);
  const { timeZone } = await readBody(request, bodySchema);
  return json(await importSample(ctx, participant.id, { timeZone, ...range }, requestLocale(request)), { status: 202 });
});
