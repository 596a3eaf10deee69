import { NextResponse } from 'next/server';
import QRCode from 'qrcode';
import { z } from 'zod';
import { locales, routing } from '@/i18n/routing';
import { requireCaller } from '@/lib/auth/session';
import { joinUrl } from '@/lib/board/join-link';
import { publicOrigin } from '@/lib/board/public-origin';
import { handle, readQuery } from '@/lib/server/http';
import { ownedWorkshop } from '@/lib/workshops';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ locale: z.enum(locales).catch(routing.defaultLocale) });

/** The join link as a QR code (SVG), for the projector; made on the server so the page ships no QR library. */
export const GET = handle(async (request, { params }: { params: { id: string } }) => {
  const { participant, ctx } = await requireCaller(['instructor']);
  const workshop = await ownedWorkshop(ctx, participant.id, params.id);
  const { locale } = readQuery(request, querySchema);
  const svg = await QRCode.toString(joinUrl(publicOrigin(ctx.env, request.headers), locale, workshop.code), {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
  });
  return new NextResponse(svg, { headers: { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' } });
});
