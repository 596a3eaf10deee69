'use client';

import { useCallback, useSyncExternalStore } from 'react';

/**
 * The address the chapter's alerts mail to, typed once and used by both the threshold builder and
 * the SSH watch editor. Kept in this browser only (it is the attendee's own address; the server
 * sees it only inside the watches it saves).
 */
const KEY = 'elastic-lab.alert-email';
const listeners = new Set<() => void>();
/** For a browser that refuses storage: the value lives as long as the page. */
let memory = '';

function read(): string {
  try {
    return window.localStorage.getItem(KEY) ?? memory;
  } catch {
    return memory;
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

export function useAlertEmail(): [string, (email: string) => void] {
  const email = useSyncExternalStore(subscribe, read, () => '');
  const set = useCallback((next: string) => {
    memory = next;
    try {
      window.localStorage.setItem(KEY, next);
    } catch {
      // Kept in `memory` for this page.
    }
    for (const listener of listeners) listener();
  }, []);
  return [email, set];
}
