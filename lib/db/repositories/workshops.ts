import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import { InvalidJoinCodeError, isUniqueViolation, JoinCodeTakenError } from '../errors';
import { generateJoinCode, normalizeJoinCode } from '../join-code';
import { type ClusterMode, type Workshop, type WorkshopStatus, workshops } from '../schema';
import type { Database } from '../types';

export interface CreateWorkshopInput {
  name: string;
  /** YYYY-MM-DD */
  date?: string | null;
  /** The instructor's own code; a fresh one is generated when absent. */
  code?: string;
  clusterMode?: ClusterMode;
  createdBy?: string | null;
}

export interface CreateWorkshopOptions {
  generateCode?: () => string;
  maxAttempts?: number;
}

/**
 * Creates a workshop with a join code no other workshop has. A generated code that is taken
 * (checked by the unique index, so two instances cannot both win) is replaced and retried; a
 * chosen code that is taken fails with JoinCodeTakenError.
 */
export async function createWorkshop(
  db: Database,
  input: CreateWorkshopInput,
  options: CreateWorkshopOptions = {},
): Promise<Workshop> {
  const chosen = input.code === undefined ? undefined : normalizeJoinCode(input.code);
  if (input.code !== undefined && chosen === undefined) throw new InvalidJoinCodeError(input.code);
  const generate = options.generateCode ?? generateJoinCode;
  const attempts = chosen ? 1 : (options.maxAttempts ?? 8);

  let code = chosen ?? generate();
  for (let attempt = 1; ; attempt += 1) {
    const [row] = await db
      .insert(workshops)
      .values({
        name: input.name,
        date: input.date ?? null,
        code,
        clusterMode: input.clusterMode,
        createdBy: input.createdBy ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (row) return row;
    if (attempt >= attempts) throw new JoinCodeTakenError(code);
    code = generate();
  }
}

export async function getWorkshop(db: Database, id: string): Promise<Workshop | undefined> {
  const [row] = await db.select().from(workshops).where(eq(workshops.id, id));
  return row;
}

/** Finds a workshop by what an attendee typed, in any case, with or without spaces and dashes. */
export async function getWorkshopByCode(db: Database, input: string): Promise<Workshop | undefined> {
  const code = normalizeJoinCode(input);
  if (!code) return undefined;
  // Matches the expression of the unique index, so the lookup uses it.
  const [row] = await db.select().from(workshops).where(sql`upper(${workshops.code}) = ${code}`);
  return row;
}

/** Newest first. */
export async function listWorkshopsByInstructor(
  db: Database,
  instructorId: string,
  status?: WorkshopStatus,
): Promise<Workshop[]> {
  return db
    .select()
    .from(workshops)
    .where(and(eq(workshops.createdBy, instructorId), status ? eq(workshops.status, status) : undefined))
    .orderBy(desc(workshops.createdAt), desc(workshops.id));
}

/** What the background verifier walks. */
export async function listOpenWorkshops(db: Database): Promise<Workshop[]> {
  return db.select().from(workshops).where(eq(workshops.status, 'open')).orderBy(desc(workshops.createdAt));
}

export interface UpdateWorkshopInput {
  name?: string;
  date?: string | null;
  code?: string;
  clusterMode?: ClusterMode;
}

export async function updateWorkshop(db: Database, id: string, input: UpdateWorkshopInput): Promise<Workshop | undefined> {
  const code = input.code === undefined ? undefined : normalizeJoinCode(input.code);
  if (input.code !== undefined && code === undefined) throw new InvalidJoinCodeError(input.code);
  const changes = { name: input.name, date: input.date, code, clusterMode: input.clusterMode };
  if (Object.values(changes).every((value) => value === undefined)) return getWorkshop(db, id);
  try {
    const [row] = await db.update(workshops).set(changes).where(eq(workshops.id, id)).returning();
    return row;
  } catch (error) {
    if (code && isUniqueViolation(error)) throw new JoinCodeTakenError(code);
    throw error;
  }
}

/** Closes the workshop to new attendees and stops its background checks; closing twice keeps the first time. */
export async function closeWorkshop(db: Database, id: string): Promise<Workshop | undefined> {
  const [row] = await db
    .update(workshops)
    .set({ status: 'closed', closedAt: sql`coalesce(${workshops.closedAt}, now())` })
    .where(eq(workshops.id, id))
    .returning();
  return row;
}

export async function reopenWorkshop(db: Database, id: string): Promise<Workshop | undefined> {
  const [row] = await db
    .update(workshops)
    .set({ status: 'open', closedAt: null })
    .where(eq(workshops.id, id))
    .returning();
  return row;
}
