import 'server-only';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { perDatabase } from '../prepared';
import { type CheckpointResult, checkpointResults, type CheckpointState } from '../schema';
import type { Database } from '../types';

export interface CheckpointResultInput {
  participantId: string;
  checkpointId: string;
  state: CheckpointState;
  detail?: string | null;
  /** The app's error code when `state` is `error`. */
  errorCode?: string | null;
}

export interface RecordOutcome {
  /** The stored result after the call (unchanged when it was already done). */
  result: CheckpointResult;
  /** False when the checkpoint was already done and the new result was ignored. */
  applied: boolean;
  /** True for exactly one call per checkpoint and participant, however many race. */
  becameDone: boolean;
}

/**
 * Stores a verification result. Monotone: once done, a checkpoint stays done whatever is recorded
 * later. The rule lives in the statement (the update's WHERE), not in a read-then-write, so app
 * instances racing on the same row cannot move it back; resetProgress is the only way back.
 */
export async function recordResult(db: Database, input: CheckpointResultInput): Promise<RecordOutcome> {
  const outcomes = await recordResults(db, input.participantId, [input]);
  return outcomes.get(input.checkpointId)!;
}

/**
 * Several results of one participant (a chapter's verification) in one statement, with the same
 * rule as `recordResult`: a participant's first verification writes every checkpoint of a
 * chapter, and one statement instead of one per checkpoint holds a pooled connection once.
 * Rows are written in checkpoint order, so two instances recording the same participant lock
 * them in the same order. Each checkpoint at most once per call (one statement cannot update a
 * row twice).
 */
export async function recordResults(db: Database, participantId: string, inputs: readonly Omit<CheckpointResultInput, 'participantId'>[]): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  let pending = [...inputs].sort((a, b) => a.checkpointId.localeCompare(b.checkpointId));
  for (let round = 0; round < 3 && pending.length > 0; round += 1) {
    const applied = await upsertUnlessDone(db, participantId, pending);
    for (const row of applied) {
      outcomes.set(row.checkpointId, { result: row, applied: true, becameDone: row.state === 'done' });
    }
    // Not returned: already done (kept as it is), or a done row a reset deleted between the two
    // statements (inserted by the next round).
    pending = pending.filter((input) => !outcomes.has(input.checkpointId));
    if (pending.length === 0) break;
    const current = await db
      .select()
      .from(checkpointResults)
      .where(and(eq(checkpointResults.participantId, participantId), inArray(checkpointResults.checkpointId, pending.map((input) => input.checkpointId))));
    for (const row of current) outcomes.set(row.checkpointId, { result: row, applied: false, becameDone: false });
    pending = pending.filter((input) => !outcomes.has(input.checkpointId));
  }
  if (pending.length > 0) throw new Error(`checkpoint results ${pending.map((input) => input.checkpointId).join(', ')} kept vanishing while being recorded`);
  return outcomes;
}

async function upsertUnlessDone(db: Database, participantId: string, inputs: readonly Omit<CheckpointResultInput, 'participantId'>[]): Promise<CheckpointResult[]> {
  return db
    .insert(checkpointResults)
    .values(
      inputs.map((input) => ({
        participantId,
        checkpointId: input.checkpointId,
        state: input.state,
        detail: input.detail ?? null,
        errorCode: input.errorCode ?? null,
        firstDoneAt: input.state === 'done' ? sql`now()` : null,
        updatedAt: sql`now()`,
      })),
    )
    .onConflictDoUpdate({
      target: [checkpointResults.participantId, checkpointResults.checkpointId],
      set: {
        state: sql`excluded.state`,
        detail: sql`excluded.detail`,
        errorCode: sql`excluded.error_code`,
        attempts: sql`${checkpointResults.attempts} + 1`,
        firstDoneAt: sql`excluded.first_done_at`,
        updatedAt: sql`excluded.updated_at`,
      },
      setWhere: ne(checkpointResults.state, 'done'),
    })
    .returning();
}

/** The participant's results for the given checkpoints (a chapter's), or all of them. */
export async function getResults(
  db: Database,
  participantId: string,
  checkpointIds?: readonly string[],
): Promise<CheckpointResult[]> {
  if (checkpointIds && checkpointIds.length === 0) return [];
  if (checkpointIds) return resultsAmong(db).execute({ participantId, checkpointIds: [...checkpointIds] });
  return allResultsOf(db).execute({ participantId });
}

/** A chapter's results are read on every checkpoint poll: prepared (lib/db/prepared.ts). */
const resultsAmong = perDatabase((db) =>
  db
    .select()
    .from(checkpointResults)
    .where(
      and(
        eq(checkpointResults.participantId, sql.placeholder('participantId')),
        sql`${checkpointResults.checkpointId} = any(${sql.placeholder('checkpointIds')})`,
      ),
    )
    .orderBy(asc(checkpointResults.checkpointId))
    .prepare('lab_results_among'),
);

const allResultsOf = perDatabase((db) =>
  db
    .select()
    .from(checkpointResults)
    .where(eq(checkpointResults.participantId, sql.placeholder('participantId')))
    .orderBy(asc(checkpointResults.checkpointId))
    .prepare('lab_results_of_participant'),
);

/**
 * The instructor's reset: forgets the participant's results (all, or the given checkpoints) so
 * they are verified afresh. Returns how many were forgotten.
 */
export async function resetProgress(
  db: Database,
  participantId: string,
  checkpointIds?: readonly string[],
): Promise<number> {
  if (checkpointIds && checkpointIds.length === 0) return 0;
  const rows = await db
    .delete(checkpointResults)
    .where(
      and(
        eq(checkpointResults.participantId, participantId),
        checkpointIds ? inArray(checkpointResults.checkpointId, [...checkpointIds]) : undefined,
      ),
    )
    .returning({ checkpointId: checkpointResults.checkpointId });
  return rows.length;
}
