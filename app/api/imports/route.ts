import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { indexNameProblem, isTimeZone } from '@/lib/imports/contract';
import { importUpload } from '@/lib/imports/service';
import { handle, json, readQuery, requestLocale } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const querySchema = z.object({
  index: z.string().superRefine((name, ctx) => {
    const problem = indexNameProblem(name);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  }),
  /** The browser's zone: times without one are read in it, as Kibana's importer does. */
  tz: z.string().refine(isTimeZone, 'an IANA time zone').default('UTC'),
  /** A UUID the browser chose, so it can follow `GET /api/imports/{importId}` while the upload runs. */
  importId: z.string().uuid().optional(),
  /** The file's size, when the request has no Content-Length. */
  size: z.coerce.number().int().nonnegative().optional(),
});

function contentLength(request: Request): number | null {
  const value = Number(request.headers.get('content-length'));
  return Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * `POST /api/imports?index=NAME` with a CSV or NDJSON body (DESIGN.md): streamed, never held
 * whole, up to 100 MB (413 `invalid_file` beyond). Answers once the file is imported with
 * `{importId, state, rows, failedRows, totalRows, ...}`; an unreadable file is `invalid_file`.
 */
export const POST = handle(async (request) => {
  const { participant, ctx } = await requireCaller();
  const query = readQuery(request, querySchema);
  const progress = await importUpload(
    ctx,
    participant.id,
    { index: query.index, timeZone: query.tz, body: request.body, totalBytes: contentLength(request) ?? query.size ?? null, importId: query.importId },
    requestLocale(request),
  );
  return json(progress);
});
