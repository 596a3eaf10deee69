'use client';

import { CurrentEuiBreakpointContext, EuiContext, EuiProvider, useCurrentEuiBreakpoint } from '@elastic/eui';
import createCache, { type EmotionCache } from '@emotion/cache';
import { useServerInsertedHTML } from 'next/navigation';
import { useMessages } from 'next-intl';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { THEME_COOKIE, type ColorMode } from '@/lib/theme';
import { euiTokenMapping } from './eui-i18n';
import './icons';
import { applyStyleNonce, documentNonce } from './style-nonce';

interface InsertedStyle {
  name: string;
  isGlobal: boolean;
}

/**
 * An Emotion cache that remembers which styles were inserted since the last flush, so each chunk
 * of streamed server HTML carries exactly the CSS its markup needs (no flash of unstyled content).
 * This is the App Router recipe: the default Emotion SSR hooks only know the Pages Router.
 */
function createFlushableCache(nonce: string | undefined): { cache: EmotionCache; flush: () => InsertedStyle[] } {
  const cache = createCache({ key: 'eui', nonce });
  cache.compat = true;
  const insert = cache.insert;
  let inserted: InsertedStyle[] = [];
  cache.insert = (...args) => {
    const [selector, serialized] = args;
    if (cache.inserted[serialized.name] === undefined) {
      inserted.push({ name: serialized.name, isGlobal: !selector });
    }
    return insert(...args);
  };
  const flush = () => {
    const flushed = inserted;
    inserted = [];
    return flushed;
  };
  return { cache, flush };
}

interface ColorModeContextValue {
  colorMode: ColorMode;
  toggleColorMode: () => void;
}

const ColorModeContext = createContext<ColorModeContextValue | null>(null);

export function useColorMode(): ColorModeContextValue {
  const value = useContext(ColorModeContext);
  if (!value) throw new Error('useColorMode must be used inside <EuiRoot>');
  return value;
}

export interface EuiRootProps {
  /** Read from the theme cookie by the server layout, so the first paint already has the right theme. */
  initialColorMode: ColorMode;
  /** This response's Content-Security-Policy nonce: every <style> Emotion writes carries it. */
  nonce?: string;
  children: ReactNode;
}

/**
 * EUI reads the window's width in its first client render, but the server has no window: on a phone
 * the server HTML is the wide layout and the first client render the narrow one, a hydration error
 * (React #418). Below this provider the breakpoint is unknown, as on the server, until the page has
 * hydrated; then EUI's own (resize-tracked) value takes over.
 */
function HydratedBreakpoint({ children }: { children: ReactNode }) {
  const breakpoint = useCurrentEuiBreakpoint();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => {
    setHydrated(true);
    // Browser tests wait for this before reading the console: any hydration error has been reported.
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return <CurrentEuiBreakpointContext.Provider value={hydrated ? breakpoint : undefined}>{children}</CurrentEuiBreakpointContext.Provider>;
}

/** The one client boundary that holds every EUI tree: EuiProvider, its Emotion cache and the theme. */
export function EuiRoot({ initialColorMode, nonce, children }: EuiRootProps) {
  const [{ cache, flush }] = useState(() => {
    const styleNonce = documentNonce(nonce);
    applyStyleNonce(styleNonce);
    return createFlushableCache(styleNonce);
  });
  const [colorMode, setColorMode] = useState<ColorMode>(initialColorMode);

  useServerInsertedHTML(() => {
    const names = flush();
    if (names.length === 0) return null;
    const globals: { name: string; style: string }[] = [];
    let styles = '';
    let dataEmotion = cache.key;
    for (const { name, isGlobal } of names) {
      const style = cache.inserted[name];
      if (typeof style !== 'string') continue;
      if (isGlobal) {
        globals.push({ name, style });
      } else {
        styles += style;
        dataEmotion += ` ${name}`;
      }
    }
    return (
      <>
        {globals.map(({ name, style }) => (
          <style key={name} data-emotion={`${cache.key}-global ${name}`} nonce={nonce} dangerouslySetInnerHTML={{ __html: style }} />
        ))}
        {styles && <style data-emotion={dataEmotion} nonce={nonce} dangerouslySetInnerHTML={{ __html: styles }} />}
      </>
    );
  });

  const toggleColorMode = useCallback(() => {
    setColorMode((current) => {
      const next: ColorMode = current === 'dark' ? 'light' : 'dark';
      const secure = window.location.protocol === 'https:' ? '; secure' : '';
      document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax${secure}`;
      return next;
    });
  }, []);
  const contextValue = useMemo(() => ({ colorMode, toggleColorMode }), [colorMode, toggleColorMode]);
  // EUI's own strings (button labels, screen-reader texts) in the page's language: messages `eui.*`.
  const euiMessages = useMessages().eui;
  const i18n = useMemo(() => ({ mapping: euiTokenMapping((euiMessages ?? {}) as Record<string, unknown>) }), [euiMessages]);
  // The server sets <html data-color-mode> from the cookie; a toggle updates it too, for styles of
  // things rendered outside the app shell (chart tooltips portalled to <body>).
  useEffect(() => {
    document.documentElement.dataset.colorMode = colorMode;
  }, [colorMode]);

  return (
    <ColorModeContext.Provider value={contextValue}>
      <EuiProvider cache={cache} colorMode={colorMode}>
        <EuiContext i18n={i18n}>
          <HydratedBreakpoint>{children}</HydratedBreakpoint>
        </EuiContext>
      </EuiProvider>
    </ColorModeContext.Provider>
  );
}
