import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { flightsCsvStream, flightsSize, type FlightsRange } from '../../datasets/flights';
import type { Clock } from '../clock';
import { licenseBody } from '../cluster-info';
import { DeploymentLimitError, type Deployment, type DeploymentRegistry } from '../deployments';
import { EsError, FLAVORS, isFlavor } from '../engine/api';
import { FaultConfigError, parseFaultConfig } from '../faults';
import type { FeatureDefinition } from '../feature';
import { parseAuthorization } from '../security';
import { featureOf } from './es-routes';
import { parseJsonObject } from './http-utils';
import { Router } from './router';

/**
 * The practice cluster's control API (DESIGN.md, "Stable contracts"), under `/_practice`.
 * Creating a deployment is open (the server only listens on loopback); everything under
 * `/_practice/deployments/{id}` needs that deployment's own `elastic` credentials, so no tenant can
 * drive another. Faults never apply here. Features add their own routes under a deployment (the
 * host's actions, Watcher's outbox).
 */

export interface ControlContext {
  method: string;
  params: Record<string, string>;
  /** The query string (`GET /_practice/datasets/flights.csv?from=&to=`). */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer | null;
  registry: DeploymentRegistry;
  clock: Clock;
  baseUrl: string;
}

export interface ControlReply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A streamed answer (a data set file) instead of the JSON `body`. */
  stream?: () => Readable;
}

export type ControlHandler = (ctx: ControlContext) => ControlReply | Promise<ControlReply>;

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
    /** More fields of the `error` object (a lost deployment's `state`, a reclaimed one's `idle_minutes`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

/** The request's JSON object body (`{}` when empty); a 400 for anything else. */
export function controlBody(ctx: ControlContext): Record<string, unknown> {
  try {
    return parseJsonObject(ctx.body) ?? {};
  } catch (error) {
    if (error instanceof EsError) throw new ControlError(400, 'parse_exception', `the body is not valid JSON: ${error.reason}`);
    throw error;
  }
}

/**
 * A deployment whose files could not be read back after a restart answers 410 to anything under
 * its path, before any credentials are checked (its password may be what was unreadable):
 * `{"error": {"type": "practice_deployment_lost", "reason", "state": "lost", "id", "lostAt"}, "status": 410}`.
 * The app offers the learner to recreate it; `DELETE` forgets it.
 */
function refuseLost(ctx: ControlContext): void {
  const id = ctx.params.id ?? '';
  const lost = ctx.registry.get(id) ? undefined : ctx.registry.lost(id);
  if (!lost) return;
  throw new ControlError(
    410,
    'practice_deployment_lost',
    `practice deployment [${id}] could not be read back after the practice cluster restarted (${lost.reason}); create a new one`,
    {},
    { state: 'lost', id, lostAt: new Date(lost.lostAt).toISOString() },
  );
}

/** The deployment named in the path, if the request carries its `elastic` credentials. */
function authorised(ctx: ControlContext): Deployment {
  refuseLost(ctx);
  const deployment = ctx.registry.get(ctx.params.id ?? '');
  const credentials = parseAuthorization(ctx.headers.authorization);
  const challenge = { 'WWW-Authenticate': 'Basic realm="practice" charset="UTF-8"' };
  if (!credentials) throw new ControlError(401, 'security_exception', 'missing authentication credentials: use the deployment\'s username and password (basic auth)', challenge);
  if (credentials.kind !== 'basic') throw new ControlError(401, 'security_exception', 'the control API takes the deployment\'s username and password (basic auth)', challenge);
  const owner = ctx.registry.findByPassword(credentials.password);
  if (!owner && !deployment) {
    // Reclaimed while idle: its owner (and only its owner) is told so, apart from a lost one.
    const tombstone = ctx.registry.reclaimedWith(ctx.params.id ?? '', credentials.password);
    if (tombstone) {
      throw new ControlError(410, 'deployment_reclaimed_exception', `practice deployment [${tombstone.id}] was reclaimed after ${tombstone.idleMinutes} minutes without activity`, {}, {
        reclaimed_at: new Date(tombstone.reclaimedAt).toISOString(),
        idle_minutes: tombstone.idleMinutes,
        flavor: tombstone.flavor,
      });
    }
  }
  if (!owner || credentials.username !== owner.username) throw new ControlError(401, 'security_exception', `unable to authenticate user [${credentials.username}]`, challenge);
  if (!deployment) throw new ControlError(404, 'resource_not_found_exception', `no practice deployment [${ctx.params.id}]`);
  if (owner !== deployment) throw new ControlError(403, 'security_exception', `these credentials belong to another deployment, not to [${deployment.id}]`);
  return deployment;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;

function createDeployment(ctx: ControlContext): ControlReply {
  const body = controlBody(ctx);
  const flavor = body.flavor === undefined ? '8' : String(body.flavor);
  if (!isFlavor(flavor)) throw new ControlError(400, 'illegal_argument_exception', `flavor must be ${FLAVORS.map((f) => `"${f}"`).join(', ')}, got ${JSON.stringify(body.flavor)}`);
  if (body.name !== undefined && (typeof body.name !== 'string' || !NAME.test(body.name))) {
    throw new ControlError(400, 'illegal_argument_exception', 'name must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  let deployment: Deployment;
  try {
    deployment = ctx.registry.create({ flavor, name: body.name as string | undefined });
  } catch (error) {
    if (error instanceof DeploymentLimitError) throw new ControlError(429, 'too_many_deployments', error.message, { 'Retry-After': '300' }, { capacity: ctx.registry.capacity });
    throw error;
  }
  return {
    status: 201,
    body: { id: deployment.id, url: ctx.baseUrl, username: deployment.username, password: deployment.password, version: deployment.info.version },
  };
}

/** When the deployment will be reclaimed if the learner does nothing more, as the control API shows it. */
function idleFields(ctx: ControlContext, d: Deployment): Record<string, unknown> {
  const at = ctx.registry.reclaimAt(d);
  return { idleMinutes: Math.round(ctx.registry.idleMs / 60_000), reclaimAt: at === null ? null : new Date(at).toISOString() };
}

function getDeployment(ctx: ControlContext): ControlReply {
  const d = authorised(ctx);
  const body = { ...d.summary(ctx.baseUrl), ...idleFields(ctx, d) };
  for (const feature of d.features.values()) if (feature.state) body[feature.name] = feature.state();
  return { body };
}

/**
 * `POST /_practice/deployments/{id}/activity`: the app saw the learner at work (their page's own
 * requests); the idle time starts again. The app's background checks do not call it.
 */
function noteActivity(ctx: ControlContext): ControlReply {
  const d = authorised(ctx);
  ctx.registry.noteActivity(d, ctx.clock.now());
  return { body: { lastActivityAt: new Date(d.lastActivityAt).toISOString(), ...idleFields(ctx, d) } };
}

function deleteDeployment(ctx: ControlContext): ControlReply {
  if (ctx.registry.dropLost(ctx.params.id ?? '')) return { body: { acknowledged: true } };
  const d = authorised(ctx);
  ctx.registry.delete(d.id);
  return { body: { acknowledged: true } };
}

function putLicense(ctx: ControlContext): ControlReply {
  const d = authorised(ctx);
  const { type } = controlBody(ctx);
  if (type !== 'basic' && type !== 'trial') throw new ControlError(400, 'illegal_argument_exception', 'type must be "basic" or "trial"');
  d.setLicense(type, ctx.clock.now());
  // Going back to basic makes the trial available again, so `POST _license/start_trial` can be practised.
  if (type === 'basic') d.license.trialUsed = false;
  return { body: licenseBody(d, ctx.clock.now()) };
}

function putFaults(ctx: ControlContext): ControlReply {
  const d = authorised(ctx);
  try {
    d.faults = parseFaultConfig(controlBody(ctx));
  } catch (error) {
    if (error instanceof FaultConfigError) throw new ControlError(400, 'illegal_argument_exception', error.message);
    throw error;
  }
  d.requestCount = 0;
  return { body: { faults: d.faults } };
}

function getFaults(ctx: ControlContext): ControlReply {
  return { body: { faults: authorised(ctx).faults } };
}

function deleteFaults(ctx: ControlContext): ControlReply {
  const d = authorised(ctx);
  d.faults = {};
  d.requestCount = 0;
  return { body: { faults: d.faults } };
}

/**
 * The chapter 5 flights.csv (DESIGN.md): the same bytes every time, streamed a day at a time. A
 * `from`/`to` day range gives that slice of the file (its own header first), for tests.
 */
function flightsCsv(ctx: ControlContext): ControlReply {
  const range: FlightsRange = { from: ctx.query.get('from') ?? undefined, to: ctx.query.get('to') ?? undefined };
  let bytes: number;
  try {
    bytes = flightsSize(range).bytes;
  } catch (error) {
    if (error instanceof RangeError) throw new ControlError(400, 'illegal_argument_exception', error.message);
    throw error;
  }
  return {
    body: null,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-length': String(bytes),
      'content-disposition': 'attachment; filename="flights.csv"',
      'cache-control': 'public, max-age=86400',
    },
    stream: () => flightsCsvStream(range),
  };
}

export function controlRouter(features: readonly FeatureDefinition[] = []): Router<ControlHandler> {
  const r = new Router<ControlHandler>();
  r.add(['GET', 'HEAD'], '/_practice/ping', () => ({ body: { ok: true, product: 'elastic-logging-lab practice cluster' } }));
  r.add(['GET', 'HEAD'], '/_practice/datasets/flights.csv', flightsCsv);
  r.add('POST', '/_practice/deployments', createDeployment);
  r.add('GET', '/_practice/deployments/{id}', getDeployment);
  r.add('DELETE', '/_practice/deployments/{id}', deleteDeployment);
  r.add('POST', '/_practice/deployments/{id}/activity', noteActivity);
  r.add('PUT', '/_practice/deployments/{id}/license', putLicense);
  r.add('GET', '/_practice/deployments/{id}/faults', getFaults);
  r.add('PUT', '/_practice/deployments/{id}/faults', putFaults);
  r.add('DELETE', '/_practice/deployments/{id}/faults', deleteFaults);
  for (const definition of features) {
    definition.controlRoutes?.({
      add(methods, subpath, handler) {
        r.add(methods, `/_practice/deployments/{id}${subpath}`, (ctx) => {
          const deployment = authorised(ctx);
          // A learner's action (a host button): idle time starts again; reading state does not count.
          if (ctx.method !== 'GET' && ctx.method !== 'HEAD') ctx.registry.noteActivity(deployment, ctx.clock.now());
          return handler(ctx, featureOf(deployment.features, definition.name));
        });
      },
    });
  }
  return r;
}
