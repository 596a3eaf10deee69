import type { Flavor } from '../engine/api';
import type { FeatureDefinition, PracticeFeature } from '../feature';
import { licenseAllows, licenseNonCompliant } from '../license';
import { requireCluster } from './authz';
import type { EsHandler } from './context';
import { clusterRoutes } from './es-cluster';
import { documentRoutes } from './es-documents';
import { indexRoutes } from './es-indices';
import { searchRoutes } from './es-search';
import { securityRoutes } from './es-security';
import { Router } from './router';

/**
 * The Elasticsearch REST API a deployment of one flavour answers, with ES's path patterns: the
 * core areas (each listed beside its handlers), then every feature's routes, each behind its
 * cluster privilege and its licence check.
 */
export function esRouter(flavor: Flavor, features: readonly FeatureDefinition[] = []): Router<EsHandler> {
  const r = new Router<EsHandler>();
  clusterRoutes(r);
  securityRoutes(r);
  indexRoutes(r);
  documentRoutes(r, flavor);
  searchRoutes(r);
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
