import 'server-only';
import { chapters } from '@/content/chapters';
import { chapterCheckpointIds, checkpointDefinition } from '../checkpoints/registry';
import { verifyChapter } from '../checkpoints/verifier';
import { listVerifierTargets, type VerifierTarget } from '../db';
import type { AppContext } from '../server/context';
import { BackgroundVerifier, type ChapterOutcome, type VerifyTask } from './background-verifier';

/** Chapters in which the attendee still has a checkpoint the guide can verify. */
export function openChapters(done: ReadonlySet<string>): number[] {
  return chapters
    .map((chapter) => chapter.number)
    .filter((n) => chapterCheckpointIds(n).some((id) => checkpointDefinition(id) !== undefined && !done.has(id)));
}

/**
 * The cluster a check lands on. Practice deployments share one endpoint but are separate clusters;
 * attendees of a class that share one cloud deployment share its endpoint, and its limit.
 */
export function clusterKeyOf(target: Pick<VerifierTarget, 'kind' | 'endpoint' | 'practiceDeploymentId'>): string {
  return target.kind === 'practice' && target.practiceDeploymentId ? `practice:${target.practiceDeploymentId}` : `endpoint:${target.endpoint}`;
}

export async function listVerifyTasks(ctx: AppContext): Promise<VerifyTask[]> {
  const targets = await listVerifierTargets(ctx.db);
  return targets.flatMap((target) => {
    const open = openChapters(target.done);
    if (open.length === 0) return [];
    return [{ participantId: target.participantId, workshopId: target.workshopId, clusterKey: clusterKeyOf(target), connectionKey: target.connectionId, chapters: open }];
  });
}

/** A chapter check failed when one of its checkpoints came back as an error (the cluster, not the attendee). */
export async function verifyTaskChapter(ctx: AppContext, task: VerifyTask, chapter: number): Promise<ChapterOutcome> {
  const items = await verifyChapter(ctx, { participantId: task.participantId, workshopId: task.workshopId }, chapter, 'en');
  const failed = items.find((item) => item.state === 'error');
  return failed ? { ok: false, code: failed.code ?? 'internal' } : { ok: true };
}

const KEY = Symbol.for('elastic-logging-lab.background-verifier');
type GlobalWithVerifier = typeof globalThis & { [KEY]?: BackgroundVerifier };

/**
 * Starts the process's one background verifier (instrumentation.ts -> prepareApp). Its timer is
 * unref'd, and it stops on SIGTERM/SIGINT before Next closes the server, so no round starts
 * while the process shuts down.
 */
export function startBackgroundVerifier(ctx: AppContext): BackgroundVerifier | null {
  const g = globalThis as GlobalWithVerifier;
  if (g[KEY]) return g[KEY];
  if (ctx.env.BOARD_VERIFY_INTERVAL_MS === 0) {
    console.log('[board] background verifier off (BOARD_VERIFY_INTERVAL_MS=0)');
    return null;
  }
  const verifier = new BackgroundVerifier({
    intervalMs: ctx.env.BOARD_VERIFY_INTERVAL_MS,
    concurrency: ctx.env.BOARD_VERIFY_CONCURRENCY,
    perCluster: ctx.env.BOARD_VERIFY_PER_CLUSTER,
    maxBackoffMs: ctx.env.BOARD_VERIFY_MAX_BACKOFF_MS,
    listTasks: () => listVerifyTasks(ctx),
    verifyChapter: (task, chapter) => verifyTaskChapter(ctx, task, chapter),
    log: (message) => console.error(`[board] ${message}`),
  });
  g[KEY] = verifier;
  verifier.start();
  const stop = () => void verifier.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`[board] background verifier every ${ctx.env.BOARD_VERIFY_INTERVAL_MS / 1000} s (${ctx.env.BOARD_VERIFY_CONCURRENCY} at once, ${ctx.env.BOARD_VERIFY_PER_CLUSTER} per cluster)`);
  return verifier;
}

export async function stopBackgroundVerifier(): Promise<void> {
  const g = globalThis as GlobalWithVerifier;
  const verifier = g[KEY];
  delete g[KEY];
  await verifier?.stop();
}
