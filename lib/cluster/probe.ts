import 'server-only';
import { AppError, type ErrorCode, type ErrorParams } from '../errors';
import type { CallOptions, ClusterClient, NodeSummary } from './adapter';

/**
 * The cluster status of chapter 1 (ES-REFERENCE 11): version, name, health, nodes and their
 * roles, whether a machine learning node exists, licence, Kibana link. Partial answers are normal
 * (a user without `monitor` cannot read nodes), so each part may be null with an issue saying
 * why; only an unreachable cluster fails the whole status.
 */
export interface ClusterStatus {
  version: string;
  major: number;
  versionExact: boolean;
  client: 'es7' | 'es8';
  clusterName: string | null;
  clusterUuid: string | null;
  health: {
    status: 'green' | 'yellow' | 'red';
    numberOfNodes: number;
    numberOfDataNodes: number;
    activeShardsPercent: number | null;
    unassignedShards: number;
  } | null;
  nodes: { name: string; roles: string[]; ml: boolean }[] | null;
  /** Null when the nodes could not be read. */
  mlNode: boolean | null;
  licence: {
    type: string;
    status: string;
    expiresAt: string | null;
    /** From `_xpack` features: whether the licence allows them (null if unknown). */
    watcher: boolean | null;
    ml: boolean | null;
  } | null;
  kibanaUrl: string | null;
  /** What the reader should know, as error codes the UI describes (red cluster, basic licence, no ML node, missing privilege). */
  issues: { code: ErrorCode; params?: ErrorParams }[];
  checkedAt: string;
}

export interface StatusOptions extends CallOptions {
  kibanaUrl: string | null;
  now?: () => Date;
}

/** Errors that mean the cluster cannot be talked to at all, rather than one part is hidden. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'dns_failed',
  'tls_failed',
  'timeout',
  'unauthorized',
  'endpoint_not_allowed',
  'cluster_unavailable',
  'not_elasticsearch',
  'rate_limited',
  'internal',
]);

const LICENCES_WITH_ML: ReadonlySet<string> = new Set(['trial', 'platinum', 'enterprise']);

/**
 * The parts of the status that change rarely — version and name, nodes and roles, licence and
 * features — read apart from health, so that a caller polling every few seconds may keep them a
 * while (a licence or node change shows on the next read) and ask the cluster only for its health.
 *
 * Two calls when the client knows the cluster's name (it was opened with `GET /`): `_nodes`, and
 * `_xpack`, which carries the licence's type, status and expiry beside the features (ES-REFERENCE
 * §11 step 4; the same `monitor` privilege as `_license`), so `_license` is not asked as well.
 */
export interface ClusterFacts {
  /** Null when the client already knew the name (`ClusterClient.identity`, from the `GET /` that opened it). */
  info: PromiseSettledResult<Awaited<ReturnType<ClusterClient['info']>> | null>;
  nodes: PromiseSettledResult<NodeSummary[]>;
  xpack: PromiseSettledResult<Awaited<ReturnType<ClusterClient['xpackInfo']>>>;
}

export async function readClusterFacts(client: ClusterClient, options: CallOptions = {}): Promise<ClusterFacts> {
  const call: CallOptions = { timeoutMs: options.timeoutMs, signal: options.signal };
  const [info, nodes, xpack] = await Promise.allSettled([
    client.identity ? Promise.resolve(null) : client.info(call),
    client.nodes(call),
    client.xpackInfo(call),
  ]);
  return { info, nodes, xpack };
}

/** Whether every part was read: only complete facts are worth keeping (a failure is read again). */
export function factsComplete(facts: ClusterFacts): boolean {
  return Object.values(facts).every((part: PromiseSettledResult<unknown>) => part.status === 'fulfilled');
}

/** A part of the facts, or its failure thrown: for callers that need it (a checkpoint's pending reason). */
export function factOrThrow<T>(part: PromiseSettledResult<T>): T {
  if (part.status === 'rejected') throw part.reason;
  return part.value;
}

export async function probeClusterStatus(
  client: ClusterClient,
  options: StatusOptions & { facts?: () => Promise<ClusterFacts> },
): Promise<ClusterStatus> {
  const call: CallOptions = { timeoutMs: options.timeoutMs, signal: options.signal };
  const [facts, [health]] = await Promise.all([
    options.facts ? options.facts() : readClusterFacts(client, options),
    Promise.allSettled([client.health({}, call)]),
  ]);
  const { info, nodes, xpack } = facts;

  const issues: ClusterStatus['issues'] = [];
  const value = <T>(result: PromiseSettledResult<T>): T | null => {
    if (result.status === 'fulfilled') return result.value;
    const error = result.reason instanceof AppError ? result.reason : new AppError('internal', { detail: String(result.reason) });
    if (FATAL.has(error.code)) throw error;
    if (!issues.some((issue) => issue.code === error.code)) issues.push({ code: error.code, params: error.publicParams });
    return null;
  };

  const infoBody = value(info);
  const healthBody = value(health);
  const nodeList = value(nodes);
  const xpackBody = value(xpack);

  const healthStatus = healthBody?.status;
  const status: ClusterStatus['health'] =
    healthBody && (healthStatus === 'green' || healthStatus === 'yellow' || healthStatus === 'red')
      ? {
          status: healthStatus,
          numberOfNodes: healthBody.number_of_nodes,
          numberOfDataNodes: healthBody.number_of_data_nodes,
          activeShardsPercent: toNumber(healthBody.active_shards_percent_as_number),
          unassignedShards: healthBody.unassigned_shards,
        }
      : null;
  if (status?.status === 'red') issues.unshift({ code: 'cluster_unavailable', params: { reason: 'red' } });

  const nodeSummaries = nodeList?.map((node) => ({ name: node.name, roles: [...(node.roles ?? [])].sort(), ml: isMlNode(node) })) ?? null;
  const mlNode = nodeSummaries === null ? null : nodeSummaries.some((node) => node.ml);
  if (mlNode === false) issues.push({ code: 'no_ml_node' });

  const licenceInfo = xpackBody?.license;
  const features = xpackBody?.features as Record<string, { available?: boolean } | undefined> | undefined;
  const licenceStatus: ClusterStatus['licence'] = licenceInfo
    ? {
        type: licenceInfo.type,
        status: licenceInfo.status,
        expiresAt: expiry(licenceInfo.expiry_date_in_millis),
        watcher: features?.watcher?.available ?? null,
        ml: features?.ml?.available ?? null,
      }
    : null;
  if (licenceStatus && (licenceStatus.status !== 'active' || !LICENCES_WITH_ML.has(licenceStatus.type))) {
    issues.push({ code: 'licence_required', params: { licence: licenceStatus.type } });
  }

  return {
    version: client.version.number,
    major: client.version.major,
    versionExact: client.version.exact,
    client: client.flavour,
    clusterName: client.identity?.clusterName ?? infoBody?.cluster_name ?? healthBody?.cluster_name ?? null,
    clusterUuid: client.identity?.clusterUuid ?? infoBody?.cluster_uuid ?? null,
    health: status,
    nodes: nodeSummaries,
    mlNode,
    licence: licenceStatus,
    kibanaUrl: options.kibanaUrl,
    issues,
    checkedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
}

/** For callers that need a usable cluster (e.g. checkpoints): a red cluster is unavailable. */
export function assertClusterUsable(status: ClusterStatus): void {
  if (status.health?.status === 'red') throw new AppError('cluster_unavailable', { params: { reason: 'red' } });
}

/**
 * 7.x and later list `ml` in `roles`; very old 7.x nodes without `roles` advertise an ML node
 * through the `ml.machine_memory`/`ml.max_open_jobs` attributes only ML-capable nodes carry.
 */
export function isMlNode(node: NodeSummary): boolean {
  if (Array.isArray(node.roles)) return node.roles.includes('ml');
  const attributes = node.attributes ?? {};
  return attributes['ml.enabled'] === 'true' || attributes['ml.max_open_jobs'] !== undefined;
}

function toNumber(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

function expiry(millis: unknown): string | null {
  const number = toNumber(millis);
  return number === null ? null : new Date(number).toISOString();
}
