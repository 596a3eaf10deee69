/**
 * The Content-Security-Policy of the guide's pages, with a fresh nonce per response (the
 * middleware makes it; Next.js reads the nonce from the request's CSP header and puts it on its
 * own scripts, and the layout hands it to the Emotion caches for EUI's style tags).
 *
 * No `server-only` and no Node APIs: the middleware runs in the Edge runtime.
 */

/** The request header that carries the page's nonce from the middleware to the layout. */
export const NONCE_HEADER = 'x-nonce';

/** 128 random bits, base64: a new one for every page response. */
export function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function pageContentSecurityPolicy(nonce: string, options: { dev: boolean }): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // 'strict-dynamic': chunks that Next's nonce'd scripts load are trusted through them.
    // Development adds 'unsafe-eval' for React Refresh's eval'd modules; production never does.
    'script-src': ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(options.dev ? ["'unsafe-eval'"] : [])],
    // Emotion's <style> elements carry the nonce (EUI and @emotion/css caches, server-inserted
    // styles). Development's style loader inserts plain <style> tags, so it allows inline styles.
    'style-src': options.dev ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`],
    // style="" attributes (React's server HTML for EUI's computed sizes) cannot carry a nonce;
    // they cannot run script either.
    'style-src-attr': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(options.dev ? ['ws:'] : [])],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    // Presenter mode is a page of its own, never an embed.
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
