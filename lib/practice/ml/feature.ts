import { ControlError, controlBody, defineFeature, EsError, parseJsonObject, type ClusterAction, type EsContext, type FeatureContext, type PracticeFeature } from '../feature';
import { type LicenceType, type Params, PracticeMl } from './practice-ml';
import { ML_ROUTES, type MlRoute } from './routes';

/**
 * Machine learning (anomaly detection) as a practice-cluster feature: Elasticsearch's `_ml` routes
 * from `ML_ROUTES`, each behind its cluster privilege and (for the APIs ES licence-checks: put and
 * open a job, put, start and preview a datafeed) the platinum licence; the datafeeds' work on the
 * shared scheduler; and a control route that takes the deployment's ML node away, so the guide's
 * "no ML node" path can be practised (`PUT /_practice/deployments/{id}/ml` `{"mlNodes": false}`).
 */

/** `cluster:monitor/xpack/ml/*`: granted by monitor_ml, and by monitor and manage as in ES. */
const MONITOR_ML: ClusterAction = { action: 'cluster:monitor/xpack/ml/*', granting: ['monitor_ml', 'manage_ml', 'monitor', 'manage', 'all'] };
/** `cluster:admin/xpack/ml/*`. */
const MANAGE_ML: ClusterAction = { action: 'cluster:admin/xpack/ml/*', granting: ['manage_ml', 'manage', 'all'] };

/** A look-back keeps running between scheduler ticks in slices this long, yielding to requests in between. */
const SLICE_MS = 25;

export class MlFeature implements PracticeFeature {
  readonly name = 'ml';
  readonly ml: PracticeMl;
  /** False: the deployment has no ML node (opening a job answers ES's 429, `_nodes` lists no `ml` role). */
  mlNodes = true;
  private draining = false;
  private disposed = false;

  constructor(private readonly ctx: FeatureContext) {
    this.ml = new PracticeMl({
      engine: ctx.engine,
      clock: ctx.clock,
      licence: () => this.licence(),
      node: { id: ctx.nodeId, name: ctx.nodeName },
      mlNodes: () => this.mlNodes,
      tickBudgetMs: SLICE_MS,
      version: { version: ctx.info.version, buildHash: ctx.info.buildHash },
    });
  }

  private licence(): LicenceType {
    if (!this.ctx.licensed()) return 'basic';
    return this.ctx.license().type === 'trial' ? 'trial' : 'platinum';
  }

  get active(): boolean {
    return this.ml.busy();
  }

  tick(now: number): void {
    this.ml.tick(now);
    this.drain();
  }

  /**
   * A look-back of two months is a few seconds of work: run it in slices back to back (each
   * bounded, the event loop free in between) instead of one slice per scheduler second, so the
   * wizard's job finishes in seconds and other tenants' requests still get through.
   */
  drain(): void {
    if (this.draining || this.disposed || !this.ml.busy()) return;
    this.draining = true;
    const step = () => {
      if (this.disposed) return;
      try {
        this.ml.tick(this.ctx.clock.now());
      } catch (error) {
        this.draining = false;
        this.ctx.log(`ml look-back slice failed: ${error instanceof Error ? error.stack : String(error)}`);
        return;
      }
      if (this.ml.busy()) setImmediate(step);
      else this.draining = false;
    };
    setImmediate(step);
  }

  approximateBytes(): number {
    return this.ml.approximateBytes();
  }

  dispose(): void {
    this.disposed = true;
    this.ml.dispose();
  }

  state(): unknown {
    return { mlNodes: this.mlNodes };
  }
}

function queryParams(ctx: EsContext): Params {
  const out: Params = {};
  for (const [key, value] of ctx.query) if (!(key in out)) out[key] = value;
  return out;
}

function requestBody(ctx: EsContext): unknown {
  return ctx.body && ctx.body.length > 0 ? parseJsonObject(ctx.body) : undefined;
}

const MONITORING_HANDLERS = new Set<MlRoute['handler']>(['info', 'getJobs', 'getJobStats', 'getBuckets', 'getRecords', 'getInfluencers', 'getOverallBuckets', 'getDatafeeds', 'getDatafeedStats']);

function answer(route: MlRoute, ctx: EsContext, feature: MlFeature): unknown {
  const ml = feature.ml;
  const params = queryParams(ctx);
  const body = requestBody(ctx);
  const p = ctx.params;
  switch (route.handler) {
    case 'info':
      return ml.info();
    case 'validateJob':
      return ml.validateJob(params, body);
    case 'estimateModelMemory':
      return ml.estimateModelMemory(params, body);
    case 'getJobs':
      return ml.getJobs({ job_id: p.job_id }, params);
    case 'putJob':
      return ml.putJob({ job_id: p.job_id ?? '' }, params, body);
    case 'deleteJob':
      return ml.deleteJob({ job_id: p.job_id ?? '' }, params);
    case 'updateJob':
      return ml.updateJob({ job_id: p.job_id ?? '' }, params, body);
    case 'openJob':
      return ml.openJob({ job_id: p.job_id ?? '' }, params, body);
    case 'closeJob':
      return ml.closeJob({ job_id: p.job_id ?? '' }, params);
    case 'flushJob':
      return ml.flushJob({ job_id: p.job_id ?? '' }, params, body);
    case 'getJobStats':
      return ml.getJobStats({ job_id: p.job_id }, params);
    case 'getBuckets':
      return ml.getBuckets({ job_id: p.job_id ?? '', timestamp: p.timestamp }, params, body);
    case 'getRecords':
      return ml.getRecords({ job_id: p.job_id ?? '' }, params, body);
    case 'getInfluencers':
      return ml.getInfluencers({ job_id: p.job_id ?? '' }, params, body);
    case 'getOverallBuckets':
      return ml.getOverallBuckets({ job_id: p.job_id ?? '' }, params, body);
    case 'getDatafeeds':
      return ml.getDatafeeds({ datafeed_id: p.datafeed_id }, params);
    case 'putDatafeed':
      // The datafeed searches with its creator's roles; the practice deployment's users are superusers.
      return ml.putDatafeed({ datafeed_id: p.datafeed_id ?? '' }, params, body, { roles: ['superuser'] });
    case 'deleteDatafeed':
      return ml.deleteDatafeed({ datafeed_id: p.datafeed_id ?? '' }, params);
    case 'updateDatafeed':
      return ml.updateDatafeed({ datafeed_id: p.datafeed_id ?? '' }, params, body);
    case 'startDatafeed': {
      const started = ml.startDatafeed({ datafeed_id: p.datafeed_id ?? '' }, params, body);
      feature.drain();
      return started;
    }
    case 'stopDatafeed':
      return ml.stopDatafeed({ datafeed_id: p.datafeed_id ?? '' }, params);
    case 'getDatafeedStats':
      return ml.getDatafeedStats({ datafeed_id: p.datafeed_id }, params);
    case 'previewDatafeed':
      return ml.previewDatafeed({ datafeed_id: p.datafeed_id }, params, body);
    default:
      throw new EsError(400, 'illegal_argument_exception', `no practice handler for [${String(route.handler)}]`);
  }
}

export const mlFeature = defineFeature<MlFeature>({
  name: 'ml',
  license: { feature: 'ml', minimum: 'platinum' },
  routes(r) {
    for (const route of ML_ROUTES) {
      r.add(route.method, route.path, (ctx, feature) => ({ body: answer(route, ctx, feature) }), {
        cluster: MONITORING_HANDLERS.has(route.handler) ? MONITOR_ML : MANAGE_ML,
        // Elasticsearch checks the licence only where a job or datafeed is created or run.
        licensed: route.licensed === true,
      });
    }
  },
  controlRoutes(r) {
    r.add('GET', '/ml', (_ctx, feature) => ({ body: feature.state() }));
    r.add('PUT', '/ml', (ctx, feature) => {
      const { mlNodes } = controlBody(ctx);
      if (typeof mlNodes !== 'boolean') throw new ControlError(400, 'illegal_argument_exception', 'mlNodes must be true (the deployment has an ML node) or false (it has none)');
      feature.mlNodes = mlNodes;
      return { body: feature.state() };
    });
  },
  create: (ctx) => new MlFeature(ctx),
});
