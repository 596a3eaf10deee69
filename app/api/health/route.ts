import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

/** Readiness probe for the browser tests' web server and for operators. */
export function GET() {
  return NextResponse.json({ status: 'ok' });
}
