import type { PageVisibility } from '../client/page-scheduler';

/** A page whose visibility a test flips, as a tab going to the background and back. */
export function fakeVisibility(): PageVisibility & { set(hidden: boolean): void } {
  let hidden = false;
  const listeners = new Set<() => void>();
  return {
    hidden: () => hidden,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    set(value) {
      hidden = value;
      for (const listener of listeners) listener();
    },
  };
}
