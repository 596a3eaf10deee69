/**
 * The browser's side of the app API: fetch with the reader's language (error messages come back
 * in it) and the error body of DESIGN.md turned into an ApiError the panels can show.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint: string,
    /** The error's public params, e.g. the position of a filter's syntax error. */
    readonly params: Readonly<Record<string, string | number | boolean>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A response of the app API: its JSON body, or the error body of DESIGN.md thrown as an ApiError. */
export async function parseApiResponse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; hint?: string; params?: Record<string, string | number | boolean> } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'internal', error?.message ?? response.statusText, error?.hint ?? '', error?.params ?? {});
  }
  return body as T;
}

export function apiGet<T>(url: string, locale: string): Promise<T> {
  return fetch(url, { headers: { 'accept-language': locale, accept: 'application/json' }, cache: 'no-store' }).then((r) => parseApiResponse<T>(r));
}

export function apiSend<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, locale: string, body?: unknown): Promise<T> {
  return fetch(url, {
    method,
    headers: { 'accept-language': locale, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  }).then((r) => parseApiResponse<T>(r));
}

/** SWR fetcher bound to a locale: `useSWR(key, localeFetcher(locale))`. */
export function localeFetcher(locale: string) {
  return <T,>(url: string) => apiGet<T>(url, locale);
}
