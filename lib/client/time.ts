'use client';

import { useLocale } from 'next-intl';
import { useMemo, useSyncExternalStore } from 'react';

/**
 * The one formatter for times the guide shows, in words and on chart axes: the reader's locale and
 * the viewer's own time zone (the browser's), so "updated 21:20:05" and the axis under it agree.
 *
 * The zone is known only in the browser: during the server render and hydration it is `null` and
 * every time formats to '' (`ready` is false), so the server HTML carries no zone-dependent text
 * and hydration cannot mismatch; the first client render after hydration fills the times in.
 */
export type TimeStyle =
  /** 21:20:05 / 오후 9:20:05 */
  | 'medium'
  /** 21:20 / 오후 9:20 */
  | 'short'
  /** 21:20:05 with two-digit hours in every locale: lists whose times line up. */
  | 'clock'
  /** 2026. 11. 24. 오후 9:20:05 */
  | 'dateTime'
  /** 2026. 11. 24. 오후 9:20 */
  | 'shortDateTime';

const STYLES: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  medium: { timeStyle: 'medium' },
  short: { timeStyle: 'short' },
  clock: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  dateTime: { dateStyle: 'short', timeStyle: 'medium' },
  shortDateTime: { dateStyle: 'short', timeStyle: 'short' },
};

/** 24-hour axis labels in both languages, like Kibana's; the date joins them once a range spans days. */
const AXIS_TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const AXIS_DATE_TIME: Intl.DateTimeFormatOptions = { month: '2-digit', day: '2-digit', ...AXIS_TIME };
const DAY_MS = 86_400_000;

export type TimeValue = string | number | Date | null | undefined;

export interface TimeFormat {
  /** The viewer's IANA time zone; null until the page has hydrated. */
  zone: string | null;
  ready: boolean;
  /** '' for no value, before hydration, or for a value that is not a time. */
  format(value: TimeValue, style?: TimeStyle): string;
  /**
   * Chart tick labels for a time axis spanning `from`..`to` (epoch ms): hours and minutes, with
   * the date when the span is longer than a day. Pass `zone` to the series' `timeZone` as well,
   * so the ticks fall on whole minutes of the same zone.
   */
  axis(from: number, to: number): (value: number) => string;
}

const noSubscription = () => () => undefined;
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const serverZone = () => null;

export function useViewerTimeZone(): string | null {
  return useSyncExternalStore(noSubscription, browserZone, serverZone);
}

function toDate(value: TimeValue): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The formatter for one locale and zone (`null`: not known yet, every time formats to ''). */
export function createTimeFormat(locale: string, zone: string | null): TimeFormat {
  const formatters = new Map<string, Intl.DateTimeFormat>();
  const formatter = (key: string, options: Intl.DateTimeFormatOptions) => {
    let found = formatters.get(key);
    if (!found) {
      found = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone ?? undefined });
      formatters.set(key, found);
    }
    return found;
  };
  return {
    zone,
    ready: zone !== null,
    format(value, style = 'medium') {
      const date = toDate(value);
      return zone === null || date === null ? '' : formatter(style, STYLES[style]).format(date);
    },
    axis(from, to) {
      const spansDays = to - from > DAY_MS;
      return (value) => (zone === null ? '' : formatter(spansDays ? 'axis-date' : 'axis', spansDays ? AXIS_DATE_TIME : AXIS_TIME).format(value));
    },
  };
}

export function useTimeFormat(): TimeFormat {
  const locale = useLocale();
  const zone = useViewerTimeZone();
  return useMemo(() => createTimeFormat(locale, zone), [locale, zone]);
}
