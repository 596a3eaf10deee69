import { Readable } from 'node:stream';
import { z } from 'zod';
import { flightsCsvStream, flightsSize } from '@/lib/datasets/flights';
import { AppError } from '@/lib/errors';
import { handle, readQuery } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const querySchema = z.object({ from: day.optional(), to: day.optional() });

/**
 * The chapter 5 flights.csv (DESIGN.md; no session needed): the generated, calibrated stand-in
 * for the workshop's file, the same bytes as the practice cluster's, streamed a day at a time.
 * `from`/`to` give a slice of days (tests, quick tries).
 */
export const GET = handle(async (request) => {
  const range = readQuery(request, querySchema);
  let bytes: number;
  try {
    bytes = flightsSize(range).bytes;
  } catch (error) {
    if (error instanceof RangeError) throw new AppError('invalid_request', { params: { field: 'from/to', reason: error.message } });
    throw error;
  }
  const stream = Readable.toWeb(flightsCsvStream(range)) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-length': String(bytes),
      'content-disposition': 'attachment; filename="flights.csv"',
      'cache-control': 'public, max-age=86400',
    },
  });
});
