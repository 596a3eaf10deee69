import 'server-only';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { chapters } from '@/content/chapters';
import { chapterCheckpointIds, checkpointDefinition } from '../checkpoints/registry';
import { recentVerification, verifyChapter } from '../checkpoints/verifier';
import {
  type ClusterConnection,
  forgetOtherVerifiers,
  getConnection,
  getDbBackend,
  listVerifierTargets,
  releaseVerifierLeases,
  syncVerifierLeases,
  type VerifierTarget,
  VERIFIER_SLICES,
} from '../db';
import type { AppContext } from '../server/context';
import { registerDiagnostics } from '../server/diagnostics';
import { BackgroundVerifier, type ChapterOutcome, type VerifyTask } from './background-verifier';
import { LeaseKeeper, type LeaseUnit, sliceOf, unitKey } from './leases';

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

/** Attendees with something left to verify; with a lease keeper, only those of the slices it holds. */
export async function listVerifyTasks(ctx: AppContext, keeper?: LeaseKeeper): Promise<VerifyTask[]> {
  const targets = await listVerifierTargets(ctx.db, keeper?.workshops());
  return targets.flatMap((target) => {
    if (keeper && !keeper.owns(target.workshopId, target.participantId)) return [];
    const open = openChapters(target.done);
    if (open.length === 0) return [];
    return [
      {
        participantId: target.participantId,
        workshopId: target.workshopId,
        clusterKey: clusterKeyOf(target),
        connectionKey: target.connectionId,
        chapters: open,
        currentChapter: target.currentChapter,
      },
    ];
  });
}

/** The attendee's connection row, read once for all the chapters of one check (a task lives one round). */
const taskConnections = new WeakMap<VerifyTask, Promise<ClusterConnection | null>>();
export function connectionOfTask(ctx: AppContext, task: VerifyTask): Promise<ClusterConnection | null> {
  let connection = taskConnections.get(task);
  if (!connection) {
    connection = getConnection(ctx.db, task.participantId).then((row) => row ?? null);
    // A failed read is not kept: the next chapter asks again.
    connection.catch(() => taskConnections.delete(task));
    taskConnections.set(task, connection);
  }
  return connection;
}

/** A chapter check failed when one of its checkpoints came back as an error (the cluster, not the attendee). */
export async function verifyTaskChapter(ctx: AppContext, task: VerifyTask, chapter: number): Promise<ChapterOutcome> {
  // A chapter the attendee's open page verified within half a round needs no second check: its
  // results are stored, and the page keeps verifying it every few seconds.
  const items =
    recentVerification(task.participantId, chapter, ctx.env.BOARD_VERIFY_INTERVAL_MS / 2) ??
    (await verifyChapter(ctx, { participantId: task.participantId, workshopId: task.workshopId, connection: () => connectionOfTask(ctx, task) }, chapter, 'en'));
  const failed = items.find((item) => item.state === 'error');
  return failed ? { ok: false, code: failed.code ?? 'internal' } : { ok: true };
}

/** One check of an attendee by this instance's verifier, kept for the diagnostics port. */
export interface CheckRecord {
  seq: number;
  participantId: string;
  workshopId: string;
  startedAt: number;
  endedAt: number;
  ok: boolean;
}

export interface SharedVerifier {
  verifier: BackgroundVerifier;
  keeper: LeaseKeeper;
  /** The latest checks (at most `CHECK_LOG_SIZE`), oldest first. */
  checks: CheckRecord[];
  /** Slices taken and given back, with when. */
  leaseChanges: { at: number; claimed: LeaseUnit[]; released: LeaseUnit[] }[];
  start(): Promise<void>;
  /** Starts no new check and gives back the idle slices at once, the others once their checks end. */
  stop(): Promise<void>;
}

const CHECK_LOG_SIZE = 50_000;

export interface SharedVerifierOptions {
  instanceId?: string;
  /** The only process on its database (the embedded PGlite). */
  exclusive: boolean;
  verifyChapter?: (task: VerifyTask, chapter: number) => Promise<ChapterOutcome>;
  now?: () => number;
  clockInDatabase?: boolean;
  log?: (message: string) => void;
}

export function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * The background verifier of one app instance, sharing the work with the other instances on the
 * same database through slice leases (lib/board/leases.ts). On the embedded PGlite it is alone and
 * holds every slice, which is the single-instance behaviour.
 */
export function createSharedVerifier(ctx: AppContext, options: SharedVerifierOptions): SharedVerifier {
  const checks: CheckRecord[] = [];
  const leaseChanges: SharedVerifier['leaseChanges'] = [];
  let seq = 0;
  let verifier: BackgroundVerifier | null = null;
  const db = ctx.db;
  const keeper = new LeaseKeeper({
    instanceId: options.instanceId ?? defaultInstanceId(),
    leaseMs: ctx.env.BOARD_VERIFY_LEASE_MS,
    slices: VERIFIER_SLICES,
    exclusive: options.exclusive,
    now: options.now,
    clockInDatabase: options.clockInDatabase,
    store: {
      sync: (input) => syncVerifierLeases(db, input),
      release: (instanceId, at, keep) => releaseVerifierLeases(db, instanceId, at, keep),
      forgetOthers: (instanceId, at) => forgetOtherVerifiers(db, instanceId, at),
    },
    busy: () => verifier?.busy().map((task) => unitKey({ workshopId: task.workshopId, slice: sliceOf(task.participantId, VERIFIER_SLICES) })) ?? [],
    log: options.log,
    onChange: (change) => {
      leaseChanges.push(change);
      if (leaseChanges.length > 1_000) leaseChanges.shift();
    },
  });
  verifier = new BackgroundVerifier({
    intervalMs: ctx.env.BOARD_VERIFY_INTERVAL_MS,
    concurrency: ctx.env.BOARD_VERIFY_CONCURRENCY,
    perCluster: ctx.env.BOARD_VERIFY_PER_CLUSTER,
    maxBackoffMs: ctx.env.BOARD_VERIFY_MAX_BACKOFF_MS,
    otherChaptersEvery: ctx.env.BOARD_VERIFY_OTHER_CHAPTERS_EVERY,
    listTasks: () => listVerifyTasks(ctx, keeper),
    verifyChapter: options.verifyChapter ?? ((task, chapter) => verifyTaskChapter(ctx, task, chapter)),
    owns: (task) => keeper.owns(task.workshopId, task.participantId),
    onChecked: (task, check) => {
      seq += 1;
      checks.push({ seq, participantId: task.participantId, workshopId: task.workshopId, ...check });
      if (checks.length > CHECK_LOG_SIZE) checks.splice(0, checks.length - CHECK_LOG_SIZE);
    },
    now: options.now,
    log: options.log,
  });
  const shared: SharedVerifier = {
    verifier,
    keeper,
    checks,
    leaseChanges,
    async start() {
      await keeper.start();
      verifier.start();
    },
    async stop() {
      // Nothing new starts and what is not being checked goes back at once: a process that exits
      // before its checks end has handed over all but those slices, which run out within a lease.
      await keeper.halt();
      await verifier.stop();
      await keeper.stop();
    },
  };
  return shared;
}

const KEY = Symbol.for('elastic-logging-lab.background-verifier');
type GlobalWithVerifier = typeof globalThis & { [KEY]?: SharedVerifier };

/**
 * Starts the process's one background verifier (instrumentation.ts -> prepareApp). Its timers are
 * unref'd, and it stops on SIGTERM/SIGINT before Next closes the server: no new check starts, and
 * its slices are given back so another instance takes them over at once.
 */
export async function startBackgroundVerifier(ctx: AppContext): Promise<SharedVerifier | null> {
  const g = globalThis as GlobalWithVerifier;
  if (g[KEY]) return g[KEY];
  if (ctx.env.BOARD_VERIFY_INTERVAL_MS === 0) {
    console.log('[board] background verifier off (BOARD_VERIFY_INTERVAL_MS=0)');
    return null;
  }
  const shared = createSharedVerifier(ctx, {
    exclusive: (await getDbBackend()) === 'pglite',
    log: (message) => console.error(`[board] ${message}`),
  });
  g[KEY] = shared;
  registerDiagnostics('verifier', (query) => {
    const after = Number(query.get('checksAfter') ?? 0);
    return {
      instanceId: shared.keeper.instanceId,
      leases: shared.keeper.standing,
      leaseChanges: shared.leaseChanges,
      checks: shared.checks.filter((check) => check.seq > after),
    };
  });
  await shared.start();
  const stop = () => void shared.stop().catch((error: unknown) => console.error('[board] stopping the verifier failed:', String(error)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(
    `[board] background verifier every ${ctx.env.BOARD_VERIFY_INTERVAL_MS / 1000} s (${ctx.env.BOARD_VERIFY_CONCURRENCY} at once, ${ctx.env.BOARD_VERIFY_PER_CLUSTER} per cluster), ` +
      `instance ${shared.keeper.instanceId}, lease ${ctx.env.BOARD_VERIFY_LEASE_MS / 1000} s`,
  );
  return shared;
}

export async function stopBackgroundVerifier(): Promise<void> {
  const g = globalThis as GlobalWithVerifier;
  const shared = g[KEY];
  delete g[KEY];
  await shared?.stop();
}
