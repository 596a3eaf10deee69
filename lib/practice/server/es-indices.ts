import { EsError, type DataStreamInfo, type Mappings } from '../engine/api';
import { CLUSTER_ACTIONS, INDEX_ACTIONS } from '../security';
import { authorizeTarget, NO_AUTHORISED_INDEX, requireCluster, requireIndex } from './authz';
import type { EsContext, EsHandler, EsReply } from './context';
import { parseJsonObject } from './http-utils';
import type { Router } from './router';

/** Index administration: indices, mappings, settings, templates, data streams, pipelines, aliases. */

function engine(ctx: EsContext) {
  return ctx.deployment.engine;
}

function requireBody(ctx: EsContext): Record<string, unknown> {
  const body = parseJsonObject(ctx.body);
  if (!body) throw new EsError(400, 'parse_exception', 'request body is required');
  return body;
}

function notSupported(what: string): EsError {
  return new EsError(400, 'illegal_argument_exception', `${what} is not supported by the practice cluster`);
}

function expandWildcards(ctx: EsContext): string | undefined {
  return ctx.query.get('expand_wildcards') ?? undefined;
}

// ---------------------------------------------------------------------------------------------
// Indices

export function createIndex(ctx: EsContext): EsReply {
  const name = ctx.params.index as string;
  requireIndex(ctx, name, INDEX_ACTIONS.createIndex);
  const body = parseJsonObject(ctx.body) ?? {};
  return { body: engine(ctx).createIndex(name, body as { mappings?: Mappings; settings?: Record<string, unknown>; aliases?: Record<string, unknown> }) };
}

export function deleteIndex(ctx: EsContext): EsReply {
  const target = ctx.params.index as string;
  requireIndex(ctx, target, INDEX_ACTIONS.deleteIndex);
  return { body: engine(ctx).deleteIndex(target) };
}

export function indexExists(ctx: EsContext): EsReply {
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.getIndex, expandWildcards(ctx));
  if (target === NO_AUTHORISED_INDEX) return { status: 404 };
  return { status: engine(ctx).indexExists(target as string) ? 200 : 404 };
}

export function getIndex(ctx: EsContext): EsReply {
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.getIndex, expandWildcards(ctx));
  if (target === NO_AUTHORISED_INDEX) return { body: {} };
  const e = engine(ctx);
  const mappings = e.getMapping(target);
  const settings = e.getSettings(target);
  const aliases = e.getAliases ? e.getAliases(target) : {};
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(mappings)) {
    const info = e.catIndices(name).find((i) => i.name === name);
    out[name] = {
      aliases: aliases[name]?.aliases ?? {},
      mappings: mappings[name]?.mappings ?? {},
      settings: settings[name]?.settings ?? {},
      ...(info?.dataStream ? { data_stream: info.dataStream } : {}),
    };
  }
  return { body: out };
}

export function getMapping(ctx: EsContext): EsReply {
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.getMapping, expandWildcards(ctx));
  if (target === NO_AUTHORISED_INDEX) return { body: {} };
  return { body: engine(ctx).getMapping(target) };
}

export function putMapping(ctx: EsContext): EsReply {
  const target = ctx.params.index as string;
  requireIndex(ctx, target, INDEX_ACTIONS.putMapping);
  return { body: engine(ctx).putMapping(target, requireBody(ctx) as Mappings) };
}

export function getSettings(ctx: EsContext): EsReply {
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.getSettings, expandWildcards(ctx));
  if (target === NO_AUTHORISED_INDEX) return { body: {} };
  const all = engine(ctx).getSettings(target);
  const filter = ctx.params.name;
  if (filter === undefined) return { body: all };
  // `GET <index>/_settings/<name>`: keep only the named (flattened) settings.
  const out: Record<string, unknown> = {};
  for (const [index, { settings }] of Object.entries(all)) {
    const flat = flatten(settings);
    const picked = Object.fromEntries(Object.entries(flat).filter(([k]) => filter.split(',').some((f) => k === f || k === `index.${f}`)));
    if (Object.keys(picked).length > 0) out[index] = { settings: unflatten(picked) };
  }
  return { body: out };
}

function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = out;
    parts.slice(0, -1).forEach((p) => {
      node[p] ??= {};
      node = node[p] as Record<string, unknown>;
    });
    node[parts[parts.length - 1] as string] = value;
  }
  return out;
}

export function updateSettings(ctx: EsContext): EsReply {
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.updateSettings, expandWildcards(ctx));
  if (target === NO_AUTHORISED_INDEX) throw new EsError(404, 'index_not_found_exception', `no such index [${ctx.params.index ?? '_all'}]`, { 'resource.type': 'index_or_alias', 'resource.id': ctx.params.index ?? '_all', index_uuid: '_na_', index: ctx.params.index ?? '_all' });
  return { body: engine(ctx).updateSettings(target ?? '_all', requireBody(ctx)) };
}

/** `GET [<target>]/_stats[/<metric>]` (`level=cluster|indices`). */
export function indexStats(ctx: EsContext): EsReply {
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.monitor, expandWildcards(ctx));
  const metrics = ctx.params.metric?.split(',').filter((m) => m !== '') ?? [];
  const opts: { level?: string; expandWildcards?: string } = {};
  const level = ctx.query.get('level');
  if (level !== null) opts.level = level;
  const expand = expandWildcards(ctx);
  if (expand !== undefined) opts.expandWildcards = expand;
  if (target === NO_AUTHORISED_INDEX) return { body: { _shards: { total: 0, successful: 0, failed: 0 }, _all: { primaries: {}, total: {} }, indices: {} } };
  return { body: engine(ctx).indexStats(target, metrics, opts) };
}

export function refresh(ctx: EsContext): EsReply {
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.refresh, expandWildcards(ctx));
  if (target === NO_AUTHORISED_INDEX) return { body: { _shards: { total: 0, successful: 0, failed: 0 } } };
  return { body: engine(ctx).refresh(target) };
}

// ---------------------------------------------------------------------------------------------
// Templates

export function putIndexTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templatePut);
  return { body: engine(ctx).putIndexTemplate(ctx.params.name as string, requireBody(ctx)) };
}

export function getIndexTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templateGet);
  return { body: engine(ctx).getIndexTemplate(ctx.params.name) };
}

export function indexTemplateExists(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templateGet);
  try {
    return { status: engine(ctx).getIndexTemplate(ctx.params.name).index_templates.length > 0 ? 200 : 404 };
  } catch (error) {
    if (error instanceof EsError && error.status === 404) return { status: 404 };
    throw error;
  }
}

export function deleteIndexTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templateDelete);
  return { body: engine(ctx).deleteIndexTemplate(ctx.params.name as string) };
}

export function putLegacyTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templatePut);
  return { body: engine(ctx).putLegacyTemplate(ctx.params.name as string, requireBody(ctx)) };
}

export function getLegacyTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templateGet);
  const result = engine(ctx).getLegacyTemplate(ctx.params.name);
  // GET _template/<name> answers 404 with `{}` when nothing matches (no error envelope).
  if (ctx.params.name !== undefined && Object.keys(result).length === 0) return { status: 404, body: {} };
  return { body: result };
}

export function legacyTemplateExists(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templateGet);
  try {
    return { status: Object.keys(engine(ctx).getLegacyTemplate(ctx.params.name)).length > 0 ? 200 : 404 };
  } catch (error) {
    if (error instanceof EsError && error.status === 404) return { status: 404 };
    throw error;
  }
}

export function deleteLegacyTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templateDelete);
  return { body: engine(ctx).deleteLegacyTemplate(ctx.params.name as string) };
}

export function putComponentTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templatePut);
  const e = engine(ctx);
  if (!e.putComponentTemplate) throw notSupported('_component_template');
  return { body: e.putComponentTemplate(ctx.params.name as string, requireBody(ctx)) };
}

export function getComponentTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templateGet);
  const e = engine(ctx);
  if (!e.getComponentTemplate) throw notSupported('_component_template');
  return { body: e.getComponentTemplate(ctx.params.name) };
}

export function deleteComponentTemplate(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.templateDelete);
  const e = engine(ctx);
  if (!e.deleteComponentTemplate) throw notSupported('_component_template');
  return { body: e.deleteComponentTemplate(ctx.params.name as string) };
}

// ---------------------------------------------------------------------------------------------
// Data streams

/** The engine's data stream record, in the shape `GET _data_stream` answers with. */
function dataStreamJson(ds: DataStreamInfo | Record<string, unknown>): Record<string, unknown> {
  const d = ds as Partial<DataStreamInfo> & Record<string, unknown>;
  if (d.timestamp_field !== undefined) return d;
  return {
    name: d.name,
    timestamp_field: { name: d.timestampField ?? '@timestamp' },
    indices: d.indices ?? [],
    generation: d.generation ?? 1,
    status: 'GREEN',
    template: d.template,
    hidden: d.hidden ?? false,
    system: false,
    allow_custom_routing: false,
    replicated: false,
    rollover_on_write: false,
  };
}

export function getDataStream(ctx: EsContext): EsReply {
  const e = engine(ctx);
  const name = ctx.params.name;
  if (!ctx.permissions.unrestricted) authorizeTarget(ctx, name, INDEX_ACTIONS.dataStreamGet, expandWildcards(ctx));
  const result = e.getDataStream(name);
  let streams = result.data_streams;
  if (!ctx.permissions.unrestricted) streams = streams.filter((s) => ctx.permissions.hasIndex(s.name, INDEX_ACTIONS.dataStreamGet.granting));
  return { body: { data_streams: streams.map(dataStreamJson) } };
}

export function createDataStream(ctx: EsContext): EsReply {
  const name = ctx.params.name as string;
  requireIndex(ctx, name, INDEX_ACTIONS.dataStreamCreate);
  return { body: engine(ctx).createDataStream(name) };
}

export function deleteDataStream(ctx: EsContext): EsReply {
  const name = ctx.params.name as string;
  requireIndex(ctx, name, INDEX_ACTIONS.dataStreamDelete);
  return { body: engine(ctx).deleteDataStream(name) };
}

// ---------------------------------------------------------------------------------------------
// Ingest pipelines

export function putPipeline(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.pipelinePut);
  return { body: engine(ctx).putPipeline(ctx.params.id as string, requireBody(ctx)) };
}

export function getPipeline(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.pipelineGet);
  const result = engine(ctx).getPipeline(ctx.params.id);
  // A named pipeline that does not exist: 404 with `{}`, as ES answers.
  if (ctx.params.id !== undefined && Object.keys(result).length === 0) return { status: 404, body: {} };
  return { body: result };
}

export function deletePipeline(ctx: EsContext): EsReply {
  requireCluster(ctx, CLUSTER_ACTIONS.pipelineDelete);
  return { body: engine(ctx).deletePipeline(ctx.params.id as string) };
}

// ---------------------------------------------------------------------------------------------
// Aliases

export function getAliases(ctx: EsContext): EsReply {
  const e = engine(ctx);
  if (!e.getAliases) throw notSupported('_alias');
  const target = authorizeTarget(ctx, ctx.params.index, INDEX_ACTIONS.getIndex, expandWildcards(ctx));
  if (target === NO_AUTHORISED_INDEX) return { body: {} };
  return { body: e.getAliases(target, ctx.params.name) };
}

export function updateAliases(ctx: EsContext): EsReply {
  const e = engine(ctx);
  if (!e.updateAliases) throw notSupported('_aliases');
  if (!ctx.permissions.unrestricted) requireCluster(ctx, { action: 'indices:admin/aliases', granting: ['manage', 'all'] });
  const body = requireBody(ctx);
  if (!Array.isArray(body.actions)) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: no actions specified;');
  return { body: e.updateAliases(body.actions as Record<string, unknown>[]) };
}

export function putAlias(ctx: EsContext): EsReply {
  const e = engine(ctx);
  if (!e.updateAliases) throw notSupported('_alias');
  requireIndex(ctx, ctx.params.index as string, { action: 'indices:admin/aliases', granting: ['manage', 'all'] });
  const body = parseJsonObject(ctx.body) ?? {};
  return { body: e.updateAliases([{ add: { ...body, index: ctx.params.index, alias: ctx.params.name } }]) };
}

export function deleteAlias(ctx: EsContext): EsReply {
  const e = engine(ctx);
  if (!e.updateAliases) throw notSupported('_alias');
  requireIndex(ctx, ctx.params.index as string, { action: 'indices:admin/aliases', granting: ['manage', 'all'] });
  return { body: e.updateAliases([{ remove: { index: ctx.params.index, alias: ctx.params.name } }]) };
}

export function indexRoutes(r: Router<EsHandler>): void {
  const GET_POST = ['GET', 'POST'];
  const PUT_POST = ['PUT', 'POST'];
  // Templates, pipelines, data streams, aliases
  r.add(PUT_POST, '/_index_template/{name}', putIndexTemplate);
  r.add('GET', '/_index_template', getIndexTemplate);
  r.add('GET', '/_index_template/{name}', getIndexTemplate);
  r.add('HEAD', '/_index_template/{name}', indexTemplateExists);
  r.add('DELETE', '/_index_template/{name}', deleteIndexTemplate);
  r.add(PUT_POST, '/_template/{name}', putLegacyTemplate);
  r.add('GET', '/_template', getLegacyTemplate);
  r.add('GET', '/_template/{name}', getLegacyTemplate);
  r.add('HEAD', '/_template/{name}', legacyTemplateExists);
  r.add('DELETE', '/_template/{name}', deleteLegacyTemplate);
  r.add(PUT_POST, '/_component_template/{name}', putComponentTemplate);
  r.add('GET', '/_component_template', getComponentTemplate);
  r.add('GET', '/_component_template/{name}', getComponentTemplate);
  r.add('DELETE', '/_component_template/{name}', deleteComponentTemplate);
  r.add('PUT', '/_ingest/pipeline/{id}', putPipeline);
  r.add('GET', '/_ingest/pipeline', getPipeline);
  r.add('GET', '/_ingest/pipeline/{id}', getPipeline);
  r.add('DELETE', '/_ingest/pipeline/{id}', deletePipeline);
  r.add('GET', '/_data_stream', getDataStream);
  r.add('GET', '/_data_stream/{name}', getDataStream);
  r.add('PUT', '/_data_stream/{name}', createDataStream);
  r.add('DELETE', '/_data_stream/{name}', deleteDataStream);
  r.add('POST', '/_aliases', updateAliases);
  r.add('GET', '/_alias', getAliases);
  r.add('GET', '/_alias/{name}', getAliases);
  r.add('GET', '/{index}/_alias', getAliases);
  r.add('GET', '/{index}/_alias/{name}', getAliases);
  r.add(PUT_POST, '/{index}/_alias/{name}', putAlias);
  r.add('DELETE', '/{index}/_alias/{name}', deleteAlias);
  // Indices
  r.add('PUT', '/{index}', createIndex);
  r.add('DELETE', '/{index}', deleteIndex);
  r.add('HEAD', '/{index}', indexExists);
  r.add('GET', '/{index}', getIndex);
  r.add('GET', '/_mapping', getMapping);
  r.add('GET', '/{index}/_mapping', getMapping);
  r.add(PUT_POST, '/{index}/_mapping', putMapping);
  r.add('GET', '/_settings', getSettings);
  r.add('GET', '/{index}/_settings', getSettings);
  r.add('GET', '/{index}/_settings/{name}', getSettings);
  r.add('PUT', '/_settings', updateSettings);
  r.add('PUT', '/{index}/_settings', updateSettings);
  r.add('GET', '/_stats', indexStats);
  r.add('GET', '/_stats/{metric}', indexStats);
  r.add('GET', '/{index}/_stats', indexStats);
  r.add('GET', '/{index}/_stats/{metric}', indexStats);
  r.add(GET_POST, '/_refresh', refresh);
  r.add(GET_POST, '/{index}/_refresh', refresh);
}
