import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { analyseFile } from '@/lib/imports/service';
import { handle, json, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ name: z.string().max(255).optional() });

/**
 * The importer's first step: the beginning of a file (the first megabyte at most; the body is read
 * as a stream and cut there) analysed by the cluster's own structure finder, answered as the
 * summary Kibana's Data Visualizer shows, with the index name it proposes.
 */
export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const { name } = readQuery(request, querySchema);
  return json(await analyseFile(ctx, participant.id, { body: request.body, fileName: name }));
});
