'use client';

import { useCallback, useMemo, useState } from 'react';
import {
  authLogPanel,
  authLogSummaryPanel,
  FILEBEAT_MODULE_INSTALLED_REFRESH_MS,
  filebeatModulePanel,
  type AuthEvent,
  type AuthLogPageDto,
  type KibanaLogsLink,
  type SshSummaryRange,
} from '@/lib/panels/auth-log.contract';
import type { ApiError } from './api';
import { mergeEvents } from './auth-log-events';
import { usePanel } from './use-panel';

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
  const follow = useMemo(
    () => ({
      onStart() {
        setEvents([]);
        setLoaded(false);
      },
      onPage(page: AuthLogPageDto) {
        setEvents((held) => mergeEvents(held, page.events));
        setLoaded(true);
      },
    }),
    [],
  );
  const panel = usePanel(authLogPanel, { filter: filter || undefined }, { enabled: scope !== null, scope, follow });
  const { preload } = panel;

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
