import 'server-only';
import { LRUCache } from 'lru-cache';
import type { CheckpointId } from '@/content/chapters';
import { microCache } from '../cluster/coalesce';
import { translateClusterError } from '../cluster/errors';
import { connectionFacts } from '../connections/cluster-facts';
import { connectionKey, participantCluster } from '../connections/service';
import { appendEvents, firstChapterVisit, getConnection, getResults, recordResults, type CheckpointResult, type ClusterConnection, type EventInput } from '../db';
import { describeError, isErrorCode, toAppError, type ErrorLocale } from '../errors';
import type { AppContext } from '../server/context';
import { describeReason, isCheckpointReason } from './reasons';
import { chapterCheckpointIds, checkpointDefinition, type CheckpointVerdict } from './registry';

/** `GET /api/checkpoints?chapter=N` item (DESIGN.md), plus the code that explains a pending or error state. */
export interface CheckpointDto {
  id: CheckpointId;
  state: 'pending' | 'done' | 'error';
  detail: string | null;
  code: string | null;
  /** The code explained in the reader's language (what to do next), so the page needs no error texts. */
  note: { message: string; hint: string } | null;
  at: string | null;
}

export interface VerifyTarget {
  participantId: string;
  workshopId: string | null;
  /** The participant's connection row (null: none) when the caller has read it already (the page channel). */
  connection?: () => Promise<ClusterConnection | null>;
}

/** How long one verification answers for: every tab and the background verifier share it. */
const VERDICT_TTL_MS = 3_000;

/** A first visit never changes once made, so it is read from the database once per process. */
const firstVisits = new LRUCache<string, number>({ max: 50_000 });

async function reachedChapterAt(ctx: AppContext, participantId: string, chapter: number): Promise<number | null> {
  const key = `${participantId}:${chapter}`;
  const known = firstVisits.get(key);
  if (known !== undefined) return known;
  const at = (await firstChapterVisit(ctx.db, participantId, chapter))?.getTime() ?? null;
  if (at !== null) firstVisits.set(key, at);
  return at;
}

function dto(id: CheckpointId, result: CheckpointResult | undefined, fallback?: CheckpointVerdict): CheckpointDto {
  if (result && (result.state === 'done' || !fallback)) {
    return {
      id,
      state: result.state,
      detail: result.detail,
      code: result.errorCode,
      note: null,
      at: (result.state === 'done' ? (result.firstDoneAt ?? result.updatedAt) : result.updatedAt).toISOString(),
    };
  }
  return { id, state: fallback?.state ?? 'pending', detail: fallback?.detail ?? null, code: fallback?.code ?? null, note: null, at: null };
}

/**
 * How often a pending checkpoint whose detail alone changed is written: a watch's run count and
 * closest value ("HighCPU: max CPU 0.43 < 0.5 ×12") change on every run of the watch, and writing
 * each made a chapter 4 class write several times a minute per attendee for a figure the board
 * shows in passing. The attendee's page shows the fresh detail at once (`shownAs`); a change of
 * state or reason is written at once.
 */
export const DETAIL_WRITE_EVERY_MS = 60_000;

/** Whether a verdict is worth writing over the stored result (`now` in epoch ms). */
export function writeDue(result: CheckpointResult | undefined, verdict: CheckpointVerdict, now: number): boolean {
  if (!result || result.state !== verdict.state || (result.errorCode ?? null) !== (verdict.code ?? null)) return true;
  if ((result.detail ?? null) === (verdict.detail ?? null)) return false;
  return now - result.updatedAt.getTime() >= DETAIL_WRITE_EVERY_MS;
}

/** What the page is told of a checkpoint: the stored result, with a detail not yet written as verified. */
export function shownAs(id: CheckpointId, result: CheckpointResult | undefined, verdict: CheckpointVerdict | undefined): CheckpointDto {
  const shown = dto(id, result);
  if (!verdict || !result || result.state === 'done' || shown.state !== verdict.state || shown.code !== (verdict.code ?? null)) return shown;
  return { ...shown, detail: verdict.detail ?? null };
}

async function verifyOnce(ctx: AppContext, target: VerifyTarget, chapter: number): Promise<CheckpointDto[]> {
  const ids = chapterCheckpointIds(chapter);
  const stored = new Map((await getResults(ctx.db, target.participantId, [...ids])).map((row) => [row.checkpointId as CheckpointId, row]));
  const open = ids.filter((id) => stored.get(id)?.state !== 'done');
  if (open.length === 0) return ids.map((id) => dto(id, stored.get(id)));

  // The full row stays here on the server: it is handed to the client cache, never returned.
  const connection = target.connection ? await target.connection() : await getConnection(ctx.db, target.participantId);
  if (!connection) return ids.map((id) => dto(id, stored.get(id), { state: 'pending', code: 'not_connected' }));

  let cluster: Awaited<ReturnType<typeof participantCluster>> | null = null;
  let openError: CheckpointVerdict | null = null;
  try {
    cluster = await participantCluster(ctx, target.participantId, connection);
  } catch (error) {
    openError = { state: 'error', code: toAppError(translateClusterError(error)).code };
  }

  const verdicts = await Promise.all(
    open.map(async (id): Promise<[CheckpointId, CheckpointVerdict]> => {
      const definition = checkpointDefinition(id);
      if (!definition) return [id, { state: 'pending' }];
      if (openError || !cluster) return [id, openError ?? { state: 'pending' }];
      const client = cluster.client;
      const verdict = await microCache(connectionKey(connection.id, 'checkpoint:', id), VERDICT_TTL_MS, async () => {
        try {
          return await definition.verify({
            client,
            reachedChapterAt: (n) => reachedChapterAt(ctx, target.participantId, n),
            facts: () => connectionFacts(client, connection.id),
          });
        } catch (error) {
          return { state: 'error', code: translateClusterError(error).code } satisfies CheckpointVerdict;
        }
      });
      return [id, verdict];
    }),
  );

  // Only real changes are written: 500 attendees polling must not mean 500 writes every 5 s. What
  // is due goes in one statement, and the events it makes in one more.
  const now = Date.now();
  const due = verdicts.filter(([id, verdict]) => checkpointDefinition(id) && writeDue(stored.get(id), verdict, now));
  if (due.length > 0) {
    const outcomes = await recordResults(
      ctx.db,
      target.participantId,
      due.map(([id, verdict]) => ({ checkpointId: id, state: verdict.state, detail: verdict.detail ?? null, errorCode: verdict.code ?? null })),
    );
    const news: EventInput[] = [];
    for (const [id, verdict] of due) {
      const before = stored.get(id);
      const outcome = outcomes.get(id)!;
      stored.set(id, outcome.result);
      if (outcome.becameDone) {
        news.push({ type: 'checkpoint_done', participantId: target.participantId, workshopId: target.workshopId, checkpointId: id, detail: verdict.detail ?? null });
      } else if (verdict.state === 'error' && before?.errorCode !== verdict.code) {
        news.push({ type: 'checkpoint_error', participantId: target.participantId, workshopId: target.workshopId, checkpointId: id, code: verdict.code ?? null });
      }
    }
    await appendEvents(ctx.db, news);
  }

  const verdictById = new Map(verdicts);
  return ids.map((id) => (checkpointDefinition(id) ? shownAs(id, stored.get(id), verdictById.get(id)) : dto(id, stored.get(id), verdictById.get(id))));
}

/**
 * The last verification of each participant's chapters in this process (by their page or the
 * background verifier), so the background verifier can leave out a chapter the attendee's open
 * page has just verified: its results are already stored for the board.
 */
const lastVerifications = new LRUCache<string, Map<number, { at: number; items: CheckpointDto[] }>>({ max: 20_000 });

/** The chapter's checkpoints as verified in this process within the last `withinMs`, or null. */
export function recentVerification(participantId: string, chapter: number, withinMs: number): CheckpointDto[] | null {
  const last = lastVerifications.get(participantId)?.get(chapter);
  return last && Date.now() - last.at <= withinMs ? last.items : null;
}

/** Drops what this process remembers of a participant's verifications (after an instructor's reset). */
export function forgetVerifications(participantId: string): void {
  lastVerifications.delete(participantId);
}

function rememberVerification(participantId: string, chapter: number, items: CheckpointDto[]): void {
  let chapters = lastVerifications.get(participantId);
  if (!chapters) lastVerifications.set(participantId, (chapters = new Map()));
  chapters.set(chapter, { at: Date.now(), items });
}

/**
 * Verifies a chapter's open checkpoints for one participant and returns every checkpoint's state.
 * Done results come from storage (monotone); open ones are asked of the cluster at most once per
 * window per connection, whoever asks (tabs, the board's background verifier).
 */
export async function verifyChapter(ctx: AppContext, target: VerifyTarget, chapter: number, locale: ErrorLocale = 'ko'): Promise<CheckpointDto[]> {
  const items = await microCache(
    `verify:${target.participantId}:${chapter}`,
    1_000,
    async () => {
      const verified = await verifyOnce(ctx, target, chapter);
      rememberVerification(target.participantId, chapter, verified);
      return verified;
    },
    { cacheErrors: false },
  );
  return items.map((item) => {
    if (!item.code || item.state === 'done') return item;
    if (isErrorCode(item.code)) return { ...item, note: describeError(item.code, locale) };
    if (isCheckpointReason(item.code)) return { ...item, note: describeReason(item.code, locale) };
    return item;
  });
}
