import { EsError, type Flavor } from '../engine/api';
import { CLUSTER_ACTIONS, globMatch, hashSecret, parseRoleDescriptors, Permissions, randomApiKeyPart, type ApiKey } from '../security';
import { requireCluster } from './authz';
import type { EsContext, EsHandler, EsReply } from './context';
import { parseJsonObject } from './http-utils';
import { parseTimeValue } from './params';
import type { Router } from './router';

/** `_security`: authenticate, API keys, has_privileges. */

export function authenticate(ctx: EsContext): EsReply {
  const p = ctx.principal;
  const base = { username: p.username, full_name: null, email: null, metadata: { _reserved: true }, enabled: true };
  if (p.kind === 'api_key') {
    const realm = { name: '_es_api_key', type: '_es_api_key' };
    return {
      body: {
        ...base,
        roles: [],
        authentication_realm: realm,
        lookup_realm: realm,
        authentication_type: 'api_key',
        api_key: { id: p.key.id, name: p.key.name },
      },
    };
  }
  const realm = { name: 'reserved', type: 'reserved' };
  return { body: { ...base, roles: ['superuser'], authentication_realm: realm, lookup_realm: realm, authentication_type: 'realm' } };
}

export function createApiKey(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.apiKeyCreate);
  const body = parseJsonObject(ctx.body) ?? {};
  const name = body.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: api key name is required;');
  }
  if (name.length > 1024) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: api key name may not be more than [1024] characters long;');
  const { json, descriptors } = parseRoleDescriptors(body.role_descriptors);
  if (ctx.principal.kind === 'api_key' && descriptors !== null && descriptors.some((d) => d.cluster.length > 0 || d.indices.length > 0)) {
    throw new EsError(400, 'illegal_argument_exception', 'creating derived api keys requires an explicit role descriptor that is empty (has no privileges)');
  }
  let expiration: number | null = null;
  if (body.expiration !== undefined && body.expiration !== null) {
    if (typeof body.expiration !== 'string') throw new EsError(400, 'x_content_parse_exception', '[1:1] [api_key_request] failed to parse field [expiration]');
    expiration = ctx.now + parseTimeValue(body.expiration, 'expiration');
  }
  const metadata = typeof body.metadata === 'object' && body.metadata !== null ? (body.metadata as Record<string, unknown>) : {};
  const id = randomApiKeyPart(15);
  const secret = randomApiKeyPart(16);
  const key: ApiKey = {
    id,
    name,
    secretHash: hashSecret(secret),
    creation: ctx.now,
    expiration,
    invalidated: false,
    invalidation: null,
    username: ctx.principal.username,
    realm: ctx.principal.kind === 'api_key' ? '_es_api_key' : 'reserved',
    metadata,
    roleDescriptorsJson: json,
    // A derived key (created with an API key) carries the creator's limits.
    roleDescriptors: ctx.principal.kind === 'api_key' ? ctx.principal.key.roleDescriptors : descriptors,
  };
  ctx.registry.registerApiKey(ctx.deployment, key);
  const out: Record<string, unknown> = { id, name, api_key: secret, encoded: Buffer.from(`${id}:${secret}`).toString('base64') };
  if (expiration !== null) out.expiration = expiration;
  return { body: out };
}

function keyJson(key: ApiKey, flavor: Flavor): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: key.id,
    name: key.name,
    creation: key.creation,
    invalidated: key.invalidated,
    username: key.username,
    realm: key.realm,
    metadata: key.metadata,
  };
  if (key.expiration !== null) out.expiration = key.expiration;
  if (flavor !== '7') {
    out.type = 'rest';
    if (key.invalidation !== null) out.invalidation = key.invalidation;
    out.role_descriptors = key.roleDescriptorsJson;
  }
  return out;
}

function selectKeys(ctx: EsContext, source: { id?: unknown; ids?: unknown; name?: unknown }): ApiKey[] {
  const ids = new Set<string>();
  if (typeof source.id === 'string') ids.add(source.id);
  if (Array.isArray(source.ids)) for (const id of source.ids) if (typeof id === 'string') ids.add(id);
  const name = typeof source.name === 'string' ? source.name : undefined;
  let keys = [...ctx.deployment.apiKeys.values()];
  // An API key with manage_own_api_key sees the keys it created, and itself.
  if (ctx.principal.kind === 'api_key' && !Permissions.of(ctx.principal).hasCluster('manage_api_key')) {
    const self = ctx.principal.key.id;
    keys = keys.filter((k) => k.id === self);
  }
  if (ids.size > 0) keys = keys.filter((k) => ids.has(k.id));
  if (name !== undefined) keys = keys.filter((k) => globMatch(name, k.name));
  return keys;
}

export function getApiKeys(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.apiKeyGet);
  const q = ctx.query;
  let keys = selectKeys(ctx, { id: q.get('id') ?? undefined, name: q.get('name') ?? undefined });
  if (q.get('active_only') === 'true') keys = keys.filter((k) => !k.invalidated && (k.expiration === null || k.expiration > ctx.now));
  if ((q.has('id') || q.has('name')) && keys.length === 0) {
    throw new EsError(404, 'resource_not_found_exception', `unable to find apikey with id [${q.get('id') ?? ''}] or name [${q.get('name') ?? ''}]`);
  }
  return { body: { api_keys: keys.map((k) => keyJson(k, ctx.deployment.flavor)) } };
}

export function invalidateApiKeys(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.apiKeyInvalidate);
  const body = parseJsonObject(ctx.body) ?? {};
  const owner = body.owner === true;
  if (body.id === undefined && body.ids === undefined && body.name === undefined && body.username === undefined && body.realm_name === undefined && !owner) {
    throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;');
  }
  const keys = owner && body.id === undefined && body.ids === undefined && body.name === undefined ? [...ctx.deployment.apiKeys.values()] : selectKeys(ctx, body);
  const invalidated: string[] = [];
  const previously: string[] = [];
  for (const key of keys) {
    if (key.invalidated) previously.push(key.id);
    else {
      key.invalidated = true;
      key.invalidation = ctx.now;
      invalidated.push(key.id);
    }
  }
  return { body: { invalidated_api_keys: invalidated, previously_invalidated_api_keys: previously, error_count: 0 } };
}

export function hasPrivileges(ctx: EsContext): EsReply {
  if (ctx.params.user !== undefined && ctx.params.user !== ctx.principal.username) {
    throw new EsError(400, 'illegal_argument_exception', `users may only check the privileges of their own account`);
  }
  const body = parseJsonObject(ctx.body) ?? {};
  const perms = ctx.permissions;
  const cluster: Record<string, boolean> = {};
  let all = true;
  const requestedCluster = Array.isArray(body.cluster) ? body.cluster : [];
  for (const privilege of requestedCluster) {
    if (typeof privilege !== 'string') continue;
    cluster[privilege] = perms.hasCluster(privilege);
    all &&= cluster[privilege] as boolean;
  }
  const index: Record<string, Record<string, boolean>> = {};
  const requestedIndex = Array.isArray(body.index) ? body.index : Array.isArray(body.indices) ? body.indices : [];
  for (const group of requestedIndex) {
    if (typeof group !== 'object' || group === null) continue;
    const g = group as Record<string, unknown>;
    const names = typeof g.names === 'string' ? [g.names] : Array.isArray(g.names) ? (g.names as unknown[]).filter((n): n is string => typeof n === 'string') : [];
    const privileges = typeof g.privileges === 'string' ? [g.privileges] : Array.isArray(g.privileges) ? (g.privileges as unknown[]).filter((p): p is string => typeof p === 'string') : [];
    for (const name of names) {
      const entry = (index[name] ??= {});
      for (const privilege of privileges) {
        entry[privilege] = perms.coversIndexPattern(name, privilege);
        all &&= entry[privilege] as boolean;
      }
    }
  }
  const application: Record<string, unknown> = {};
  if (Array.isArray(body.application)) {
    for (const app of body.application) {
      if (typeof app !== 'object' || app === null) continue;
      const a = app as { application?: string; resources?: string[]; privileges?: string[] };
      const appName = a.application ?? '';
      const resources: Record<string, Record<string, boolean>> = {};
      for (const resource of a.resources ?? []) {
        resources[resource] = Object.fromEntries((a.privileges ?? []).map((p) => [p, perms.unrestricted]));
        if (!perms.unrestricted) all = false;
      }
      application[appName] = resources;
    }
  }
  return { body: { username: ctx.principal.username, has_all_requested: all, cluster, index, application } };
}

export function securityRoutes(r: Router<EsHandler>): void {
  r.add('GET', '/_security/_authenticate', authenticate);
  r.add(['PUT', 'POST'], '/_security/api_key', createApiKey);
  r.add('GET', '/_security/api_key', getApiKeys);
  r.add('DELETE', '/_security/api_key', invalidateApiKeys);
  r.add(['GET', 'POST'], '/_security/user/_has_privileges', hasPrivileges);
  r.add(['GET', 'POST'], '/_security/user/{user}/_has_privileges', hasPrivileges);
}
