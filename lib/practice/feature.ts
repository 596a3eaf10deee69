import type { Clock } from './clock';
import type { Engine, Flavor } from './engine/api';
import type { FlavourInfo } from './flavours';
import type { FeatureLicense, LicenseState } from './license';
import type { ClusterAction } from './security';
import type { EsContext, EsReply } from './server/context';
import type { ControlContext, ControlReply } from './server/control-api';

/**
 * How the practice cluster grows: like Elasticsearch's plugins, a feature (the simulated host,
 * Watcher, ML) brings its REST routes, its tick on the one shared scheduler, its licence and its
 * memory estimate, and tenancy, HTTP routing, security and the document engine stay as they are.
 *
 * Adding a feature is one definition and one line:
 *
 *   // lib/practice/watcher/feature.ts
 *   export const watcherFeature = defineFeature<WatcherService>({
 *     name: 'watcher',
 *     license: { feature: 'watcher', minimum: 'standard' },
 *     routes(r, flavor) {
 *       r.add('PUT', '/_watcher/watch/{id}', (ctx, watcher) => ({ body: watcher.put(ctx) }), { cluster: MANAGE_WATCHER });
 *       r.add('DELETE', '/_watcher/watch/{id}', (ctx, watcher) => ..., { licensed: false });
 *     },
 *     controlRoutes(r) {
 *       r.add('GET', '/outbox', (ctx, watcher) => ({ body: watcher.outbox() }));
 *     },
 *     create: (ctx) => new WatcherService(ctx),
 *   });
 *   // lib/practice/features.ts: PRACTICE_FEATURES = [hostFeature, watcherFeature]
 *
 * Rules a feature follows:
 * - State lives where Elasticsearch keeps it, in ordinary (hidden) indices of the deployment's
 *   engine (`.watches`, `.watcher-history-*`, `.ml-config`, `.ml-anomalies-*`), written and read
 *   through `ctx.engine`. Panels then read a practice and a real cluster the same way, and the
 *   engine's durability covers the feature. What an index cannot hold (a Beat's registry on the
 *   VM) goes through `snapshot()` / `restore()`.
 * - `tick(now)` is called about once a second by the shared scheduler (and by tests after moving
 *   a ManualClock): catch up to `now`, which may have jumped by hours; never own a timer. Return
 *   `active === false` while there is nothing to do. Ticks are not learner activity.
 * - A route's handler gets the request (`EsContext`: deployment, principal, body, query) and this
 *   deployment's instance of the feature. Before it runs, the route's cluster privilege (if given)
 *   and then the feature's licence are checked, in Elasticsearch's order (security filter, then the
 *   action's licence check); `licensed: false` exempts a route. Errors are thrown as `EsError`.
 * - Features run on the HTTP server's thread: keep each tick and request bounded.
 */

/** What a feature instance is given: its deployment's engine, clock, flavour and licence. */
export interface FeatureContext {
  readonly deploymentId: string;
  readonly flavor: Flavor;
  readonly info: FlavourInfo;
  /** The deployment's node id, node name and cluster name, as `_nodes` and `GET /` answer them (Watcher writes them into records, ML names the node that runs a job). */
  readonly nodeId: string;
  readonly nodeName: string;
  readonly clusterName: string;
  /** The deployment's indices: where the feature keeps its state. */
  readonly engine: Engine;
  readonly clock: Clock;
  readonly createdAt: number;
  /** The deployment's licence now (it changes with `_license/start_basic` and the control API). */
  license(): LicenseState;
  /** Whether that licence allows this feature at `now` (always true for a feature without a licence). */
  licensed(now?: number): boolean;
  /** The practice cluster's log (stderr of the server), for faults a learner cannot see. */
  log(message: string): void;
}

/** One deployment's instance of a feature. */
export interface PracticeFeature {
  /** The definition's name. */
  readonly name: string;
  /** `false` lets the scheduler skip the tick (idle features cost nothing); absent means always ticked. */
  readonly active?: boolean;
  /** Catch up with the clock: run due schedules, write due documents. */
  tick?(now: number): void;
  /** Bytes held outside the engine's indices (caches, buffers), for the memory bound of a deployment. */
  approximateBytes(): number;
  /** The deployment is deleted or reclaimed: stop, drop buffers. The instance is not used again. */
  dispose(): void;
  /** Shown under the feature's name in `GET /_practice/deployments/{id}`. */
  state?(): unknown;
  /** JSON of the state that is not in the engine's indices; omit when the indices hold it all. */
  snapshot?(): unknown;
  /** After the engine's indices are restored: take back `snapshot()`'s value and rebuild caches from the indices. */
  restore?(snapshot: unknown): void;
}

export interface FeatureRouteOptions {
  /** The cluster privilege the route needs (`security.ts` CLUSTER_ACTIONS style), checked before the licence. */
  cluster?: ClusterAction;
  /** `false`: the route answers whatever the licence (as Elasticsearch still deletes a watch on an expired licence). */
  licensed?: boolean;
}

export type FeatureEsHandler<F> = (ctx: EsContext, feature: F) => EsReply | Promise<EsReply>;
export type FeatureControlHandler<F> = (ctx: ControlContext, feature: F) => ControlReply | Promise<ControlReply>;

export interface FeatureRouteTable<F> {
  /** An Elasticsearch REST route, with Elasticsearch's path pattern (`/_watcher/watch/{id}`). */
  add(methods: string | readonly string[], pattern: string, handler: FeatureEsHandler<F>, options?: FeatureRouteOptions): void;
}

export interface FeatureControlRouteTable<F> {
  /** A control API route under `/_practice/deployments/{id}` (`/outbox`), only for that deployment's `elastic` user. */
  add(methods: string | readonly string[], subpath: string, handler: FeatureControlHandler<F>): void;
}

export interface FeatureDefinition<F extends PracticeFeature = PracticeFeature> {
  /** Unique among features: `host`, `watcher`, `ml`. */
  readonly name: string;
  /** The licence the feature's routes and ticks need; none for basic features. */
  readonly license?: FeatureLicense;
  /** Registers the Elasticsearch routes, once per server and flavour; a handler gets the deployment's instance. */
  routes?(r: FeatureRouteTable<F>, flavor: Flavor): void;
  /** Registers control API routes (the practice cluster's own, not Elasticsearch's), once per server. */
  controlRoutes?(r: FeatureControlRouteTable<F>): void;
  /** A new instance for a new deployment. */
  create(ctx: FeatureContext): F;
}

/** Identity, for type inference of the instance type in `routes` and `create`. */
export function defineFeature<F extends PracticeFeature>(definition: FeatureDefinition<F>): FeatureDefinition<F> {
  return definition;
}

// What a feature's code usually needs, in one import.
export { EsError } from './engine/api';
export { licenseAllows, licenseNonCompliant, type FeatureLicense, type LicenseLevel, type LicenseState } from './license';
export { CLUSTER_ACTIONS, INDEX_ACTIONS, type ClusterAction, type IndexAction } from './security';
export { authorizeTarget, NO_AUTHORISED_INDEX, requireCluster, requireIndex } from './server/authz';
export type { EsContext, EsReply } from './server/context';
export { ControlError, controlBody, type ControlContext, type ControlReply } from './server/control-api';
export { parseJsonObject } from './server/http-utils';
export { boolParam, intParam, parseTimeValue } from './server/params';
