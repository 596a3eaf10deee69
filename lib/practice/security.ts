import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EsError } from './engine/api';
import { globMatch as globMatchEngine } from './engine/wildcard';

/**
 * Users, API keys and privileges of a practice deployment: the subset of Elasticsearch security the
 * lab touches. The deployment's `elastic` user is a superuser. An API key without role
 * descriptors has its owner's rights; with role descriptors it has their union, intersected with
 * the owner's (a superuser's, so: the descriptors).
 */

export interface IndexPrivilegeGroup {
  names: string[];
  privileges: string[];
}

export interface RoleDescriptor {
  cluster: string[];
  indices: IndexPrivilegeGroup[];
  [k: string]: unknown;
}

export interface ApiKey {
  id: string;
  name: string;
  secretHash: Buffer;
  creation: number;
  expiration: number | null;
  invalidated: boolean;
  invalidation: number | null;
  username: string;
  realm: string;
  metadata: Record<string, unknown>;
  /** Raw descriptors as given, for GET _security/api_key. */
  roleDescriptorsJson: Record<string, unknown>;
  roleDescriptors: RoleDescriptor[] | null;
}

export type Principal = { kind: 'user'; username: string } | { kind: 'api_key'; username: string; key: ApiKey };

export const WWW_AUTHENTICATE = ['Basic realm="security" charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];

export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'api_key'; id: string; secret: string }
  | { kind: 'bearer' }
  | { kind: 'malformed' };

/** Reads the Authorization header; undefined when there is none. */
export function parseAuthorization(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'malformed' };
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (scheme === 'apikey') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'malformed' };
    return { kind: 'api_key', id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  if (scheme === 'bearer') return { kind: 'bearer' };
  return { kind: 'malformed' };
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string over [A-Za-z0-9] (rejection sampling, so uniform). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += URL_SAFE[byte % 62];
    }
  }
  return out;
}

/** ES API key ids and secrets are URL-safe base64 without padding (20 and 22 characters). */
export function randomApiKeyPart(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function secretMatches(key: ApiKey, secret: string): boolean {
  const candidate = hashSecret(secret);
  return candidate.length === key.secretHash.length && timingSafeEqual(candidate, key.secretHash);
}

// ---------------------------------------------------------------------------------------------
// Errors

export function authenticationError(reason: string, extra: Record<string, unknown> = {}): EsError {
  return new EsError(401, 'security_exception', reason, { ...extra, header: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
}

function principalPhrase(principal: Principal): string {
  return principal.kind === 'api_key'
    ? `API key id [${principal.key.id}] of user [${principal.username}]`
    : `user [${principal.username}] with effective roles [superuser]`;
}

export function clusterForbidden(principal: Principal, action: string, granting: readonly string[]): EsError {
  return new EsError(
    403,
    'security_exception',
    `action [${action}] is unauthorized for ${principalPhrase(principal)}, this action is granted by the cluster privileges [${granting.join(',')}]`,
  );
}

export function indexForbidden(principal: Principal, action: string, indices: string[], granting: readonly string[]): EsError {
  const on = indices.length > 0 ? ` on indices [${indices.join(',')}]` : '';
  return new EsError(
    403,
    'security_exception',
    `action [${action}] is unauthorized for ${principalPhrase(principal)}${on}, this action is granted by the index privileges [${granting.join(',')}]`,
  );
}

// ---------------------------------------------------------------------------------------------
// Role descriptors

function toStringList(value: unknown, what: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new EsError(400, 'parse_exception', `failed to parse role descriptor: [${what}] must be a string or an array of strings`);
}

/** Parses `role_descriptors` of a create-API-key request (`index` is accepted for `indices`, as ES does). */
export function parseRoleDescriptors(value: unknown): { json: Record<string, unknown>; descriptors: RoleDescriptor[] | null } {
  if (value === undefined || value === null) return { json: {}, descriptors: null };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new EsError(400, 'parse_exception', 'failed to parse role descriptors: expected an object');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return { json: {}, descriptors: null };
  const descriptors: RoleDescriptor[] = [];
  const json: Record<string, unknown> = {};
  for (const [name, raw] of entries) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new EsError(400, 'parse_exception', `failed to parse role [${name}]. expected an object but found [${typeof raw}] instead`);
    }
    const r = raw as Record<string, unknown>;
    const cluster = r.cluster === undefined ? [] : toStringList(r.cluster, 'cluster');
    const rawIndices = r.indices ?? r.index ?? [];
    if (!Array.isArray(rawIndices)) throw new EsError(400, 'parse_exception', `failed to parse indices privileges for role [${name}]. expected field [indices] value to be an array`);
    const indices = rawIndices.map((group, i) => {
      if (typeof group !== 'object' || group === null) throw new EsError(400, 'parse_exception', `failed to parse indices privileges for role [${name}]: entry ${i} is not an object`);
      const g = group as Record<string, unknown>;
      if (g.names === undefined) throw new EsError(400, 'parse_exception', `failed to parse indices privileges for role [${name}]. missing required [names] field`);
      if (g.privileges === undefined) throw new EsError(400, 'parse_exception', `failed to parse indices privileges for role [${name}]. missing required [privileges] field`);
      const privileges = toStringList(g.privileges, 'privileges');
      for (const p of privileges) {
        if (!INDEX_PRIVILEGES.has(p) && !p.includes(':')) {
          throw new EsError(400, 'illegal_argument_exception', `unknown index privilege [${p}]. a privilege must be either one of the predefined fixed indices privileges [${[...INDEX_PRIVILEGES].sort().join(',')}] or a pattern over one of the available index actions`);
        }
      }
      return { names: toStringList(g.names, 'names'), privileges };
    });
    for (const p of cluster) {
      if (!CLUSTER_PRIVILEGES.has(p) && !p.includes(':')) {
        throw new EsError(400, 'illegal_argument_exception', `unknown cluster privilege [${p}]. a privilege must be either one of the predefined cluster privilege names [${[...CLUSTER_PRIVILEGES].sort().join(',')}] or a pattern over one of the available cluster actions`);
      }
    }
    descriptors.push({ cluster, indices });
    json[name] = {
      cluster,
      indices: indices.map((g) => ({ names: g.names, privileges: g.privileges, allow_restricted_indices: false })),
      applications: [],
      run_as: [],
      metadata: (r.metadata as Record<string, unknown> | undefined) ?? {},
      transient_metadata: { enabled: true },
    };
  }
  return { json, descriptors };
}

// ---------------------------------------------------------------------------------------------
// Privileges

/** Cluster privilege -> the privileges it implies (beyond itself). */
const CLUSTER_IMPLIES: Record<string, readonly string[]> = {
  manage: [
    'monitor',
    'manage_index_templates',
    'manage_ingest_pipelines',
    'manage_pipeline',
    'read_pipeline',
    'manage_ilm',
    'read_ilm',
    'manage_ml',
    'monitor_ml',
    'manage_watcher',
    'monitor_watcher',
    'manage_transform',
    'monitor_transform',
    'manage_slm',
    'read_slm',
    'monitor_snapshot',
    'create_snapshot',
  ],
  monitor: ['monitor_ml', 'monitor_watcher', 'monitor_transform', 'monitor_snapshot', 'monitor_rollup'],
  manage_security: ['manage_api_key', 'manage_own_api_key', 'read_security'],
  manage_api_key: ['manage_own_api_key'],
  manage_ingest_pipelines: ['manage_pipeline', 'read_pipeline'],
  manage_pipeline: ['read_pipeline'],
  manage_ilm: ['read_ilm'],
  manage_slm: ['read_slm'],
  manage_ml: ['monitor_ml'],
  manage_watcher: ['monitor_watcher'],
  manage_transform: ['monitor_transform'],
};

const CLUSTER_PRIVILEGES = new Set([
  'all',
  'none',
  'manage_own_api_key',
  'read_security',
  'create_snapshot',
  'monitor_rollup',
  'monitor_enrich',
  'manage_enrich',
  'manage_rollup',
  'manage_ccr',
  'read_ccr',
  'manage_token',
  'grant_api_key',
  'cross_cluster_replication',
  'cross_cluster_search',
  'manage_service_account',
  'manage_user_profile',
  'monitor_text_structure',
  'manage_logstash_pipelines',
  'manage_saml',
  'manage_oidc',
  'delegate_pki',
  'transport_client',
  'manage_autoscaling',
  'monitor_data_frame_transforms',
  'manage_data_frame_transforms',
  ...Object.keys(CLUSTER_IMPLIES),
  ...Object.values(CLUSTER_IMPLIES).flat(),
]);

const INDEX_IMPLIES: Record<string, readonly string[]> = {
  all: [],
  manage: ['monitor', 'view_index_metadata', 'create_index', 'delete_index', 'maintenance', 'manage_ilm', 'manage_follow_index', 'manage_data_stream_lifecycle', 'auto_configure'],
  write: ['index', 'create', 'create_doc', 'delete'],
  index: ['create', 'create_doc'],
  create: ['create_doc'],
};

const INDEX_PRIVILEGES = new Set([
  'all',
  'none',
  'read',
  'read_cross_cluster',
  'monitor',
  'view_index_metadata',
  'create_index',
  'delete_index',
  'maintenance',
  'manage',
  'manage_ilm',
  'manage_follow_index',
  'manage_leader_index',
  'manage_data_stream_lifecycle',
  'auto_configure',
  'write',
  'index',
  'create',
  'create_doc',
  'delete',
]);

function implies(table: Record<string, readonly string[]>, held: string, wanted: string): boolean {
  if (held === wanted || held === 'all') return true;
  const seen = new Set<string>();
  const queue = [held];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const child of table[next] ?? []) {
      if (child === wanted) return true;
      queue.push(child);
    }
  }
  return false;
}

/** Glob match as index patterns use it (`*` any run, `?` one character). */
export function globMatch(pattern: string, value: string): boolean {
  return globMatchEngine(pattern, value, { questionMark: true });
}

/** Whether every name `requested` can match is matched by `granted` (for has_privileges over patterns). */
function patternCovers(granted: string, requested: string): boolean {
  if (granted === '*' || granted === requested) return true;
  if (!/[*?]/.test(requested)) return globMatch(granted, requested);
  // A trailing-star grant covers a requested pattern that starts with its prefix.
  if (/^[^*?]*\*$/.test(granted)) return requested.startsWith(granted.slice(0, -1));
  return false;
}

/** What a principal may do. `null` descriptors mean a superuser. */
export class Permissions {
  constructor(private readonly descriptors: RoleDescriptor[] | null) {}

  static of(principal: Principal): Permissions {
    return new Permissions(principal.kind === 'api_key' ? principal.key.roleDescriptors : null);
  }

  get unrestricted(): boolean {
    return this.descriptors === null;
  }

  hasCluster(privilege: string): boolean {
    if (this.descriptors === null) return true;
    return this.descriptors.some((d) => d.cluster.some((held) => implies(CLUSTER_IMPLIES, held, privilege) || (held.includes(':') && globMatch(held, privilege))));
  }

  /** Any of `granting` on the concrete name (or on the data stream it belongs to). */
  hasIndex(name: string, granting: readonly string[], dataStream?: string): boolean {
    if (this.descriptors === null) return true;
    return this.descriptors.some((d) =>
      d.indices.some(
        (g) =>
          g.names.some((pattern) => globMatch(pattern, name) || (dataStream !== undefined && globMatch(pattern, dataStream))) &&
          g.privileges.some((held) => granting.some((want) => implies(INDEX_IMPLIES, held, want))),
      ),
    );
  }

  /** Whether any index privilege among `granting` is held at all (ES's fail-fast check before resolving names). */
  hasAnyIndex(granting: readonly string[]): boolean {
    if (this.descriptors === null) return true;
    return this.descriptors.some((d) => d.indices.some((g) => g.privileges.some((held) => granting.some((want) => implies(INDEX_IMPLIES, held, want)))));
  }

  /** has_privileges for one requested index pattern and privilege. */
  coversIndexPattern(requested: string, privilege: string): boolean {
    if (this.descriptors === null) return true;
    return this.descriptors.some((d) => d.indices.some((g) => g.names.some((granted) => patternCovers(granted, requested)) && g.privileges.some((held) => implies(INDEX_IMPLIES, held, privilege))));
  }
}

// ---------------------------------------------------------------------------------------------
// Actions: what each REST call needs, with the privileges that grant it (as ES names them in 403s)

export interface ClusterAction {
  action: string;
  granting: readonly string[];
}

export const CLUSTER_ACTIONS = {
  main: { action: 'cluster:monitor/main', granting: ['monitor', 'manage', 'all'] },
  health: { action: 'cluster:monitor/health', granting: ['monitor', 'manage', 'all'] },
  nodesInfo: { action: 'cluster:monitor/nodes/info', granting: ['monitor', 'manage', 'all'] },
  nodesStats: { action: 'cluster:monitor/nodes/stats', granting: ['monitor', 'manage', 'all'] },
  licenseGet: { action: 'cluster:monitor/xpack/license/get', granting: ['monitor', 'manage', 'all'] },
  licensePut: { action: 'cluster:admin/xpack/license/put', granting: ['manage', 'all'] },
  xpackInfo: { action: 'cluster:monitor/xpack/info', granting: ['monitor', 'manage', 'all'] },
  templatePut: { action: 'indices:admin/index_template/put', granting: ['manage_index_templates', 'manage', 'all'] },
  templateGet: { action: 'indices:admin/index_template/get', granting: ['manage_index_templates', 'monitor', 'manage', 'all'] },
  templateDelete: { action: 'indices:admin/index_template/delete', granting: ['manage_index_templates', 'manage', 'all'] },
  pipelinePut: { action: 'cluster:admin/ingest/pipeline/put', granting: ['manage_ingest_pipelines', 'manage_pipeline', 'manage', 'all'] },
  pipelineGet: { action: 'cluster:admin/ingest/pipeline/get', granting: ['read_pipeline', 'manage_ingest_pipelines', 'manage_pipeline', 'manage', 'all'] },
  pipelineDelete: { action: 'cluster:admin/ingest/pipeline/delete', granting: ['manage_ingest_pipelines', 'manage_pipeline', 'manage', 'all'] },
  apiKeyCreate: { action: 'cluster:admin/xpack/security/api_key/create', granting: ['manage_own_api_key', 'manage_api_key', 'manage_security', 'all'] },
  apiKeyGet: { action: 'cluster:admin/xpack/security/api_key/get', granting: ['manage_own_api_key', 'manage_api_key', 'read_security', 'manage_security', 'all'] },
  apiKeyInvalidate: { action: 'cluster:admin/xpack/security/api_key/invalidate', granting: ['manage_own_api_key', 'manage_api_key', 'manage_security', 'all'] },
} satisfies Record<string, ClusterAction>;

export interface IndexAction {
  action: string;
  granting: readonly string[];
}

export const INDEX_ACTIONS = {
  search: { action: 'indices:data/read/search', granting: ['read', 'all'] },
  get: { action: 'indices:data/read/get', granting: ['read', 'all'] },
  index: { action: 'indices:data/write/index', granting: ['index', 'write', 'all'] },
  create: { action: 'indices:data/write/index', granting: ['create_doc', 'create', 'index', 'write', 'all'] },
  bulk: { action: 'indices:data/write/bulk[s]', granting: ['create_doc', 'create', 'delete', 'index', 'write', 'all'] },
  delete: { action: 'indices:data/write/delete', granting: ['delete', 'write', 'all'] },
  update: { action: 'indices:data/write/update', granting: ['index', 'write', 'all'] },
  autoCreate: { action: 'indices:admin/auto_create', granting: ['create_index', 'auto_configure', 'manage', 'all'] },
  createIndex: { action: 'indices:admin/create', granting: ['create_index', 'manage', 'all'] },
  deleteIndex: { action: 'indices:admin/delete', granting: ['delete_index', 'manage', 'all'] },
  getIndex: { action: 'indices:admin/get', granting: ['view_index_metadata', 'manage', 'all'] },
  getMapping: { action: 'indices:admin/mappings/get', granting: ['view_index_metadata', 'manage', 'all'] },
  putMapping: { action: 'indices:admin/mapping/put', granting: ['manage', 'all'] },
  getSettings: { action: 'indices:monitor/settings/get', granting: ['view_index_metadata', 'monitor', 'manage', 'all'] },
  refresh: { action: 'indices:admin/refresh', granting: ['maintenance', 'manage', 'all'] },
  mget: { action: 'indices:data/read/mget[shard]', granting: ['read', 'all'] },
  updateByQuery: { action: 'indices:data/write/update/byquery', granting: ['index', 'write', 'all'] },
  deleteByQuery: { action: 'indices:data/write/delete/byquery', granting: ['delete', 'write', 'all'] },
  updateSettings: { action: 'indices:admin/settings/update', granting: ['manage', 'all'] },
  monitor: { action: 'indices:monitor/stats', granting: ['monitor', 'manage', 'all'] },
  dataStreamGet: { action: 'indices:admin/data_stream/get', granting: ['view_index_metadata', 'manage', 'all'] },
  dataStreamCreate: { action: 'indices:admin/data_stream/create', granting: ['create_index', 'manage', 'all'] },
  dataStreamDelete: { action: 'indices:admin/data_stream/delete', granting: ['delete_index', 'manage', 'all'] },
} satisfies Record<string, IndexAction>;

/** The privileges bulk item `op` needs on its index. */
export function bulkItemAction(op: string): IndexAction {
  switch (op) {
    case 'create':
      return { action: 'indices:data/write/bulk[s]', granting: ['create_doc', 'create', 'index', 'write', 'all'] };
    case 'delete':
      return { action: 'indices:data/write/bulk[s]', granting: ['delete', 'write', 'all'] };
    default:
      return { action: 'indices:data/write/bulk[s]', granting: ['index', 'write', 'all'] };
  }
}
