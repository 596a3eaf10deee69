'use client';

import { useCallback, useSyncExternalStore } from 'react';
import { INSTALL_PLATFORMS, type InstallPlatformId } from '@/lib/beats/beats';

/**
 * The reader's operating system for Beats commands, remembered in the browser and shared by every
 * <BeatSetup> on the page (install step, config step) and across chapters 2 and 3.
 */
const STORAGE_KEY = 'elastic-lab:beats-platform';
const listeners = new Set<() => void>();
/** The choice of this page when the browser refuses storage. */
let chosenHere: InstallPlatformId | null = null;

function guess(): InstallPlatformId {
  const agent = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  if (/Windows/i.test(agent)) return 'windows-zip';
  if (/Mac OS X|Macintosh/i.test(agent)) return 'macos-tar';
  return 'linux-deb';
}

function read(): InstallPlatformId {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored && (INSTALL_PLATFORMS as readonly string[]).includes(stored)) return stored as InstallPlatformId;
  } catch {
    // Storage refused (private mode): the choice made on this page, else the guess.
  }
  return chosenHere ?? guess();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

export function usePlatformChoice(): [InstallPlatformId, (platform: InstallPlatformId) => void] {
  const platform = useSyncExternalStore(subscribe, read, () => 'linux-deb' as InstallPlatformId);
  const choose = useCallback((next: InstallPlatformId) => {
    chosenHere = next;
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; this page still follows the choice below.
    }
    for (const listener of listeners) listener();
  }, []);
  return [platform, choose];
}
