import type { Flavor } from '../engine/api';
import type { FeatureDefinition, PracticeFeature } from '../feature';
import { licenseAllows, licenseNonCompliant } from '../license';
import { requireCluster } from './authz';
import type { EsHandler } from './context';
import { clusterRoutes } from './es-cluster';
import { documentRoutes } from './es-documents';
import { fieldCapsRoutes } from './es-field-caps';
import { indexRoutes } from './es-indices';
import { searchRoutes } from './es-search';
import { securityRoutes } from './es-security';
import { Router, type ParamRules } from './router';

/**
 * Elasticsearch never names an index or a mapping type with a leading `_` (that prefix is its
 * endpoints'), so such a segment is never taken for one: `POST /_reindex` or `POST
 * /idx/_eql/search` find no handler instead of addressing an index or a document.
 */
const ES_PARAM_RULES: ParamRules = {
  index: (value) => !value.startsWith('_') || value === '_all',
  type: (value) => !value.startsWith('_'),
};

/**
 * The Elasticsearch REST API a deployment of one flavour answers, with ES's path patterns: the
 * core areas (each listed beside its handlers), then every feature's routes, each behind its
 * cluster privilege and its licence check.
 */
export function esRouter(flavor: Flavor, features: readonly FeatureDefinition[] = []): Router<EsHandler> {
  const r = new Router<EsHandler>(ES_PARAM_RULES);
  clusterRoutes(r);
  securityRoutes(r);
  indexRoutes(r);
  documentRoutes(r, flavor);
  searchRoutes(r);
  fieldCapsRoutes(r, flavor);
  for (const feature of features) addFeatureRoutes(r, feature, flavor);
  return r;
}

function addFeatureRoutes(r: Router<EsHandler>, definition: FeatureDefinition, flavor: Flavor): void {
  definition.routes?.(
    {
      add(methods, pattern, handler, options = {}) {
        r.add(methods, pattern, (ctx) => {
          if (options.cluster) requireCluster(ctx, options.cluster);
          const license = definition.license;
          if (license && options.licensed !== false && !licenseAllows(ctx.deployment.license, license.minimum, ctx.now)) {
            throw licenseNonCompliant(license.feature);
          }
          return handler(ctx, featureOf(ctx.deployment.features, definition.name));
        });
      },
    },
    flavor,
  );
}

export function featureOf(features: ReadonlyMap<string, PracticeFeature>, name: string): PracticeFeature {
  const feature = features.get(name);
  if (!feature) throw new Error(`the deployment has no [${name}] feature`);
  return feature;
}
