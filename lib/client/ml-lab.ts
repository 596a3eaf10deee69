'use client';

import { useCallback, useSyncExternalStore } from 'react';
import { DEFAULT_ML_JOB } from '@/lib/panels/ml-anomalies.contract';

/**
 * What chapter 5's pieces share in the browser: the job the wizard created (the viewer and the
 * answers beside steps 21-23 show it), and "show this view" requests from an answer to the viewer.
 * Kept for the tab's session, so a reload keeps the learner's job id.
 */

const JOB_KEY = 'elastic-lab.ml-job';
const JOB_EVENT = 'elastic-lab:ml-job';
const VIEW_EVENT = 'elastic-lab:ml-view';

function readJob(): string {
  try {
    return window.sessionStorage.getItem(JOB_KEY) ?? DEFAULT_ML_JOB;
  } catch {
    return DEFAULT_ML_JOB;
  }
}

function subscribe(callback: () => void): () => void {
  window.addEventListener(JOB_EVENT, callback);
  return () => window.removeEventListener(JOB_EVENT, callback);
}

/** The chapter's job id (`flights` until the wizard created another) and a setter. */
export function useMlJob(): [string, (jobId: string) => void] {
  const job = useSyncExternalStore(subscribe, readJob, () => DEFAULT_ML_JOB);
  const setJob = useCallback((jobId: string) => {
    try {
      window.sessionStorage.setItem(JOB_KEY, jobId);
    } catch {
      // Storage may be off (private mode): the choice then lasts until the next event only.
    }
    window.dispatchEvent(new Event(JOB_EVENT));
  }, []);
  return [job, setJob];
}

export type MlViewId = 'first-week' | 'four-weeks' | 'thanksgiving' | 'all';

/** Asks the Single Metric Viewer to show one of the handout's views (and brings it into sight). */
export function requestMlView(view: MlViewId): void {
  window.dispatchEvent(new CustomEvent<MlViewId>(VIEW_EVENT, { detail: view }));
}

export function onMlViewRequest(listener: (view: MlViewId) => void): () => void {
  const handler = (event: Event) => listener((event as CustomEvent<MlViewId>).detail);
  window.addEventListener(VIEW_EVENT, handler);
  return () => window.removeEventListener(VIEW_EVENT, handler);
}
