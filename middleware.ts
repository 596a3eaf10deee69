import { NextRequest, NextResponse } from 'next/server';
import createMiddleware from 'next-intl/middleware';
import { routing } from './i18n/routing';
import { serverEnv } from './lib/env';
import { AppError, normaliseLocale, toErrorBody } from './lib/errors';
import { requestOrigin } from './lib/server/client-address';
import { makeNonce, NONCE_HEADER, pageContentSecurityPolicy } from './lib/server/content-security';

const intl = createMiddleware(routing);

/** Sign-in forms and session calls are small; next-auth reads its body whole, so it is capped here. */
const AUTH_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * X-Forwarded-Host/-Proto as the app may believe them: the operator's NEXTAUTH_URL, a trusted
 * proxy's, or the request's own Host. next-auth (callback URLs, Secure cookies) and next-intl read
 * these headers, so a client cannot point the guide's links at another site by sending them.
 */
function withTrustedForwarding(request: NextRequest): Headers {
  const env = serverEnv();
  const origin = new URL(requestOrigin(request.headers, { publicUrl: env.NEXTAUTH_URL, trusted: env.TRUSTED_PROXIES }));
  const headers = new Headers(request.headers);
  headers.set('x-forwarded-host', origin.host);
  headers.set('x-forwarded-proto', origin.protocol.replace(/:$/, ''));
  headers.delete('x-forwarded-port');
  return headers;
}

/** Copies response headers (every Set-Cookie kept), leaving out the ones named. */
function copyHeaders(from: Headers, to: Headers, except: readonly string[]): void {
  from.forEach((value, key) => {
    if (except.includes(key)) return;
    if (key === 'set-cookie') to.append(key, value);
    else to.set(key, value);
  });
}

function authRoute(request: NextRequest): NextResponse {
  if (request.method === 'POST') {
    const length = Number(request.headers.get('content-length') ?? Number.NaN);
    if (!(length <= AUTH_BODY_LIMIT_BYTES)) {
      const locale = normaliseLocale(request.headers.get('accept-language')?.slice(0, 2).toLowerCase());
      const reason = Number.isNaN(length) ? 'length_required' : 'body';
      return NextResponse.json(toErrorBody(new AppError('payload_too_large', { params: { reason, limit: AUTH_BODY_LIMIT_BYTES } }), locale), {
        status: Number.isNaN(length) ? 411 : 413,
        headers: { 'cache-control': 'no-store' },
      });
    }
  }
  return NextResponse.next({ request: { headers: withTrustedForwarding(request) } });
}

/**
 * Pages: next-intl's locale routing, a fresh CSP nonce per response (Next.js reads it from the
 * request's CSP header for its own scripts; the layout reads NONCE_HEADER for EUI's styles), and
 * redirects that stay on the origin the user came in on.
 *
 * next-intl answers a locale-prefixed path with a rewrite onto the same URL. Served on
 * 127.0.0.1, such a rewrite would become a network proxy to `localhost`, which fails
 * (vercel/next.js#94745), so a rewrite onto the request's own path continues instead, carrying the
 * request headers next-intl added. Next's request URL names the server's own address (and turns
 * 127.0.0.1 into `localhost`), so next-intl's redirects point there; scripts/guide-server.mjs
 * makes such a Location relative, which keeps the user on the origin they came in on.
 */
function page(request: NextRequest): NextResponse {
  const nonce = makeNonce();
  const policy = pageContentSecurityPolicy(nonce, { dev: process.env.NODE_ENV !== 'production' });
  const headers = withTrustedForwarding(request);
  headers.set(NONCE_HEADER, nonce);
  headers.set('content-security-policy', policy);
  const response = intl(new NextRequest(request, { headers }));
  // next-intl's locale cookie, like next-auth's, is Secure when the guide is reached over HTTPS.
  const localeCookie = response.cookies.get('NEXT_LOCALE');
  if (localeCookie && headers.get('x-forwarded-proto') === 'https') response.cookies.set({ ...localeCookie, secure: true });

  // A redirect (an unprefixed path to its locale) is made relative by the guide's server.
  if (response.headers.has('location')) return response;

  let result = response;
  const rewrite = response.headers.get('x-middleware-rewrite');
  if (rewrite) {
    const target = new URL(rewrite, request.url);
    if (target.pathname === request.nextUrl.pathname && target.search === request.nextUrl.search) {
      // The rewrite's other headers include next-intl's request-header overrides (the locale).
      result = NextResponse.next();
      copyHeaders(response.headers, result.headers, ['x-middleware-rewrite']);
    }
  }
  if (!result.headers.has('x-middleware-override-headers')) {
    const next = NextResponse.next({ request: { headers } });
    copyHeaders(result.headers, next.headers, ['x-middleware-next']);
    result = next;
  }
  result.headers.set('content-security-policy', policy);
  return result;
}

export default function middleware(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith('/api/auth/')) return authRoute(request);
  return page(request);
}

export const config = {
  // Pages, and next-auth's routes. Other API routes, Next internals and files with an extension
  // get their headers from next.config.js alone.
  matcher: ['/api/auth/:path*', '/((?!api|_next|_vercel|.*\\..*).*)'],
};
