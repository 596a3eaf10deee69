'use client';

import { useLocale } from 'next-intl';
import { useCallback, useMemo, useRef, useState } from 'react';
import {
  authLogOlderPanel,
  authLogPanel,
  authLogSummaryPanel,
  FILEBEAT_MODULE_INSTALLED_REFRESH_MS,
  filebeatModulePanel,
  decodeAuthTailCursor,
  olderCursorOf,
  type AuthEvent,
  type AuthLogOlderDto,
  type AuthLogPageDto,
  type KibanaLogsLink,
  type SshSummaryRange,
} from '@/lib/panels/auth-log.contract';
import { panelUrl } from '@/lib/panels/contract';
import type { ApiError } from './api';
import { appendOlder, mergeEvents } from './auth-log-events';
import { fetchPanel } from './panel-transport';
import { usePanel } from './use-panel';

/** Where paging back through older events stands for the current filter. */
export interface OlderEvents {
  loading: boolean;
  /** The last older page was not full: nothing older matches the filter. */
  end: boolean;
  error: ApiError | undefined;
}

const OLDER_START: OlderEvents = { loading: false, end: false, error: undefined };

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
  updatedAt: Date | null;
  older: OlderEvents;
  /** Reads the page before the oldest event shown (same filter) and adds it below; the live tail goes on. */
  loadOlder(): Promise<void>;
}

/**
 * The live auth log: the first page, then every 3 s the events since the cursor, merged into a
 * bounded list. `scope` names the connection (null: none): another cluster starts over from a
 * first page.
 */
export function useAuthLogStream(scope: string | null): AuthLogStream {
  const [filter, setFilter] = useState('');
  const [events, setEvents] = useState<readonly AuthEvent[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [older, setOlder] = useState<OlderEvents>(OLDER_START);
  const locale = useLocale();
  const held = useRef<readonly AuthEvent[]>(events);
  held.current = events;
  /** The live tail's floor: with nothing shown, older pages start below it. */
  const floor = useRef<number | undefined>(undefined);
  /** Bumped when a new stream starts, so an older page of the previous one is dropped. */
  const generation = useRef(0);
  const follow = useMemo(
    () => ({
      onStart() {
        generation.current += 1;
        floor.current = undefined;
        setEvents([]);
        setLoaded(false);
        setOlder(OLDER_START);
      },
      onPage(page: AuthLogPageDto) {
        floor.current = decodeAuthTailCursor(page.cursor)?.floor ?? floor.current;
        setEvents((shown) => mergeEvents(shown, page.events));
        setLoaded(true);
      },
    }),
    [],
  );
  const panel = usePanel(authLogPanel, { filter: filter || undefined }, { enabled: scope !== null, scope, follow });
  const { preload } = panel;

  const loadingOlder = useRef(false);
  const loadOlder = useCallback(async () => {
    const before = olderCursorOf(held.current, floor.current);
    if (!before || loadingOlder.current) return;
    const started = generation.current;
    loadingOlder.current = true;
    setOlder((state) => ({ ...state, loading: true, error: undefined }));
    try {
      // A read on demand, not a poll: the transport's GET, outside the followed stream's cursor.
      const page = await fetchPanel<AuthLogOlderDto>(panelUrl(authLogOlderPanel, { before, filter: filter || undefined }), locale);
      if (generation.current !== started) return;
      setEvents((shown) => appendOlder(shown, page.events));
      setOlder({ loading: false, end: !page.more, error: undefined });
    } catch (error) {
      if (generation.current === started) setOlder({ loading: false, end: false, error: error as ApiError });
    } finally {
      loadingOlder.current = false;
    }
  }, [filter, locale]);

  const applyFilter = useCallback(
    async (text: string) => {
      const next = text.trim();
      // Throws ApiError: a syntax error leaves the stream on the filter it had.
      await preload({ filter: next || undefined });
      setFilter(next);
    },
    [preload],
  );

  return {
    events,
    loaded,
    error: panel.error,
    kibana: panel.data?.kibana ?? null,
    filter,
    applyFilter,
    paused: panel.paused,
    setPaused: panel.setPaused,
    updatedAt: panel.updatedAt,
    older,
    loadOlder,
  };
}

/** SSH attempts per user and source IP; holds still while the stream is paused. */
export function useAuthLogSummary(range: SshSummaryRange, paused: boolean) {
  return usePanel(authLogSummaryPanel, { range }, { paused });
}

/** The `system` module's auth pipeline: checked often until it is there, then now and then. */
export function useFilebeatModule() {
  return usePanel(filebeatModulePanel, {}, { refreshMs: (latest) => (latest?.installed ? FILEBEAT_MODULE_INSTALLED_REFRESH_MS : filebeatModulePanel.refreshMs) });
}
