import { request as httpRequest } from 'node:http';

/** The pretend reverse proxy's address (TRUSTED_PROXIES in playwright.config.ts). */
export const TRUSTED_PROXY_ADDRESS = '127.0.0.2';
/** Another machine on the network that is not a proxy. */
export const UNTRUSTED_PEER_ADDRESS = '127.0.0.3';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request sent from a chosen local address, as a proxy or another client would send it:
 * Playwright's request context cannot pick its source address, and the guide's server tells
 * clients apart by it.
 */
export function rawRequest(
  baseURL: string,
  path: string,
  options: { from: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const url = new URL(path, baseURL);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        localAddress: options.from,
        headers: { ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }), ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Cookies a response set, as one Cookie header for the next request. */
export function cookieHeader(response: RawResponse, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const),
  );
  const set = response.headers['set-cookie'];
  for (const line of Array.isArray(set) ? set : set ? [set] : []) {
    const pair = line.split(';')[0] ?? '';
    jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/**
 * next-auth's credentials sign-in over raw HTTP from `from`, as the join page does it: the CSRF
 * token, then the callback. Returns the callback's answer (`{url}`, with `error=` on refusal) and
 * the cookies.
 */
export async function rawSignIn(
  baseURL: string,
  provider: 'attendee' | 'self-paced' | 'instructor',
  fields: Record<string, string>,
  options: { from: string; headers?: Record<string, string> },
): Promise<{ response: RawResponse; url: string; error: string | null; cookie: string }> {
  const csrf = await rawRequest(baseURL, '/api/auth/csrf', { from: options.from, headers: options.headers });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  let cookie = cookieHeader(csrf);
  const body = new URLSearchParams({ ...fields, csrfToken, json: 'true' }).toString();
  const response = await rawRequest(baseURL, `/api/auth/callback/${provider}`, {
    from: options.from,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...options.headers },
    body,
  });
  cookie = cookieHeader(response, cookie);
  const url = (JSON.parse(response.body) as { url: string }).url;
  return { response, url, error: new URL(url).searchParams.get('error'), cookie };
}
