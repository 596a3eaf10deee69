import { NextResponse, type NextRequest } from 'next/server';
import createMiddleware from 'next-intl/middleware';
import { routing } from './i18n/routing';

const intl = createMiddleware(routing);

/**
 * next-intl answers a locale-prefixed path with a rewrite onto the same URL. `next start -H
 * 127.0.0.1` (how the guide is served) turns such a rewrite into a network proxy to `localhost`,
 * which fails (vercel/next.js#94745), so a rewrite onto the request's own path continues instead,
 * carrying the headers next-intl added to the request.
 */
export default function middleware(request: NextRequest) {
  const response = intl(request);
  const rewrite = response.headers.get('x-middleware-rewrite');
  if (!rewrite) return response;
  const target = new URL(rewrite, request.url);
  if (target.pathname !== request.nextUrl.pathname || target.search !== request.nextUrl.search) return response;
  // The rewrite's other headers include next-intl's request-header overrides (the locale).
  const next = NextResponse.next();
  response.headers.forEach((value, key) => {
    if (key !== 'x-middleware-rewrite') next.headers.set(key, value);
  });
  return next;
}

export const config = {
  // Pages only: API routes, Next internals and files with an extension are not localised.
  matcher: ['/((?!api|_next|_vercel|.*\\..*).*)'],
};
