'use client';

import { useLocale } from 'next-intl';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import useSWR from 'swr';
import type { AuthLogPageDto, AuthLogSummaryDto, FilebeatModuleDto } from '@/lib/panels/auth-log';
import type { AuthEvent, KibanaLogsLink, SshSummaryRange } from '@/lib/queries/auth-log';
import { apiGet, localeFetcher, type ApiError } from './api';
import { mergeEvents } from './auth-log-events';

const TAIL_URL = '/api/panels/auth-log';
/** Like Kibana's "Stream live": a new line shows within a few seconds. */
const POLL_MS = 3_000;
/** One poll drains at most this many pages of a burst; the next poll carries on. */
const MAX_PAGES_PER_POLL = 10;

function tailKey(filter: string): string {
  return `${TAIL_URL}?filter=${encodeURIComponent(filter)}`;
}

interface TailStore {
  /** The key (filter) the cursor and the shown events belong to. */
  key: string | null;
  cursor: string | undefined;
  /** Polls run one after another, each from the cursor the previous one left. */
  chain: Promise<unknown>;
}

export interface AuthLogStream {
  events: readonly AuthEvent[];
  /** The first page for the current filter has arrived. */
  loaded: boolean;
  error: ApiError | undefined;
  kibana: KibanaLogsLink | null;
  filter: string;
  /** Checks the filter with the server (syntax errors come back with their position), then streams with it. */
  applyFilter(text: string): Promise<void>;
  paused: boolean;
  setPaused(paused: boolean): void;
}

/**
 * The live auth log: the first page, then every 3 s the events since the cursor, merged into a
 * bounded list. The SWR key is the filter only (the cursor lives in a ref), so the practice buttons'
 * "revalidate every panel" reaches it and a paused stream makes no requests at all. `scope` names
 * the connection (null: none): another cluster starts over from a first page.
 */
export function useAuthLogStream(scope: string | null): AuthLogStream {
  const locale = useLocale();
  const [filter, setFilter] = useState('');
  const [paused, setPausedState] = useState(false);
  const [events, setEvents] = useState<readonly AuthEvent[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [kibana, setKibana] = useState<KibanaLogsLink | null>(null);
  const pausedRef = useRef(false);
  const store = useRef<TailStore>({ key: null, cursor: undefined, chain: Promise.resolve() });
  const currentKey = useRef<string | null>(null);

  const key = scope === null ? null : tailKey(filter);
  // Before SWR's own layout effect fetches for a new key: polls queued for an old one then stand down.
  useLayoutEffect(() => {
    currentKey.current = key;
  }, [key]);
  useLayoutEffect(() => {
    store.current.key = null;
    store.current.cursor = undefined;
    setEvents([]);
    setLoaded(false);
    setKibana(null);
  }, [scope]);

  const accept = useCallback((k: string, page: AuthLogPageDto): boolean => {
    const s = store.current;
    if (s.key !== k) return false;
    s.cursor = page.cursor;
    setKibana(page.kibana);
    setEvents((held) => mergeEvents(held, page.events));
    setLoaded(true);
    return true;
  }, []);

  const poll = useCallback(
    (k: string) => {
      const run = async (): Promise<AuthLogPageDto | null> => {
        if (k !== currentKey.current) return null;
        const s = store.current;
        if (s.key !== k) {
          s.key = k;
          s.cursor = undefined;
          setEvents([]);
          setLoaded(false);
        }
        let last: AuthLogPageDto | null = null;
        for (let i = 0; i < MAX_PAGES_PER_POLL; i++) {
          const page = await apiGet<AuthLogPageDto>(s.cursor ? `${k}&cursor=${s.cursor}` : k, locale);
          // Paused while the page was on its way: the list holds still, and resuming reads the
          // same events again from the unchanged cursor.
          if (pausedRef.current && s.key === k && s.cursor !== undefined) break;
          if (!accept(k, page)) break;
          last = page;
          if (!page.more) break;
        }
        return last;
      };
      const next = store.current.chain.then(run, run);
      store.current.chain = next.catch(() => undefined);
      return next;
    },
    [accept, locale],
  );

  const { error, mutate } = useSWR<AuthLogPageDto | null, ApiError>(key, poll, {
    refreshInterval: POLL_MS,
    isPaused: () => pausedRef.current,
    revalidateOnFocus: false,
    dedupingInterval: 500,
    errorRetryInterval: 5_000,
  });

  const applyFilter = useCallback(
    async (text: string) => {
      const next = text.trim();
      const k = tailKey(next);
      // Throws ApiError: a syntax error leaves the stream on the filter it had.
      const page = await apiGet<AuthLogPageDto>(k, locale);
      currentKey.current = k;
      store.current.key = k;
      store.current.cursor = page.cursor;
      setEvents(page.events);
      setKibana(page.kibana);
      setLoaded(true);
      setFilter(next);
    },
    [locale],
  );

  const setPaused = useCallback(
    (value: boolean) => {
      pausedRef.current = value;
      setPausedState(value);
      // Resuming carries on from the cursor: what arrived meanwhile streams in at once.
      if (!value) void mutate();
    },
    [mutate],
  );

  return { events, loaded, error, kibana, filter, applyFilter, paused, setPaused };
}

export function useAuthLogSummary(enabled: boolean, range: SshSummaryRange, paused: boolean) {
  const locale = useLocale();
  return useSWR<AuthLogSummaryDto, ApiError>(enabled ? `${TAIL_URL}/summary?range=${range}` : null, localeFetcher(locale), {
    refreshInterval: 5_000,
    isPaused: () => paused,
    keepPreviousData: true,
  });
}

/** The `system` module's auth pipeline: checked often until it is there, then now and then. */
export function useFilebeatModule(enabled: boolean) {
  const locale = useLocale();
  return useSWR<FilebeatModuleDto, ApiError>(enabled ? `${TAIL_URL}/module` : null, localeFetcher(locale), {
    refreshInterval: (latest) => (latest?.installed ? 60_000 : 5_000),
    keepPreviousData: true,
  });
}
