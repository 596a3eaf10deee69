import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../types';

/**
 * How many slices each open workshop's attendees are split into for the background verifier:
 * enough for a few instances to share one big class, few enough that the lease rows stay a
 * handful per workshop. Changing it only leaves unused rows behind.
 */
export const VERIFIER_SLICES = 16;

export interface SliceLease {
  workshopId: string;
  slice: number;
  expiresAt: Date;
}

export interface LeaseSyncInput {
  instanceId: string;
  /** How long a claim or a renewal lasts. Instances not seen for this long no longer count as live. */
  ttlMs: number;
  /** Slices (`workshopId:slice`) with checks in flight here: kept even when over the fair share. */
  busy?: readonly string[];
  /** The time to use instead of the database's clock (tests with a fake clock). */
  at?: Date;
}

export interface LeaseSyncResult {
  /** Everything this instance holds after the call, renewed until `expiresAt`. */
  held: SliceLease[];
  /** Taken in this call: free, released by their holder, or left to expire by a stopped one. */
  claimed: SliceLease[];
  /** Given back in this call because another instance joined (over the fair share). */
  released: { workshopId: string; slice: number }[];
  /** Live instances, this one included, and the slices each should hold. */
  instances: number;
  share: number;
}

async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const clock = (at: Date | undefined): SQL => (at ? sql`${at.toISOString()}::timestamptz` : sql`now()`);
const ms = (value: number): SQL => sql`make_interval(secs => ${value / 1000})`;
const unitKey = (row: { workshopId: string; slice: number }) => `${row.workshopId}:${row.slice}`;

interface LeaseRow {
  workshop_id: string;
  slice: number;
  holder: string | null;
  expires_at: Date | string;
}

const toLease = (row: LeaseRow): SliceLease => ({ workshopId: row.workshop_id, slice: Number(row.slice), expiresAt: new Date(row.expires_at) });

/**
 * One step of an instance's lease keeping, in one transaction: say it is alive, make sure every
 * open workshop has its slices, give back what is over its fair share (when another instance
 * joined), renew the rest, and claim free or expired slices up to the share. Claims lock with
 * `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment take different slices and
 * never wait for each other; a slice another instance holds is only taken once it expired.
 */
export async function syncVerifierLeases(db: Database, input: LeaseSyncInput): Promise<LeaseSyncResult> {
  const t = clock(input.at);
  const me = input.instanceId;
  const busy = new Set(input.busy ?? []);
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into verifier_instances (id, started_at, seen_at) values (${me}, ${t}, ${t})
      on conflict (id) do update set seen_at = excluded.seen_at`);
    await tx.execute(sql`delete from verifier_instances where seen_at < ${t} - ${ms(10 * input.ttlMs)}`);
    await tx.execute(sql`
      insert into verifier_leases (workshop_id, slice, holder, expires_at)
      select w.id, s.n, null, ${t} from workshops w cross join generate_series(0, ${VERIFIER_SLICES - 1}) as s(n)
      where w.status = 'open'
      on conflict (workshop_id, slice) do nothing`);

    // Seen within one lease: a dead instance stops counting exactly when its leases expire.
    const [counts] = await rows<{ instances: number | string; slices: number | string }>(
      tx,
      sql`select
            (select count(*) from verifier_instances where seen_at > ${t} - ${ms(input.ttlMs)}) as instances,
            (select count(*) from verifier_leases l join workshops w on w.id = l.workshop_id where w.status = 'open') as slices`,
    );
    const instances = Math.max(1, Number(counts?.instances ?? 1));
    const share = Math.ceil(Number(counts?.slices ?? 0) / instances);

    const mine = (
      await rows<LeaseRow>(
        tx,
        sql`select l.workshop_id, l.slice, l.holder, l.expires_at from verifier_leases l join workshops w on w.id = l.workshop_id
            where l.holder = ${me} and w.status = 'open' order by l.workshop_id, l.slice`,
      )
    ).map(toLease);
    // Over the share (another instance joined): the last ones go back, never one with a check in flight.
    const excess = mine.length - share;
    const surplus = excess > 0 ? mine.filter((lease) => !busy.has(unitKey(lease))).slice(-excess) : [];
    for (const lease of surplus) {
      await tx.execute(sql`
        update verifier_leases set holder = null, expires_at = ${t}
        where workshop_id = ${lease.workshopId} and slice = ${lease.slice} and holder = ${me}`);
    }

    // Closed workshops' slices are let go: nobody checks a closed class.
    await tx.execute(sql`
      update verifier_leases l set holder = null, expires_at = ${t} from workshops w
      where w.id = l.workshop_id and l.holder = ${me} and w.status <> 'open'`);
    const renewed = await rows<LeaseRow>(
      tx,
      sql`update verifier_leases set expires_at = ${t} + ${ms(input.ttlMs)} where holder = ${me}
          returning workshop_id, slice, holder, expires_at`,
    );

    const claim = (where: SQL, limit?: number) =>
      rows<LeaseRow>(
        tx,
        sql`update verifier_leases l set holder = ${me}, acquired_at = ${t}, expires_at = ${t} + ${ms(input.ttlMs)}
            from (
              select c.workshop_id, c.slice from verifier_leases c join workshops w on w.id = c.workshop_id
              where w.status = 'open' and ${where}
              order by c.expires_at, c.workshop_id, c.slice
              ${limit === undefined ? sql`` : sql`limit ${limit}`}
              for update of c skip locked
            ) free
            where l.workshop_id = free.workshop_id and l.slice = free.slice
            returning l.workshop_id, l.slice, l.holder, l.expires_at`,
      );
    // Orphans first and beyond the share: slices nobody took for a whole lease (their holder died
    // while every other instance was at its share), so none stays unchecked for long.
    const orphans = await claim(sql`c.expires_at <= ${t} - ${ms(input.ttlMs)}`);
    const need = share - renewed.length - orphans.length;
    const claimed = need > 0 ? [...orphans, ...(await claim(sql`(c.holder is null or c.expires_at <= ${t})`, need))] : orphans;
    const claimedLeases = claimed.map(toLease);
    return {
      held: [...renewed.map(toLease), ...claimedLeases].sort((a, b) => unitKey(a).localeCompare(unitKey(b))),
      claimed: claimedLeases,
      released: surplus.map(({ workshopId, slice }) => ({ workshopId, slice })),
      instances,
      share,
    };
  });
}

/**
 * A stopping instance gives its slices back at once, so the others take them over on their next
 * step instead of after the lease. `keep` (`workshopId:slice`) holds back the slices with a check
 * still running, given back by a second call once those end. Either way the instance no longer
 * counts as live, so the others' fair share grows to cover what it gave back.
 */
export async function releaseVerifierLeases(db: Database, instanceId: string, at?: Date, keep: readonly string[] = []): Promise<number> {
  const t = clock(at);
  return db.transaction(async (tx) => {
    const kept = keep.length === 0 ? sql`true` : sql`(workshop_id::text || ':' || slice::text) not in (${sql.join(keep.map((key) => sql`${key}`), sql`, `)})`;
    const released = await rows<{ slice: number }>(
      tx,
      sql`update verifier_leases set holder = null, expires_at = ${t} where holder = ${instanceId} and ${kept} returning slice`,
    );
    await tx.execute(sql`delete from verifier_instances where id = ${instanceId}`);
    return released.length;
  });
}

/**
 * For a database only this process can open (the embedded PGlite): claims left by an earlier run
 * of the app belong to no one alive, so they are dropped instead of waited out.
 */
export async function forgetOtherVerifiers(db: Database, instanceId: string, at?: Date): Promise<void> {
  const t = clock(at);
  await db.transaction(async (tx) => {
    await tx.execute(sql`update verifier_leases set holder = null, expires_at = ${t} where holder is distinct from ${instanceId}`);
    await tx.execute(sql`delete from verifier_instances where id <> ${instanceId}`);
  });
}

export interface LeaseHolding {
  workshopId: string;
  slice: number;
  holder: string | null;
  acquiredAt: Date | null;
  expiresAt: Date;
}

/** Who holds what, for diagnostics and tests. */
export async function listVerifierLeases(db: Database): Promise<LeaseHolding[]> {
  const result = await rows<LeaseRow & { acquired_at: Date | string | null }>(
    db,
    sql`select workshop_id, slice, holder, acquired_at, expires_at from verifier_leases order by workshop_id, slice`,
  );
  return result.map((row) => ({
    workshopId: row.workshop_id,
    slice: Number(row.slice),
    holder: row.holder,
    acquiredAt: row.acquired_at === null ? null : new Date(row.acquired_at),
    expiresAt: new Date(row.expires_at),
  }));
}
