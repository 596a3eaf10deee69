import { cache as euiCssCache } from '@elastic/eui/es/services/emotion/css';
import { cache as emotionCssCache } from '@emotion/css';

/** webpack's nonce for the tags its runtime and some libraries create (compiled to `__webpack_require__.nc`). */
declare let __webpack_nonce__: string | undefined;

/**
 * The nonce of this document's Content-Security-Policy. The server's props carry the nonce of the
 * response that rendered them, which after a client-side navigation (another locale's layout) is
 * a later response whose nonce the document's policy does not know; the document's own scripts
 * carry the right one (the `nonce` property keeps it after the browser hides the attribute).
 */
export function documentNonce(fallback: string | undefined): string | undefined {
  if (typeof document === 'undefined') return fallback;
  const element = document.querySelector<HTMLElement>('script[nonce], style[nonce]');
  return element?.nonce || fallback;
}

/**
 * Gives the nonce to every style inserter that does not go through the Emotion cache handed to
 * EuiProvider: @emotion/css's default instance (flyouts' overlay mask, code block lines), EUI's
 * own instance (the theme provider's colour-mode class), and webpack's nonce, which get-nonce
 * reads for react-remove-scroll and react-focus-on (flyouts and modals lock scroll and focus with
 * <style> tags). None takes a nonce option; each reads it when it creates a tag.
 */
export function applyStyleNonce(nonce: string | undefined): void {
  if (!nonce || typeof document === 'undefined') return;
  for (const sheetCache of [emotionCssCache, euiCssCache]) sheetCache.sheet.nonce = nonce;
  __webpack_nonce__ = nonce;
}
