import 'server-only';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { probeClusterStatus } from '../cluster/probe';
import { connectionFacts } from '../connections/cluster-facts';
import { explainPracticeFailure } from '../connections/practice';
import { snapshotOf, viewOf } from '../connections/service';
import { recordedStatus, storedStatus, statusWriteDue, type RecordedStatus } from '../connections/status-record';
import { recordConnectionError, recordConnectionStatus, type ClusterConnection } from '../db';
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

async function recordStatusIfNew(ctx: AppContext, connection: ClusterConnection, snapshot: ReturnType<typeof snapshotOf>): Promise<void> {
  const last = recordedStatuses.get(connection.id) ?? storedStatus(connection);
  const now = Date.now();
  if (!statusWriteDue(last, snapshot, now)) {
    // Remembered with its wait, so the next polls neither read the row's again nor draw a new one.
    if (last && !recordedStatuses.has(connection.id)) recordedStatuses.set(connection.id, last);
    return;
  }
  await recordConnectionStatus(ctx.db, connection.participantId, snapshot, { connectionId: connection.id });
  recordedStatuses.set(connection.id, recordedStatus(snapshot, now));
}

export const clusterStatus = panelReader(clusterStatusPanel, {
  query: z.object({}),
  ttlMs: 2_000,
  async read({ client, connection, ctx }) {
    const status = await probeClusterStatus(client, { kibanaUrl: connection.kibanaUrl, facts: () => connectionFacts(client, connection.id) });
    await recordStatusIfNew(ctx, connection, snapshotOf(status));
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
      await recordConnectionError(ctx.db, participantId, error.code, { connectionId: connection.id }).catch(() => undefined);
      return { connection: viewOf(connection), status: null, error: { code: error.code, params: error.publicParams }, checkedAt: new Date().toISOString() };
    },
  });
}
