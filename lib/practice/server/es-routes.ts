import type { EsHandler } from './context';
import * as cluster from './es-cluster';
import * as data from './es-data';
import * as indices from './es-indices';
import * as security from './es-security';
import { Router } from './router';

/** The Elasticsearch REST API the practice cluster answers, with ES's path patterns. */
export function esRouter(): Router<EsHandler> {
  const r = new Router<EsHandler>();
  const GET_HEAD = ['GET', 'HEAD'];
  const GET_POST = ['GET', 'POST'];
  const PUT_POST = ['PUT', 'POST'];

  // Cluster
  r.add(GET_HEAD, '/', cluster.getRoot);
  r.add('GET', '/_cluster/health', cluster.getHealth);
  r.add('GET', '/_cluster/health/{index}', cluster.getHealth);
  r.add('GET', '/_cluster/settings', cluster.getClusterSettings);
  r.add('GET', '/_nodes', cluster.getNodes);
  r.add('GET', '/_nodes/stats', cluster.getNodesStats);
  r.add('GET', '/_nodes/stats/{metric}', cluster.getNodesStats);
  r.add('GET', '/_nodes/{a}', cluster.getNodes);
  r.add('GET', '/_nodes/{a}/stats', cluster.getNodesStats);
  r.add('GET', '/_nodes/{a}/{b}', cluster.getNodes);
  r.add('GET', '/_license', cluster.getLicense);
  r.add('GET', '/_license/trial_status', cluster.getTrialStatus);
  r.add('GET', '/_license/basic_status', cluster.getBasicStatus);
  r.add('POST', '/_license/start_trial', cluster.startTrial);
  r.add('POST', '/_license/start_basic', cluster.startBasic);
  r.add('GET', '/_xpack', cluster.getXpack);
  r.add('GET', '/_cat/indices', cluster.catIndices);
  r.add('GET', '/_cat/indices/{index}', cluster.catIndices);
  r.add('GET', '/_cat/health', cluster.catHealth);

  // Security
  r.add('GET', '/_security/_authenticate', security.authenticate);
  r.add(PUT_POST, '/_security/api_key', security.createApiKey);
  r.add('GET', '/_security/api_key', security.getApiKeys);
  r.add('DELETE', '/_security/api_key', security.invalidateApiKeys);
  r.add(GET_POST, '/_security/user/_has_privileges', security.hasPrivileges);
  r.add(GET_POST, '/_security/user/{user}/_has_privileges', security.hasPrivileges);

  // Templates, pipelines, data streams, aliases
  r.add(PUT_POST, '/_index_template/{name}', indices.putIndexTemplate);
  r.add('GET', '/_index_template', indices.getIndexTemplate);
  r.add('GET', '/_index_template/{name}', indices.getIndexTemplate);
  r.add('HEAD', '/_index_template/{name}', indices.indexTemplateExists);
  r.add('DELETE', '/_index_template/{name}', indices.deleteIndexTemplate);
  r.add(PUT_POST, '/_template/{name}', indices.putLegacyTemplate);
  r.add('GET', '/_template', indices.getLegacyTemplate);
  r.add('GET', '/_template/{name}', indices.getLegacyTemplate);
  r.add('HEAD', '/_template/{name}', indices.legacyTemplateExists);
  r.add('DELETE', '/_template/{name}', indices.deleteLegacyTemplate);
  r.add(PUT_POST, '/_component_template/{name}', indices.putComponentTemplate);
  r.add('GET', '/_component_template', indices.getComponentTemplate);
  r.add('GET', '/_component_template/{name}', indices.getComponentTemplate);
  r.add('DELETE', '/_component_template/{name}', indices.deleteComponentTemplate);
  r.add('PUT', '/_ingest/pipeline/{id}', indices.putPipeline);
  r.add('GET', '/_ingest/pipeline', indices.getPipeline);
  r.add('GET', '/_ingest/pipeline/{id}', indices.getPipeline);
  r.add('DELETE', '/_ingest/pipeline/{id}', indices.deletePipeline);
  r.add('GET', '/_data_stream', indices.getDataStream);
  r.add('GET', '/_data_stream/{name}', indices.getDataStream);
  r.add('PUT', '/_data_stream/{name}', indices.createDataStream);
  r.add('DELETE', '/_data_stream/{name}', indices.deleteDataStream);
  r.add('POST', '/_aliases', indices.updateAliases);
  r.add('GET', '/_alias', indices.getAliases);
  r.add('GET', '/_alias/{name}', indices.getAliases);
  r.add('GET', '/{index}/_alias', indices.getAliases);
  r.add('GET', '/{index}/_alias/{name}', indices.getAliases);
  r.add(PUT_POST, '/{index}/_alias/{name}', indices.putAlias);
  r.add('DELETE', '/{index}/_alias/{name}', indices.deleteAlias);

  // Indices
  r.add('PUT', '/{index}', indices.createIndex);
  r.add('DELETE', '/{index}', indices.deleteIndex);
  r.add('HEAD', '/{index}', indices.indexExists);
  r.add('GET', '/{index}', indices.getIndex);
  r.add('GET', '/_mapping', indices.getMapping);
  r.add('GET', '/{index}/_mapping', indices.getMapping);
  r.add(PUT_POST, '/{index}/_mapping', indices.putMapping);
  r.add('GET', '/_settings', indices.getSettings);
  r.add('GET', '/{index}/_settings', indices.getSettings);
  r.add('GET', '/{index}/_settings/{name}', indices.getSettings);
  r.add(GET_POST, '/_refresh', indices.refresh);
  r.add(GET_POST, '/{index}/_refresh', indices.refresh);

  // Documents and search
  r.add(PUT_POST, '/{index}/_doc/{id}', (ctx) => data.indexDocument(ctx));
  r.add('POST', '/{index}/_doc', (ctx) => data.indexDocument(ctx));
  r.add(PUT_POST, '/{index}/_create/{id}', (ctx) => data.indexDocument(ctx, 'create'));
  r.add('GET', '/{index}/_doc/{id}', data.getDocument);
  r.add('HEAD', '/{index}/_doc/{id}', data.documentExists);
  r.add('DELETE', '/{index}/_doc/{id}', data.deleteDocument);
  r.add('GET', '/{index}/_source/{id}', data.getSource);
  r.add('POST', '/{index}/_update/{id}', data.updateDocument);
  r.add(PUT_POST, '/_bulk', data.bulk);
  r.add(PUT_POST, '/{index}/_bulk', data.bulk);
  r.add(GET_POST, '/_search', data.search);
  r.add(GET_POST, '/{index}/_search', data.search);
  r.add(GET_POST, '/_count', data.count);
  r.add(GET_POST, '/{index}/_count', data.count);
  r.add(GET_POST, '/_msearch', data.msearch);
  r.add(GET_POST, '/{index}/_msearch', data.msearch);
  return r;
}

/** 7.17 still answers the typed document paths (`/{index}/{type}/{id}`) that 8.x removed. */
export function addTypedRoutes(r: Router<EsHandler>): Router<EsHandler> {
  r.add(['PUT', 'POST'], '/{index}/{type}/{id}', (ctx) => data.indexDocument(ctx));
  r.add('GET', '/{index}/{type}/{id}', data.getDocument);
  r.add('DELETE', '/{index}/{type}/{id}', data.deleteDocument);
  r.add(['PUT', 'POST'], '/{index}/{type}/_bulk', data.bulk);
  return r;
}
