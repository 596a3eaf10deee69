'use client';

import { useLocale } from 'next-intl';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import useSWR, { useSWRConfig, type SWRResponse } from 'swr';
import { panelUrl, type DtoOf, type PanelContract, type PanelQuery, type PanelReading, type QueryOf } from '@/lib/panels/contract';
import type { ApiError } from './api';
import { documentVisibility, PageScheduler } from './page-scheduler';
import { fetchPanel } from './panel-transport';

/**
 * The one hook every live panel reads through: reads at the contract's refresh, pause and
 * resume, "last updated" and the read's error, the same for every panel. How answers arrive is
 * this module's and `panel-transport.ts`'s business only: SWR keeps each read's answer and error
 * under the read's own URL (so `mutate(CLUSTER_KEY)` or "refresh every panel" work as before),
 * the page scheduler (`page-scheduler.ts`) decides when the page reads (one beat per page, nothing
 * while the page is hidden), and the transport sends what falls due together as one request of
 * the page channel (`POST /api/panels`).
 *
 * How to add a panel (the server side is in `lib/panels/read.ts`):
 *
 *   const panel = usePanel(watchesPanel, { }, { enabled: participant !== null });
 *   panel.data          // the DTO of the contract, or undefined before the first answer
 *   panel.error         // ApiError of the last read (data may still hold the previous answer)
 *   panel.loading       // no answer yet
 *   panel.updatedAt     // when the shown answer was read from the cluster (format with useTimeFormat)
 *   panel.paused / panel.setPaused(…)
 *
 * A panel whose answers are pages of a stream (the auth log) passes `follow`: the hook carries
 * each answer's `cursor` into the next read, drains `more` pages and hands every page over.
 */

/** Answers that continue from a cursor: the next read passes `cursor`, `more` asks for it at once. */
export interface FollowedPage extends PanelReading {
  cursor: string;
  more: boolean;
}

export interface FollowOptions<T> {
  /** A new stream begins (first page of a query, another scope): drop what was shown. */
  onStart(): void;
  /** A page arrived, in order. */
  onPage(page: T): void;
  /** Pages one read drains at most; the next read carries on. */
  maxPages?: number;
}

export interface UsePanelOptions<T> {
  /** No request at all while false (signed out, not connected). */
  enabled?: boolean;
  /** What the answers belong to beyond the query (e.g. the connection): another scope starts over. */
  scope?: string | null;
  /** Milliseconds to the next read, or a function of the latest answer. Default: the contract's. */
  refreshMs?: RefreshMs<T>;
  /** Pause from outside (e.g. a summary that follows its stream); otherwise the hook's own state. */
  paused?: boolean;
  follow?: T extends FollowedPage ? FollowOptions<T> : never;
}

export interface PanelState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** No answer yet for this query. */
  loading: boolean;
  /** When the shown answer was read from the cluster. */
  updatedAt: Date | null;
  paused: boolean;
  /** Paused, the panel holds still: no timer, focus or "refresh every panel" reads it again. Resuming reads at once. */
  setPaused(paused: boolean): void;
  refresh(): Promise<void>;
  /** Shows an answer obtained otherwise (e.g. the connect form's), without reading again. */
  show(data: T): void;
  /**
   * Reads `query` first and switches to it only if that works; throws the ApiError otherwise (the
   * panel stays as it was). The caller then passes `query` to the hook; its answer is already there.
   */
  preload(query: PanelQuery): Promise<T>;
}

const DEFAULT_MAX_PAGES = 10;

function keyOf(url: string, scope: string | null | undefined): string {
  // The scope rides in the key only: `/api/panels/...` stays its prefix, which "refresh every panel" matches.
  return scope ? `${url}#${scope}` : url;
}

function urlOfKey(key: string): string {
  const hash = key.indexOf('#');
  return hash < 0 ? key : key.slice(0, hash);
}

function withCursor(url: string, cursor: string | undefined): string {
  return cursor ? `${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : url;
}

interface FollowState {
  /** The key the cursor and the handed-over pages belong to. */
  key: string | null;
  cursor: string | undefined;
  /** Reads run one after another, each from the cursor the previous one left. */
  chain: Promise<unknown>;
}

let scheduler: PageScheduler | null = null;

/** The page's one scheduler (browser only: hooks reach it from effects). */
function pageScheduler(): PageScheduler {
  scheduler ??= new PageScheduler({ visibility: documentVisibility(document) });
  return scheduler;
}

/** A read's refresh: milliseconds, or a function of the latest answer; 0 stops it. */
export type RefreshMs<T> = number | ((latest: T | undefined) => number);

/** SWR's options for a read the page scheduler drives: no timers, focus or retries of SWR's own. */
const SCHEDULED: { refreshInterval: 0; revalidateOnFocus: false; shouldRetryOnError: false } = {
  refreshInterval: 0,
  revalidateOnFocus: false,
  shouldRetryOnError: false,
};

/** Wraps a read so the scheduler knows when it ran and how it ended, whatever started it. */
function reported<T>(key: string, read: () => Promise<T>): Promise<T> {
  const s = pageScheduler();
  s.started(key);
  return read().then(
    (value) => {
      s.settled(key, true);
      return value;
    },
    (error: unknown) => {
      s.settled(key, false);
      throw error;
    },
  );
}

/** Puts `key` on the page's beat while mounted (and not paused), reading it through `revalidate`. */
function useScheduled<T>(key: string | null, refreshMs: RefreshMs<T>, paused: boolean, latest: () => T | undefined, revalidate: () => unknown): void {
  const refreshRef = useRef(refreshMs);
  refreshRef.current = refreshMs;
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const latestRef = useRef(latest);
  latestRef.current = latest;
  const revalidateRef = useRef(revalidate);
  revalidateRef.current = revalidate;
  useEffect(() => {
    if (!key) return;
    return pageScheduler().add(key, {
      intervalMs: () => {
        const refresh = refreshRef.current;
        return typeof refresh === 'function' ? refresh(latestRef.current()) : refresh;
      },
      paused: () => pausedRef.current,
      read: () => void revalidateRef.current(),
    });
  }, [key]);
  // A pause or a new answer may change the page's beat (the module check slows once installed).
  const answer = latest();
  useEffect(() => {
    if (key) pageScheduler().changed();
  }, [key, paused, answer]);
}

/**
 * A live read that is not a panel contract (the chapter's checkpoints): SWR under `url`, read
 * through the page channel on the page's beat. `refreshMs` 0 stops reading (all done).
 */
export function useLiveRead<T>(url: string | null, options: { refreshMs: RefreshMs<T>; keepPreviousData?: boolean }): SWRResponse<T, ApiError> {
  const locale = useLocale();
  const fetcher = useCallback((k: string) => reported(k, () => fetchPanel<T>(k, locale)), [locale]);
  const response = useSWR<T, ApiError>(url, fetcher, { ...SCHEDULED, keepPreviousData: options.keepPreviousData ?? true });
  useScheduled<T>(url, options.refreshMs, false, () => response.data, response.mutate);
  return response;
}

export function usePanel<C extends PanelContract<PanelQuery, PanelReading>>(
  contract: C,
  query: QueryOf<C>,
  options: UsePanelOptions<DtoOf<C>> = {},
): PanelState<DtoOf<C>> {
  type T = DtoOf<C>;
  const locale = useLocale();
  const { cache, mutate: mutateKey } = useSWRConfig();
  const [ownPaused, setOwnPaused] = useState(false);
  const paused = options.paused ?? ownPaused;
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const followRef = useRef(options.follow as FollowOptions<T & FollowedPage> | undefined);
  followRef.current = options.follow as FollowOptions<T & FollowedPage> | undefined;
  const follow = useRef<FollowState>({ key: null, cursor: undefined, chain: Promise.resolve() });
  const lastPages = useRef(new Map<string, T>());
  const currentKey = useRef<string | null>(null);

  const enabled = options.enabled ?? true;
  const key = enabled ? keyOf(panelUrl(contract, query), options.scope) : null;
  // Before SWR's own layout effect reads a new key: reads queued for an old one then stand down.
  useLayoutEffect(() => {
    currentKey.current = key;
  }, [key]);

  const readFollowing = useCallback(
    (k: string): Promise<T | undefined> => {
      const run = async (): Promise<T | undefined> => {
        if (k !== currentKey.current) return lastPages.current.get(k);
        const state = follow.current;
        if (state.key !== k) {
          state.key = k;
          state.cursor = undefined;
          followRef.current?.onStart();
        }
        for (let i = 0; i < (followRef.current?.maxPages ?? DEFAULT_MAX_PAGES); i++) {
          // Paused, the list holds still; resuming reads from the unchanged cursor.
          if (pausedRef.current && state.cursor !== undefined) break;
          const page = await fetchPanel<T & FollowedPage>(withCursor(urlOfKey(k), state.cursor), locale);
          if (state.key !== k || (pausedRef.current && state.cursor !== undefined)) break;
          state.cursor = page.cursor;
          lastPages.current.set(k, page);
          followRef.current?.onPage(page);
          if (!page.more) break;
        }
        return lastPages.current.get(k);
      };
      const next = follow.current.chain.then(run, run);
      follow.current.chain = next.catch(() => undefined);
      return next;
    },
    [locale],
  );

  const read = useCallback(
    async (k: string): Promise<T | undefined> => {
      if (followRef.current) return reported(k, () => readFollowing(k));
      // Paused, the shown answer stays; a query never read before is read once.
      const held = cache.get(k)?.data as T | undefined;
      if (pausedRef.current && held !== undefined) return held;
      return reported(k, () => fetchPanel<T>(urlOfKey(k), locale));
    },
    [cache, locale, readFollowing],
  );

  const refreshMs = options.refreshMs ?? contract.refreshMs;
  const { data, error, isLoading, mutate } = useSWR<T | undefined, ApiError>(key, read, {
    ...SCHEDULED,
    keepPreviousData: !options.follow,
    dedupingInterval: Math.min(2_000, contract.refreshMs / 2),
  });
  useScheduled<T>(key, refreshMs, paused, () => (key ? (cache.get(key)?.data as T | undefined) : undefined), mutate);

  const setPaused = useCallback(
    (value: boolean) => {
      pausedRef.current = value;
      setOwnPaused(value);
      // Resuming reads at once: what changed meanwhile shows without waiting for the timer.
      if (!value) void mutate();
    },
    [mutate],
  );

  const preload = useCallback(
    async (next: PanelQuery): Promise<T> => {
      const k = keyOf(panelUrl(contract, next as QueryOf<C>), options.scope);
      const answer = await fetchPanel<T>(urlOfKey(k), locale);
      if (followRef.current) {
        const page = answer as T & FollowedPage;
        currentKey.current = k;
        follow.current.key = k;
        follow.current.cursor = page.cursor;
        lastPages.current.set(k, answer);
        followRef.current.onStart();
        followRef.current.onPage(page);
      }
      // Seeds the answer under the new key, so switching to it shows at once.
      await mutateKey(k, answer, { revalidate: false });
      return answer;
    },
    [contract, locale, mutateKey, options.scope],
  );

  return useMemo(
    () => ({
      data,
      error,
      loading: isLoading && data === undefined,
      updatedAt: data?.checkedAt ? new Date(data.checkedAt) : null,
      paused,
      setPaused,
      refresh: async () => {
        await mutate();
      },
      show: (value: T) => void mutate(value, { revalidate: false }),
      preload,
    }),
    [data, error, isLoading, paused, setPaused, mutate, preload],
  );
}
