import { useSyncExternalStore } from 'react';

const noSubscription = () => () => undefined;

/**
 * False in the server's HTML and while React hydrates it, true from then on. A form that answers
 * only once hydrated uses it to stay inert until then: a click on the server's HTML would submit
 * natively (reloading the page, losing what was typed), and text typed into it would not reach
 * React's state.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
