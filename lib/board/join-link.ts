import type { ServerEnv } from '../env';

/**
 * The address attendees open to join: the guide's public URL when the operator set one
 * (NEXTAUTH_URL, behind a proxy), else the address the instructor reached the guide at, which
 * is what a classroom on one network shares.
 */
export function publicOrigin(env: Pick<ServerEnv, 'NEXTAUTH_URL'>, headers: Headers): string {
  if (env.NEXTAUTH_URL) return new URL(env.NEXTAUTH_URL).origin;
  const host = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || headers.get('host') || '127.0.0.1:3000';
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}

/** The join page with the code filled in. */
export function joinUrl(origin: string, locale: string, code: string): string {
  return `${origin}/${locale}/join?code=${encodeURIComponent(code)}`;
}
