import { apiGet } from './api';

/**
 * Where a panel read leaves the browser: today one GET per read, polled by `usePanel`. The
 * one-channel-per-page transport of a large class (issue 18) replaces this function and the
 * polling in `use-panel.ts`; panels and their DTOs stay as they are.
 */
export function fetchPanel<T>(url: string, locale: string): Promise<T> {
  return apiGet<T>(url, locale);
}
