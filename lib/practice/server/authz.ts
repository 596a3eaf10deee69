import type { Engine } from '../engine/api';
import { globMatch } from '../engine/wildcard';
import { clusterForbidden, indexForbidden, type ClusterAction, type IndexAction } from '../security';
import type { EsContext } from './context';

/**
 * Authorisation of one request, as Elasticsearch's security does it for a restricted API key:
 * cluster actions need a cluster privilege; for index actions the key must hold the action's
 * privilege on some index at all (else a 403 naming no indices), concrete names it may not touch
 * give a 403 naming them, and wildcards expand only to the indices it may touch (an empty expansion
 * is an empty result, not an error). Superusers pass through untouched.
 */

/** A target that matches nothing, for a wildcard that expanded to no authorised index. */
export const NO_AUTHORISED_INDEX = 'practice-no-authorised-index-*';

export function requireCluster(ctx: EsContext, action: ClusterAction): void {
  if (ctx.permissions.unrestricted) return;
  if (!action.granting.some((p) => ctx.permissions.hasCluster(p))) throw clusterForbidden(ctx.principal, action.action, action.granting);
}

function dataStreamsByIndex(engine: Engine): Map<string, string> {
  const map = new Map<string, string>();
  for (const info of engine.catIndices()) if (info.dataStream) map.set(info.name, info.dataStream);
  return map;
}

const isPattern = (name: string) => name.includes('*') || name.includes('?');

/**
 * The target to hand to the engine after authorisation: unchanged for superusers; otherwise the
 * authorised concrete names (or NO_AUTHORISED_INDEX).
 */
export function authorizeTarget(ctx: EsContext, target: string | undefined, action: IndexAction, expandWildcards?: string): string | undefined {
  const perms = ctx.permissions;
  if (perms.unrestricted) return target;
  if (!perms.hasAnyIndex(action.granting)) throw indexForbidden(ctx.principal, action.action, [], action.granting);
  const engine = ctx.deployment.engine;
  const parts = target === undefined || target === '' || target === '_all' ? ['*'] : target.split(',').map((p) => p.trim()).filter(Boolean);
  const streams = dataStreamsByIndex(engine);
  const allowed = new Set<string>();
  const denied: string[] = [];
  for (const part of parts) {
    if (part.startsWith('-') && allowed.size > 0) {
      const exclusion = part.slice(1);
      for (const name of [...allowed]) if (globMatch(exclusion, name, { questionMark: true })) allowed.delete(name);
      continue;
    }
    if (isPattern(part)) {
      let names: string[] = [];
      try {
        names = engine.resolve(part, { ignoreUnavailable: true, allowNoIndices: true, expandWildcards });
      } catch {
        names = [];
      }
      for (const name of names) if (perms.hasIndex(name, action.granting, streams.get(name))) allowed.add(name);
    } else if (perms.hasIndex(part, action.granting, streams.get(part))) {
      allowed.add(part);
    } else {
      denied.push(part);
    }
  }
  if (denied.length > 0) throw indexForbidden(ctx.principal, action.action, denied, action.granting);
  return allowed.size > 0 ? [...allowed].join(',') : NO_AUTHORISED_INDEX;
}

/** For writes to one named target (a document, an index to create): a 403 unless authorised. */
export function requireIndex(ctx: EsContext, name: string, action: IndexAction): void {
  const perms = ctx.permissions;
  if (perms.unrestricted) return;
  const streams = dataStreamsByIndex(ctx.deployment.engine);
  if (!perms.hasIndex(name, action.granting, streams.get(name))) throw indexForbidden(ctx.principal, action.action, [name], action.granting);
}
