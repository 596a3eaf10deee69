import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireCaller } from '@/lib/auth/session';
import { progressCsv, progressCsvFilename } from '@/lib/board/progress-view';
import { workshopProgress, workshopProgressJson } from '@/lib/board/service';
import { handle, jsonText, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ format: z.enum(['json', 'csv']).default('json') });

/** The class board (DESIGN.md): attendees with each checkpoint's state and time; `?format=csv` downloads it. */
export const GET = handle(async (request, { params }: { params: { id: string } }) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  const { format } = readQuery(request, querySchema);
  if (format === 'json') return jsonText(await workshopProgressJson(ctx, participant.id, params.id));
  const progress = await workshopProgress(ctx, participant.id, params.id);
  // The byte-order mark makes spreadsheet programs read the (often Korean) names as UTF-8.
  return new NextResponse(`\uFEFF${progressCsv(progress)}`, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${progressCsvFilename(progress)}"`,
      'cache-control': 'no-store',
    },
  });
});
