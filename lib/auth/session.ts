import 'server-only';
import { LRUCache } from 'lru-cache';
import { cookies } from 'next/headers';
import { decode } from 'next-auth/jwt';
import { notePracticeActivity } from '../connections/practice-activity';
import { getParticipant, touchParticipants, type ParticipantRole } from '../db';
import { perDatabase } from '../db/prepared';
import { WriteBatcher } from '../db/write-batcher';
import { AppError } from '../errors';
import { appContext, type AppContext } from '../server/context';
import { spreadWait } from '../spread-wait';
import { authOptions } from './options';
import type { SessionParticipant } from './sign-in';

const TOUCH_EVERY_MS = 30_000;
/** How long a "last seen" write waits for others to go with it. */
const TOUCH_GATHER_MS = 1_000;

export interface Caller {
  participant: SessionParticipant;
  ctx: AppContext;
}

/**
 * Whether a participant still exists and was not removed by the instructor. Panels poll every 5 s,
 * so the answer is remembered briefly rather than read from the database on every request, and the
 * requests a page sends together (a panel and its checkpoints) share one read.
 */
const activeParticipants = new LRUCache<string, boolean>({ max: 20_000, ttl: 5_000 });
const pendingChecks = new Map<string, Promise<boolean>>();
/** When this process last marked each participant as seen; the database keeps it to 30 s anyway. */
const lastTouched = new LRUCache<string, number>({ max: 20_000, ttl: TOUCH_EVERY_MS });

/**
 * "Last seen" writes, gathered for a second and sent as one statement per database: a class's
 * pages come back together after a break, and 500 one-row updates at once queued the pages' own
 * reads behind them for the pool. A failed write is dropped (the next poll's is 30-60 s later).
 */
const seenWrites = perDatabase(
  (db) =>
    new WriteBatcher<string, true>({
      waitMs: TOUCH_GATHER_MS,
      write: async (batch) => {
        await touchParticipants(db, [...batch.keys()], TOUCH_EVERY_MS);
      },
    }),
);

async function isActive(ctx: AppContext, id: string): Promise<boolean> {
  const known = activeParticipants.get(id);
  if (known !== undefined) return known;
  const pending = pendingChecks.get(id);
  if (pending) return pending;
  const check = (async () => {
    const row = await getParticipant(ctx.db, id);
    const active = row !== undefined && row.removedAt === null;
    activeParticipants.set(id, active);
    if (active && !lastTouched.has(id)) {
      // 30-60 s: the whole class's pages opened together, and a fixed 30 s would have them all
      // write their "last seen" in the same seconds, every 30 s.
      lastTouched.set(id, Date.now(), { ttl: spreadWait(TOUCH_EVERY_MS) });
      seenWrites(ctx.db).add(id, true);
    }
    return active;
  })().finally(() => pendingChecks.delete(id));
  pendingChecks.set(id, check);
  return check;
}

/** next-auth's session cookie: `__Secure-` over HTTPS; either may be split into `.0`, `.1`, … chunks. */
const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

function sessionToken(): string | undefined {
  const jar = cookies();
  for (const name of SESSION_COOKIES) {
    const whole = jar.get(name)?.value;
    if (whole) return whole;
    const chunks = jar
      .getAll()
      .filter((cookie) => cookie.name.startsWith(`${name}.`))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
    if (chunks.length > 0) return chunks.map((cookie) => cookie.value).join('');
  }
  return undefined;
}

/**
 * Decoded session cookies. next-auth's getServerSession decrypts the cookie (a JWE: HKDF key
 * derivation and AES-GCM) and encrypts a renewed one on every call, which a route handler cannot
 * even send back; with pages polling that was the largest share of a request's CPU. A cookie
 * decoded once is remembered for a few minutes (never past its own expiry), keyed by its value.
 */
const decodedSessions = new LRUCache<string, { participant: SessionParticipant | null; expiresAt: number }>({ max: 20_000, ttl: 5 * 60_000 });

/** The participant of the request's session cookie (null: none, unreadable or expired). */
async function sessionParticipant(): Promise<SessionParticipant | null> {
  const token = sessionToken();
  if (!token) return null;
  const known = decodedSessions.get(token);
  if (known && known.expiresAt > Date.now()) return known.participant;
  // The same secret and salt next-auth encodes with (callbacks.jwt keeps `participant` in the token).
  const payload = await decode({ token, secret: authOptions().secret ?? '' }).catch(() => null);
  if (!payload) return null;
  const participant = (payload.participant as SessionParticipant | undefined) ?? null;
  const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now();
  decodedSessions.set(token, { participant, expiresAt });
  return participant;
}

/** Forgets the remembered answer (after the instructor removes an attendee). */
export function forgetParticipant(id: string): void {
  activeParticipants.delete(id);
}

/**
 * Who is asking, for every route: a signed-in, not removed participant, in one of `roles` if
 * given. No session is 401 `not_signed_in`; the wrong role is 403 `role_required`.
 */
export async function requireCaller(roles?: readonly ParticipantRole[]): Promise<Caller> {
  const participant = await sessionParticipant();
  if (!participant) throw new AppError('not_signed_in');
  const ctx = await appContext();
  if (!(await isActive(ctx, participant.id))) throw new AppError('not_signed_in', { detail: `participant ${participant.id} removed or unknown` });
  if (roles && !roles.includes(participant.role)) {
    throw new AppError('role_required', { params: { role: roles[0] ?? 'instructor' }, detail: `${participant.role} asked for a ${roles.join('/')} route` });
  }
  // The learner is at work: their practice deployment is not idle (lib/connections/practice-activity.ts).
  notePracticeActivity(ctx, participant.id);
  return { participant, ctx };
}

/** The session's participant for server pages (null when signed out); never throws. */
export async function currentParticipant(): Promise<SessionParticipant | null> {
  try {
    return await sessionParticipant();
  } catch {
    return null;
  }
}
