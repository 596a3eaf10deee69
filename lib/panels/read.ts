import 'server-only';
import type { z } from 'zod';
import type { ClusterClient } from '../cluster/adapter';
import { coalesceKey, microCache, type MicroCacheOptions } from '../cluster/coalesce';
import { fromResponse, translateClusterError } from '../cluster/errors';
import { connectionKey, participantCluster } from '../connections/service';
import { getConnection, type ClusterConnection } from '../db';
import { AppError, toAppError } from '../errors';
import { isObject, msearchLines, type SearchRequest } from '../queries/common';
import type { AppContext } from '../server/context';
import type { PanelContract, PanelQuery, PanelReading } from './contract';

/**
 * One way to read a panel, the same for every panel (CONVENTIONS 12):
 *
 *   route (session, `readQuery(request, reader.query)`)
 *     -> readPanel: the participant's connection (read once)
 *     -> coalesced, micro-cached read keyed by (connection, panel, params): one cluster call per
 *        window however many tabs ask, failures included
 *     -> the reader's `read` (a `lib/queries` builder and parser, through `searchCluster`)
 *     -> any error translated once (`lib/cluster/errors.ts`)
 *     -> the DTO, stamped with `checkedAt`.
 *
 * How to add a panel (chapter 4 `watches`, chapter 5 `ml-anomalies`):
 * 1. `lib/queries/<panel>.ts`: pure `build…Request` / `parse…` functions, tested on the practice
 *    engine (`lib/queries/testing/lab-engine.ts`).
 * 2. `lib/panels/<panel>.contract.ts` (client-safe): `export const <panel>Panel =
 *    panelContract<Query, Dto>('<panel>', 5_000)` with the DTO type and any constants the
 *    component needs (ranges, limits).
 * 3. `lib/panels/<panel>.ts` (server): `export const <panel> = panelReader(<panel>Panel, { query:
 *    z.object({...}), ttlMs, read: async ({ client, connection, now }, query) => dto })`.
 * 4. `app/api/panels/<panel>/route.ts`:
 *      export const GET = handle(async (request) => {
 *        const { participant, ctx } = await requireCaller();
 *        return json(await readPanel(ctx, participant.id, <panel>, readQuery(request, <panel>.query)));
 *      });
 * 5. The component: `usePanel(<panel>Panel, query)` from `lib/client/use-panel.ts`.
 */

/** What a reader reads with: the participant's cluster, their connection (never its credentials), the read's clock. */
export interface PanelSource {
  client: ClusterClient;
  connection: ClusterConnection;
  /** Epoch ms of this read: build and parse with the same value. */
  now: number;
  ctx: AppContext;
}

export interface PanelReader<Q extends PanelQuery, P, T extends PanelReading> {
  contract: PanelContract<Q, T>;
  /** The route's query string, validated (`readQuery`); limits come from the contract's constants. */
  query: z.ZodType<P, z.ZodTypeDef, unknown>;
  /** How long one answer serves every tab asking the same (connection, params); at most the refresh. */
  ttlMs: number;
  /** Reads the cluster; throw freely, errors are translated by `readPanel`. `checkedAt` is added. */
  read(source: PanelSource, params: P): Promise<Omit<T, 'checkedAt'>>;
  /** Whether an answer is kept for the window (default: always), e.g. only a complete one. */
  keep?: MicroCacheOptions<T>['keep'];
}

export function panelReader<Q extends PanelQuery, P, T extends PanelReading>(
  contract: PanelContract<Q, T>,
  definition: Omit<PanelReader<Q, P, T>, 'contract'>,
): PanelReader<Q, P, T> {
  return { contract, ...definition };
}

/** The single-flight micro-cache; tests pass their own with a manual clock. */
export interface PanelCache {
  microCache<T>(key: string, ttlMs: number, fn: () => Promise<T>, options?: MicroCacheOptions<T>): Promise<T>;
}

export interface ReadPanelOptions<T> {
  /** The participant has no cluster: this answer instead of `not_connected`. */
  disconnected?: () => T;
  /** The read failed: this answer instead of the error (e.g. the status card keeps the connection and says why). */
  failed?: (error: AppError, connection: ClusterConnection) => Promise<T>;
  cache?: PanelCache;
  now?: () => number;
  /**
   * The participant's connection row (null: none) when the caller has already read it: the page
   * channel reads it once for all the panels of a page instead of once per panel.
   */
  connection?: ClusterConnection | null;
}

const sharedCache: PanelCache = { microCache };

/** The cache key of one read: invalidating `connectionKey(id)` (reconnect, practice action) drops it. */
export function panelKey(connectionId: string, panelId: string, params: unknown): string {
  return connectionKey(connectionId, 'panel:', panelId, ':', coalesceKey(params));
}

export async function readPanel<Q extends PanelQuery, P, T extends PanelReading>(
  ctx: AppContext,
  participantId: string,
  reader: PanelReader<Q, P, T>,
  params: P,
  options: ReadPanelOptions<T> = {},
): Promise<T> {
  // The full row stays on the server: a cache miss opens the client with it, without a second read.
  const connection = options.connection !== undefined ? options.connection : await getConnection(ctx.db, participantId);
  if (!connection) {
    if (options.disconnected) return options.disconnected();
    throw new AppError('not_connected');
  }
  const cache = options.cache ?? sharedCache;
  const now = options.now ?? Date.now;
  try {
    return await cache.microCache(
      panelKey(connection.id, reader.contract.id, params),
      reader.ttlMs,
      async () => {
        const at = now();
        try {
          const { client } = await participantCluster(ctx, participantId, connection);
          const dto = await reader.read({ client, connection, now: at, ctx }, params);
          return { ...dto, checkedAt: new Date(at).toISOString() } as T;
        } catch (error) {
          throw translateClusterError(error);
        }
      },
      { keep: reader.keep },
    );
  } catch (error) {
    if (options.failed) return options.failed(toAppError(error), connection);
    throw error;
  }
}

/** One `_search`; index patterns that match nothing answer empty rather than fail (see `searchRequest`). */
export function searchCluster(client: ClusterClient, request: SearchRequest, timeoutMs: number): Promise<unknown> {
  return client.search(request.index, request.body, {
    querystring: { ignore_unavailable: request.ignore_unavailable, allow_no_indices: request.allow_no_indices },
    timeoutMs,
  });
}

/**
 * Several searches in one round trip; `responses[i]` answers `requests[i]`. One failed search fails
 * the read with that search's reason (e.g. a missing privilege on one index pattern).
 */
export async function msearchCluster(client: ClusterClient, requests: SearchRequest[], timeoutMs: number): Promise<unknown[]> {
  const answer = await client.request<{ responses?: unknown[] }>({ method: 'POST', path: '/_msearch', bulkBody: msearchLines(requests) }, { timeoutMs });
  const responses = answer.responses ?? [];
  for (const item of responses) {
    if (isObject(item) && isObject(item.error)) throw fromResponse(typeof item.status === 'number' ? item.status : 500, item);
  }
  return responses;
}
