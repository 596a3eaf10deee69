import 'server-only';
import { LRUCache } from 'lru-cache';
import { getConnection } from '../db';
import type { AppContext } from '../server/context';
import { spreadWait } from '../spread-wait';
import { notePracticeDeploymentActivity } from './practice-control';
import { practiceDeploymentOf } from './service';

/**
 * Idle reclaim counts only what the learner does. The practice cluster cannot tell the learner's
 * page polls from the app's background verifier (both come from the app with the same
 * credentials), and scheduled watches and ML jobs run inside it, so the app tells it: every
 * request a signed-in participant makes (`requireCaller`: page polls, buttons) notes activity on
 * their practice deployment, at most once every one to two minutes (drawn for each note,
 * `spreadWait`) per participant and app instance. The verifier never goes through
 * `requireCaller`, so it keeps nothing alive. A class's pages open in the same seconds, and a
 * fixed minute had all of them read their connection and call the practice cluster in the same
 * seconds, every minute. Idle reclaim waits 120 minutes, so the note's grain does not matter.
 *
 * A note that falls due is also sent after a wait drawn from 0-10 s rather than at once: when a
 * class comes back from a break, every attendee's note falls due on their page's first request,
 * and 500 connection reads and control calls in the same five seconds as the pages' own first
 * reads made those slower (~a fifth of the calls the app made in that opening).
 */
export const ACTIVITY_NOTE_EVERY_MS = 60_000;
/** The most a due note waits before it is sent. */
export const ACTIVITY_NOTE_SPREAD_MS = 10_000;

const noted = new LRUCache<string, true>({ max: 50_000, ttl: ACTIVITY_NOTE_EVERY_MS });

/** How long a due note waits before it is sent: 0 up to `ACTIVITY_NOTE_SPREAD_MS`, drawn for each. */
export function noteWait(random: () => number = Math.random): number {
  return Math.floor(random() * ACTIVITY_NOTE_SPREAD_MS);
}

/** Notes the participant's activity in the background, `sendAfterMs` from now; never delays or fails their request. */
export function notePracticeActivity(ctx: AppContext, participantId: string, sendAfterMs = noteWait()): void {
  if (!ctx.practiceUrl || noted.has(participantId)) return;
  noted.set(participantId, true, { ttl: spreadWait(ACTIVITY_NOTE_EVERY_MS) });
  const practiceUrl = ctx.practiceUrl;
  const send = () =>
    void (async () => {
      const deployment = await practiceDeploymentOf(ctx, await getConnection(ctx.db, participantId));
      if (deployment) await notePracticeDeploymentActivity(practiceUrl, deployment);
    })().catch(() => undefined);
  // Not kept alive by the wait: a process that stops skips the note, and the next request notes again.
  if (sendAfterMs > 0) setTimeout(send, sendAfterMs).unref();
  else send();
}

/** How long until the participant's activity is noted again, in ms (0: at the next request; tests). */
export function practiceActivityDueIn(participantId: string): number {
  return noted.has(participantId) ? noted.getRemainingTTL(participantId) : 0;
}

/** Forgets when activity was last noted (tests). */
export function resetPracticeActivityNotes(): void {
  noted.clear();
}
