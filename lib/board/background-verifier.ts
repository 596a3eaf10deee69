import { Semaphore } from './semaphore';

/**
 * The class board's background verifier: every open workshop's attendees get their open
 * checkpoints checked on a schedule, so the board moves even for an attendee whose tab is closed
 * or asleep. This module is the scheduling only (framework-free, driven by fake timers in tests);
 * lib/board/start.ts wires it to the database and to `verifyChapter`, which already coalesces
 * with the attendees' own page polling (one check per checkpoint and connection at a time).
 *
 * - Rounds never overlap: the next one is planned when the current one ends, `intervalMs` after
 *   it started (at once if it took longer), so a slow cluster slows the rounds, not piles them up.
 * - Two limits: `concurrency` checks in this app instance, and `perCluster` at one cluster, so a
 *   class that shares one cloud cluster does not flood it.
 * - A connection whose check fails (the cluster is down, refuses the password, rate limits) backs
 *   off exponentially: it is tried again after 2, 4, 8... intervals, capped at `maxBackoffMs`; a
 *   rate limit counts double. A success, or a new connection, starts afresh.
 * - The chapter the attendee is on is checked every round; their other open chapters (left behind,
 *   or not reached yet) every `otherChaptersEvery` rounds, each attendee in their own round of
 *   those, so the cluster work of a class spreads evenly: a learner finishes a step where the
 *   guide shows it, and the chapters they are not reading cost a quarter as much.
 * - With several app instances, `owns` says which attendees this one may check now (the slices it
 *   holds a lease on, lib/board/leases.ts); it is asked again right before each check, so a slice
 *   lost in the middle of a round is not checked here any more.
 */

export interface VerifyTask {
  participantId: string;
  workshopId: string;
  /** Which cluster the check lands on, for the per-cluster limit (a practice deployment, or an endpoint). */
  clusterKey: string;
  /** The attendee's current connection: a reconnect gets a new key and so no inherited back-off. */
  connectionKey: string;
  /** Chapters with at least one open checkpoint that can be verified, in course order. */
  chapters: readonly number[];
  /** The chapter the attendee last opened; absent: every open chapter is checked every round. */
  currentChapter?: number;
}

export type ChapterOutcome = { ok: true } | { ok: false; code: string };

export interface BackgroundVerifierOptions {
  intervalMs: number;
  concurrency: number;
  perCluster: number;
  maxBackoffMs: number;
  /** Rounds between checks of an attendee's open chapters other than their current one (default 4; 1: every round). */
  otherChaptersEvery?: number;
  listTasks(): Promise<VerifyTask[]>;
  verifyChapter(task: VerifyTask, chapter: number): Promise<ChapterOutcome>;
  /** Whether this instance may check the task's attendee now; all of them when absent. */
  owns?(task: VerifyTask): boolean;
  /** Told after every attendee's check (diagnostics: which instance checked whom, when). */
  onChecked?(task: VerifyTask, check: { startedAt: number; endedAt: number; ok: boolean }): void;
  now?: () => number;
  log?: (message: string) => void;
}

export interface RoundReport {
  tasks: number;
  /** Attendees checked this round. */
  checked: number;
  /** Attendees left out because their connection is backing off. */
  backingOff: number;
  /** Attendees whose check failed (and who now back off). */
  failed: number;
  /** Attendees left out because another instance took their slice during the round. */
  handedOff: number;
  /** Attendees left out because only chapters they are not on are open, and it is not their round for those. */
  deferred: number;
  durationMs: number;
}

interface Backoff {
  failures: number;
  until: number;
  code: string;
}

export const DEFAULT_OTHER_CHAPTERS_EVERY = 4;

/** Which of the `every` rounds is an attendee's turn for their other chapters: spread by id, stable across rounds and instances. */
function turnOf(participantId: string, every: number): number {
  let hash = 0;
  for (let i = 0; i < participantId.length; i += 1) hash = (hash * 31 + participantId.charCodeAt(i)) >>> 0;
  return hash % every;
}

/** Codes that mean "ask less often", not just "try again". */
const SLOW_DOWN = new Set(['rate_limited']);

export class BackgroundVerifier {
  private readonly now: () => number;
  private readonly backoffs = new Map<string, Backoff>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private current: Promise<RoundReport> | null = null;
  private running = false;
  private halted = false;
  private readonly inFlight = new Set<VerifyTask>();
  private rounds = 0;

  constructor(private readonly options: BackgroundVerifierOptions) {
    this.now = options.now ?? Date.now;
  }

  get started(): boolean {
    return this.running;
  }

  /** The back-off of a connection, for tests and the log. */
  backoffOf(connectionKey: string): Readonly<Backoff> | undefined {
    return this.backoffs.get(connectionKey);
  }

  /** The tasks being checked right now. */
  busy(): VerifyTask[] {
    return [...this.inFlight];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.halted = false;
    this.plan(this.options.intervalMs);
  }

  /** No new round or check starts; resolves when the checks already running have finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current?.catch(() => undefined);
  }

  /** One round now; if one is running, its result (rounds never overlap). */
  runRound(): Promise<RoundReport> {
    this.current ??= this.round().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private plan(delayMs: number): void {
    if (!this.running) return;
    // Unref'd: the schedule never keeps a process alive on its own.
    this.timer = setTimeout(() => {
      this.timer = null;
      const startedAt = this.now();
      this.runRound()
        .catch((error: unknown) => this.options.log?.(`round failed: ${String(error)}`))
        .finally(() => this.plan(Math.max(0, this.options.intervalMs - (this.now() - startedAt))));
    }, delayMs);
    this.timer.unref?.();
  }

  /** The task's chapters to check in round `round`: the current one always, the others in the attendee's turn. */
  chaptersDue(task: VerifyTask, round: number): readonly number[] {
    const every = Math.max(1, this.options.otherChaptersEvery ?? DEFAULT_OTHER_CHAPTERS_EVERY);
    if (task.currentChapter === undefined || every === 1) return task.chapters;
    const turn = (round + turnOf(task.participantId, every)) % every === 0;
    return turn ? task.chapters : task.chapters.filter((chapter) => chapter === task.currentChapter);
  }

  private async round(): Promise<RoundReport> {
    const startedAt = this.now();
    const roundNumber = this.rounds++;
    const tasks = await this.options.listTasks();
    const live = new Set(tasks.map((task) => task.connectionKey));
    for (const key of this.backoffs.keys()) if (!live.has(key)) this.backoffs.delete(key);

    const notBackingOff = tasks.filter((task) => (this.backoffs.get(task.connectionKey)?.until ?? 0) <= startedAt);
    const due = notBackingOff.flatMap((task) => {
      const chapters = this.chaptersDue(task, roundNumber);
      return chapters.length > 0 ? [{ task, chapters }] : [];
    });
    const global = new Semaphore(this.options.concurrency);
    const clusters = new Map<string, Semaphore>();
    let checked = 0;
    let failed = 0;
    let handedOff = 0;
    const owns = this.options.owns ?? (() => true);

    await Promise.all(
      due.map(async ({ task, chapters }) => {
        let cluster = clusters.get(task.clusterKey);
        if (!cluster) {
          cluster = new Semaphore(this.options.perCluster);
          clusters.set(task.clusterKey, cluster);
        }
        // The cluster slot first: a task waiting for a busy cluster does not hold an instance slot.
        await cluster.use(() =>
          global.use(async () => {
            if (this.halted) return;
            if (!owns(task)) {
              handedOff += 1;
              return;
            }
            checked += 1;
            this.inFlight.add(task);
            const checkStartedAt = this.now();
            let ok = false;
            try {
              ok = await this.check(task, chapters, startedAt);
            } finally {
              this.inFlight.delete(task);
            }
            if (!ok) failed += 1;
            this.options.onChecked?.(task, { startedAt: checkStartedAt, endedAt: this.now(), ok });
          }),
        );
      }),
    );
    return {
      tasks: tasks.length,
      checked,
      backingOff: tasks.length - notBackingOff.length,
      failed,
      handedOff,
      deferred: notBackingOff.length - due.length,
      durationMs: this.now() - startedAt,
    };
  }

  /** Checks the task's chapters in order; stops at the first failure, which starts (or extends) a back-off. */
  private async check(task: VerifyTask, chapters: readonly number[], roundStartedAt: number): Promise<boolean> {
    for (const chapter of chapters) {
      let outcome: ChapterOutcome;
      try {
        outcome = await this.options.verifyChapter(task, chapter);
      } catch (error) {
        this.options.log?.(`checking chapter ${chapter} of ${task.participantId} failed: ${String(error)}`);
        outcome = { ok: false, code: 'internal' };
      }
      if (!outcome.ok) {
        this.fail(task.connectionKey, outcome.code, roundStartedAt);
        return false;
      }
    }
    this.backoffs.delete(task.connectionKey);
    return true;
  }

  /** Counted from the round's start, so "after 2 intervals" is exactly one round left out. */
  private fail(connectionKey: string, code: string, roundStartedAt: number): void {
    const previous = this.backoffs.get(connectionKey);
    const failures = (previous?.failures ?? 0) + (SLOW_DOWN.has(code) ? 2 : 1);
    const delay = Math.min(this.options.maxBackoffMs, this.options.intervalMs * 2 ** failures);
    this.backoffs.set(connectionKey, { failures, until: roundStartedAt + delay, code });
  }
}
