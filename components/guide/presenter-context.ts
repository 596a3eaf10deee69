'use client';

import { createContext, useContext } from 'react';

/** The class's completion counts, when a chapter is shown in presenter mode. */
export interface PresenterCounts {
  attendees: number;
  /** Attendees done, by checkpoint id. */
  done: Record<string, number>;
}

/**
 * Set by presenter mode around the chapter's content: checkpoints then show the class's count
 * ("18/24 done") instead of the presenter's own state. Only a context lives here, so the chapter
 * pages carry no presenter code.
 */
export const PresenterContext = createContext<{ counts: PresenterCounts | null } | null>(null);

export function usePresenter() {
  return useContext(PresenterContext);
}
