import { ControlError, controlBody, defineFeature, type FeatureContext, type PracticeFeature } from '../feature';
import { checkSampleRequest, FLIGHTS_INDEX, type FlightsSampleRequest, loadFlightsSample, SampleRequestError } from './flights-sample';

/**
 * The lab's data sets on a deployment, driven through the control API (no Elasticsearch routes):
 * `POST /_practice/deployments/{id}/datasets/flights` `{timeZone, from?, to?}` starts loading the
 * flights sample and answers 202 with its progress; `GET` the same path reports it; `DELETE`
 * cancels. One load runs at a time per deployment; asking again while it runs answers that load.
 */

export interface SampleLoad {
  loadId: string;
  index: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  rows: number;
  failedRows: number;
  totalRows: number;
  timeZone: string;
  from: string | null;
  to: string | null;
  startedAt: string;
  finishedAt: string | null;
  failures: { line: number; reason: string }[];
  error: string | null;
}

export class Datasets implements PracticeFeature {
  readonly name = 'datasets';
  readonly active = false;
  private current: SampleLoad | null = null;
  private abort: AbortController | null = null;
  private loads = 0;

  constructor(private readonly ctx: FeatureContext) {}

  get flights(): SampleLoad | null {
    return this.current;
  }

  startFlights(request: FlightsSampleRequest): SampleLoad {
    if (this.current?.state === 'running') return this.current;
    const { totalRows } = checkSampleRequest(request);
    this.loads += 1;
    const load: SampleLoad = {
      loadId: `${this.ctx.deploymentId}-flights-${this.loads}`,
      index: FLIGHTS_INDEX,
      state: 'running',
      rows: 0,
      failedRows: 0,
      totalRows,
      timeZone: request.timeZone,
      from: request.from ?? null,
      to: request.to ?? null,
      startedAt: new Date(this.ctx.clock.now()).toISOString(),
      finishedAt: null,
      failures: [],
      error: null,
    };
    const abort = new AbortController();
    this.current = load;
    this.abort = abort;
    loadFlightsSample(this.ctx.engine, request, {
      signal: abort.signal,
      onProgress: (rows, failedRows) => {
        load.rows = rows;
        load.failedRows = failedRows;
      },
    }).then(
      (result) => {
        load.rows = result.rows;
        load.failedRows = result.failedRows;
        load.failures = result.failures;
        load.state = abort.signal.aborted ? 'cancelled' : 'done';
        load.finishedAt = new Date(this.ctx.clock.now()).toISOString();
      },
      (error: unknown) => {
        load.state = 'failed';
        load.error = error instanceof Error ? error.message : String(error);
        load.finishedAt = new Date(this.ctx.clock.now()).toISOString();
        this.ctx.log(`flights sample failed: ${error instanceof Error ? error.stack : String(error)}`);
      },
    );
    return load;
  }

  cancelFlights(): SampleLoad | null {
    if (this.current?.state === 'running') this.abort?.abort();
    return this.current;
  }

  approximateBytes(): number {
    return 2_000;
  }

  dispose(): void {
    this.abort?.abort();
  }

  state(): unknown {
    return this.current ? { flights: { state: this.current.state, rows: this.current.rows, totalRows: this.current.totalRows } } : {};
  }
}

function sampleRequest(body: Record<string, unknown>): FlightsSampleRequest {
  const known = new Set(['timeZone', 'from', 'to']);
  for (const key of Object.keys(body)) if (!known.has(key)) throw new ControlError(400, 'illegal_argument_exception', `unknown field [${key}]; known: timeZone, from, to`);
  if (typeof body.timeZone !== 'string' || body.timeZone === '') throw new ControlError(400, 'illegal_argument_exception', 'timeZone is required: the IANA zone the times are read in, e.g. "Asia/Seoul"');
  for (const key of ['from', 'to'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') throw new ControlError(400, 'illegal_argument_exception', `${key} must be a date YYYY-MM-DD`);
  }
  return { timeZone: body.timeZone, from: body.from as string | undefined, to: body.to as string | undefined };
}

export const datasetsFeature = defineFeature<Datasets>({
  name: 'datasets',
  controlRoutes(r) {
    r.add('POST', '/datasets/flights', (ctx, datasets) => {
      try {
        return { status: 202, body: datasets.startFlights(sampleRequest(controlBody(ctx))) };
      } catch (error) {
        if (error instanceof SampleRequestError) throw new ControlError(400, 'illegal_argument_exception', error.message);
        throw error;
      }
    });
    r.add('GET', '/datasets/flights', (_ctx, datasets) => {
      if (!datasets.flights) throw new ControlError(404, 'resource_not_found_exception', 'no flights sample was loaded on this deployment');
      return { body: datasets.flights };
    });
    r.add('DELETE', '/datasets/flights', (_ctx, datasets) => {
      const load = datasets.cancelFlights();
      if (!load) throw new ControlError(404, 'resource_not_found_exception', 'no flights sample was loaded on this deployment');
      return { body: load };
    });
  },
  create: (ctx) => new Datasets(ctx),
});
