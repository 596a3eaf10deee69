import type { ServerEnv } from '../env';
import { requestOrigin } from '../server/client-address';

/**
 * The address attendees open to join: the guide's public URL when the operator set one
 * (NEXTAUTH_URL), else the address the instructor reached the guide at (a trusted proxy's
 * forwarded host, or the request's own Host), which is what a classroom on one network shares.
 * A client's own X-Forwarded-Host is never used.
 */
export function publicOrigin(env: Pick<ServerEnv, 'NEXTAUTH_URL' | 'TRUSTED_PROXIES'>, headers: Headers): string {
  return requestOrigin(headers, { publicUrl: env.NEXTAUTH_URL, trusted: env.TRUSTED_PROXIES });
}
