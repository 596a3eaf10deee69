import 'server-only';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { probeClusterStatus } from '../cluster/probe';
import { connectionFacts } from '../connections/cluster-facts';
import { explainPracticeFailure } from '../connections/practice';
import { snapshotOf, viewOf } from '../connections/service';
import { recordedStatus, storedStatus, statusWriteDue, type RecordedStatus } from '../connections/status-record';
import { recordConnectionError, recordConnectionStatuses, type ClusterConnection, type Database, type StatusRecord } from '../db';
import { perDatabase } from '../db/prepared';
import { WriteBatcher } from '../db/write-batcher';
import type { AppContext } from '../server/context';
import { clusterStatusPanel, type ClusterPanelDto } from './cluster-status.contract';
import { panelReader, readPanel } from './read';

/**
 * `GET /api/panels/cluster-status`: the chapter 1 status card. One probe per connection per 2 s
 * however many tabs ask; without a connection the card offers the connect form, and a failed probe
 * keeps the connection and says why.
 */

/** What this process last stored of each connection's status (`lib/connections/status-record.ts`). */
const recordedStatuses = new LRUCache<string, RecordedStatus>({ max: 20_000 });

/** How long a status write waits for others to go with it. */
const STATUS_GATHER_MS = 1_000;
let statusGatherMs = STATUS_GATHER_MS;

/** Tests: how long status writes wait from now on (a long wait keeps them waiting while a test looks; none given: the usual second). */
export function gatherStatusWritesFor(ms = STATUS_GATHER_MS): void {
  statusGatherMs = ms;
}

/**
 * The statuses due, gathered for a second and written in one statement per database: a class's
 * pages come back together after a break, and each card's rewrite (due after one to two quiet
 * minutes) was a transaction of its own that the pages' reads queued behind. The board shows a
 * status up to a second later; a failed write is forgotten here, so the next poll writes it again.
 */
const statusWrites = perDatabase(
  (db) =>
    new WriteBatcher<string, StatusRecord>({
      get waitMs() {
        return statusGatherMs;
      },
      write: async (batch) => {
        await recordConnectionStatuses(db, [...batch.values()]);
      },
      onError: (_error, batch) => {
        for (const connectionId of batch.keys()) recordedStatuses.delete(connectionId);
      },
    }),
);

/**
 * An error recorded now must not be followed by an older success still waiting: the board calls
 * a connection failing when its last error is newer than its last status. The status is then not
 * remembered as written, so the next successful probe writes it.
 */
function dropWaitingStatus(db: Database, connectionId: string): void {
  statusWrites(db).drop(connectionId);
  recordedStatuses.delete(connectionId);
}

/** Writes the statuses waiting to be gathered now (tests). */
export async function flushStatusWrites(db: Database): Promise<void> {
  await statusWrites(db).flush();
}

function recordStatusIfNew(ctx: AppContext, connection: ClusterConnection, snapshot: ReturnType<typeof snapshotOf>): void {
  const last = recordedStatuses.get(connection.id) ?? storedStatus(connection);
  const now = Date.now();
  if (!statusWriteDue(last, snapshot, now)) {
    // Remembered with its wait, so the next polls neither read the row's again nor draw a new one.
    if (last && !recordedStatuses.has(connection.id)) recordedStatuses.set(connection.id, last);
    return;
  }
  recordedStatuses.set(connection.id, recordedStatus(snapshot, now));
  statusWrites(ctx.db).add(connection.id, { participantId: connection.participantId, connectionId: connection.id, status: snapshot });
}

export const clusterStatus = panelReader(clusterStatusPanel, {
  query: z.object({}),
  ttlMs: 2_000,
  async read({ client, connection, ctx }) {
    const status = await probeClusterStatus(client, { kibanaUrl: connection.kibanaUrl, facts: () => connectionFacts(client, connection.id) });
    recordStatusIfNew(ctx, connection, snapshotOf(status));
    return { connection: viewOf(connection), status, error: null };
  },
});

/** The card for one participant: also what `GET /api/cluster` answers. */
export function clusterStatusCard(ctx: AppContext, participantId: string, known: { connection?: ClusterConnection | null } = {}): Promise<ClusterPanelDto> {
  return readPanel(ctx, participantId, clusterStatus, {}, {
    connection: known.connection,
    disconnected: () => ({ connection: null, status: null, error: null, checkedAt: new Date().toISOString() }),
    async failed(failure, connection) {
      // A practice deployment that is gone says so (and offers to recreate it), not "wrong password".
      const error = await explainPracticeFailure(ctx, connection, failure);
      dropWaitingStatus(ctx.db, connection.id);
      await recordConnectionError(ctx.db, participantId, error.code, { connectionId: connection.id }).catch(() => undefined);
      return { connection: viewOf(connection), status: null, error: { code: error.code, params: error.publicParams }, checkedAt: new Date().toISOString() };
    },
  });
}
