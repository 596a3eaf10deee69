import 'server-only';
import type { CheckpointId } from '@/content/chapters';
import type { ClusterClient } from '../cluster/adapter';
import type { ClusterFacts } from '../cluster/probe';
import type { ErrorCode } from '../errors';
import { asString, getField, hitsOf, type SearchRequest } from '../queries/common';
import type { CheckpointReason } from './reasons';

/**
 * What a checkpoint is: an id of DESIGN.md, its chapter, and a check against the attendee's own
 * cluster. Each chapter's checks live in `chapter-N.ts` (with the searches behind them, pure like
 * the panel queries); `registry.ts` gathers them. Time windows use the cluster's own `now`, so a
 * skewed laptop clock does not matter.
 */

export type CheckpointState = 'pending' | 'done' | 'error';

/** A checkpoint's answer: `detail` is short, language-neutral text (a host, a user and IP). */
export interface CheckpointVerdict {
  state: CheckpointState;
  detail?: string;
  /** Why it is still pending or failed: an error code, or a pending reason (`reasons.ts`), the UI explains with a hint. */
  code?: ErrorCode | CheckpointReason;
}

export interface CheckpointContext {
  client: ClusterClient;
  /** When the attendee first opened the chapter (epoch ms), for "since you reached chapter 3". */
  reachedChapterAt(chapter: number): Promise<number | null>;
  /**
   * The connection's nodes, licence and features as the status card keeps them (30-60 s), for a
   * pending step's reason; without it (tests, one-off checks) they are read from the cluster.
   */
  facts?: () => Promise<ClusterFacts>;
  signal?: AbortSignal;
}

export interface CheckpointDefinition {
  id: CheckpointId;
  chapter: 1 | 2 | 3 | 4 | 5;
  verify(ctx: CheckpointContext): Promise<CheckpointVerdict>;
}

export const CHECK_TIMEOUT_MS = 4_000;

/**
 * A read several checks of a chapter start together (the verifier asks them at once), made once
 * for all of them: while one is in flight for a cluster client, the others wait for it. Nothing is
 * kept after it settles, so the next verification reads afresh.
 */
export function sharedWhileInFlight<T>(read: (ctx: CheckpointContext) => Promise<T>): (ctx: CheckpointContext) => Promise<T> {
  const inFlight = new WeakMap<ClusterClient, Promise<T>>();
  return (ctx) => {
    const pending = inFlight.get(ctx.client);
    if (pending) return pending;
    const answer = read(ctx);
    inFlight.set(ctx.client, answer);
    const forget = () => {
      if (inFlight.get(ctx.client) === answer) inFlight.delete(ctx.client);
    };
    answer.then(forget, forget);
    return answer;
  };
}

export function searchFor(ctx: CheckpointContext, request: SearchRequest): Promise<unknown> {
  return ctx.client.search(request.index, request.body, {
    querystring: { ignore_unavailable: request.ignore_unavailable, allow_no_indices: request.allow_no_indices },
    timeoutMs: CHECK_TIMEOUT_MS,
    signal: ctx.signal,
  });
}

/** The host of the newest hit of a "recent data" search (Metricbeat's, Filebeat's), or null when none. */
export function parseRecentHost(response: unknown): { host: string; at: string } | null {
  const hit = hitsOf(response)[0];
  if (!hit) return null;
  const source = hit._source ?? {};
  const host = asString(getField(source, 'host.name')) ?? asString(getField(source, 'host.hostname')) ?? 'unknown host';
  return { host, at: asString(getField(source, '@timestamp')) ?? '' };
}
