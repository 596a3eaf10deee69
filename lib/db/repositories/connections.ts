import 'server-only';
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { perDatabase } from '../prepared';
import {
  type ClusterConnection,
  clusterConnections,
  type ConnectionAuthType,
  type ConnectionKind,
  type ConnectionStatusSnapshot,
} from '../schema';
import type { Database } from '../types';

export interface ConnectionInput {
  kind: ConnectionKind;
  /** The Elasticsearch URL, without credentials. */
  endpoint: string;
  cloudIdLabel?: string | null;
  kibanaUrl?: string | null;
  authType: ConnectionAuthType;
  /** Ciphertext made by lib/crypto; stored and returned exactly as given. */
  encryptedCredentials: string;
  credentialsVersion?: number;
  practiceDeploymentId?: string | null;
}

/** A connection as anyone but the cluster client may see it: everything except the credentials. */
export type ConnectionSummary = Omit<ClusterConnection, 'encryptedCredentials'>;

const { encryptedCredentials: _credentials, ...summaryColumns } = getTableColumns(clusterConnections);

/**
 * Stores the participant's one connection, replacing any earlier one. The row gets a new id each
 * time, so a client cached or a probe started for the old credentials can tell it is stale.
 */
export async function upsertConnection(db: Database, participantId: string, input: ConnectionInput): Promise<ClusterConnection> {
  const values = {
    kind: input.kind,
    endpoint: input.endpoint,
    cloudIdLabel: input.cloudIdLabel ?? null,
    kibanaUrl: input.kibanaUrl ?? null,
    authType: input.authType,
    encryptedCredentials: input.encryptedCredentials,
    credentialsVersion: input.credentialsVersion ?? 1,
    practiceDeploymentId: input.practiceDeploymentId ?? null,
  };
  const [row] = await db
    .insert(clusterConnections)
    .values({ participantId, ...values })
    .onConflictDoUpdate({
      target: clusterConnections.participantId,
      set: {
        ...values,
        id: sql`gen_random_uuid()`,
        lastStatus: null,
        lastStatusAt: null,
        lastErrorCode: null,
        lastErrorAt: null,
        connectedAt: sql`now()`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

/** With the encrypted credentials: for the code that builds the cluster client, nothing else. */
const connectionOf = perDatabase((db) =>
  db
    .select()
    .from(clusterConnections)
    .where(eq(clusterConnections.participantId, sql.placeholder('participantId')))
    .prepare('lab_connection_of_participant'),
);

/** Read on every page poll: a prepared query (lib/db/prepared.ts). */
export async function getConnection(db: Database, participantId: string): Promise<ClusterConnection | undefined> {
  const [row] = await connectionOf(db).execute({ participantId });
  return row;
}

export async function getConnectionSummary(db: Database, participantId: string): Promise<ConnectionSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(clusterConnections)
    .where(eq(clusterConnections.participantId, participantId));
  return row;
}

export interface RecordGuard {
  /** Only record when the stored connection still has this id (it was not replaced meanwhile). */
  connectionId?: string;
}

function target(participantId: string, guard: RecordGuard) {
  return and(
    eq(clusterConnections.participantId, participantId),
    guard.connectionId ? eq(clusterConnections.id, guard.connectionId) : undefined,
  );
}

/** Keeps what the last successful probe found. The last error stays, with its own time. */
export async function recordConnectionStatus(
  db: Database,
  participantId: string,
  status: ConnectionStatusSnapshot,
  guard: RecordGuard = {},
): Promise<boolean> {
  const rows = await db
    .update(clusterConnections)
    .set({ lastStatus: status, lastStatusAt: sql`now()`, updatedAt: sql`now()` })
    .where(target(participantId, guard))
    .returning({ id: clusterConnections.id });
  return rows.length > 0;
}

export interface StatusRecord {
  participantId: string;
  /** The connection the probe used: a status does not land on a newer connection. */
  connectionId: string;
  status: ConnectionStatusSnapshot;
}

/**
 * Many connections' statuses in one statement (the status card's rewrites, gathered by
 * lib/panels/cluster-status.ts); each row only if it is still the connection that was probed.
 * Returns the ids of the connections written.
 */
export async function recordConnectionStatuses(db: Database, records: readonly StatusRecord[]): Promise<string[]> {
  if (records.length === 0) return [];
  const values = sql.join(
    records.map((record) => sql`(${record.participantId}::uuid, ${record.connectionId}::uuid, ${JSON.stringify(record.status)}::jsonb)`),
    sql`, `,
  );
  const result = (await db.execute(sql`
    update ${clusterConnections}
    set last_status = probed.status, last_status_at = now(), updated_at = now()
    from (values ${values}) as probed(participant_id, id, status)
    where ${clusterConnections.participantId} = probed.participant_id and ${clusterConnections.id} = probed.id
    returning ${clusterConnections.id}
  `)) as unknown as { rows: { id: string }[] };
  return result.rows.map((row) => row.id);
}

/** `code` is one of the app's error codes (`unauthorized`, `timeout`, ...), never a raw message. */
export async function recordConnectionError(
  db: Database,
  participantId: string,
  code: string,
  guard: RecordGuard = {},
): Promise<boolean> {
  const rows = await db
    .update(clusterConnections)
    .set({ lastErrorCode: code, lastErrorAt: sql`now()`, updatedAt: sql`now()` })
    .where(target(participantId, guard))
    .returning({ id: clusterConnections.id });
  return rows.length > 0;
}

/** Forgets the participant's credentials (Disconnect). */
export async function deleteConnection(db: Database, participantId: string): Promise<boolean> {
  const rows = await db
    .delete(clusterConnections)
    .where(eq(clusterConnections.participantId, participantId))
    .returning({ id: clusterConnections.id });
  return rows.length > 0;
}
