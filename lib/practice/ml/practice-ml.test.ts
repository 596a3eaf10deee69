import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedFile } from '@/lib/testing/shared-files';
import { FLIGHT_AIRPORTS, FLIGHT_CARRIERS, flightDays, type FlightsRange } from '../../datasets/flights';
import { ManualClock } from '../clock';
import { type Engine, EsError, type Flavor } from '../engine/api';
import { esErrorBody } from '../engine/errors';
import { createEngine } from '../engine/index';
import { type LicenceType, PracticeMl } from './index';

const fixture = (name: string) => JSON.parse(readFileSync(sharedFile('fixtures', ...name.split('/')), 'utf8')) as Record<string, unknown>;
const WIZARD_JOB: Record<Flavor, string> = { '9': 'ml/DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json', '8': 'ml/DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json', '7': 'ml/DERIVED-flights-job.kibana-7.6-single-metric-wizard.put-body.json' };
const WIZARD_DATAFEED = 'ml/DERIVED-flights-datafeed.kibana-later-7x-and-8x.put-body.json';
// The tests read deep into ES answers; typing every level would only repeat the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = Record<string, any>;

function catchEs(fn: () => unknown): EsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EsError) return e;
    throw e;
  }
  throw new Error('expected an EsError');
}

/** Indexes flights as the import pipeline leaves them (`@timestamp` read in UTC); `every` keeps one flight in n. */
function seedFlights(engine: Engine, range: FlightsRange, every = 1): { first: number; last: number; nonEmpty15m: number } {
  engine.createIndex('flights', { mappings: { properties: { '@timestamp': { type: 'date' }, carrier: { type: 'keyword' }, origin: { type: 'keyword' }, dest: { type: 'keyword' }, dep_delay: { type: 'long' } } } });
  let first = Infinity;
    let k = 0;
  let lastMs = -Infinity;
  const times: number[] = [];
  for (const d of flightDays(range)) {
    const actions = [];
    for (let i = 0; i < d.count; i += 1) {
      k += 1;
      if (k % every !== 0) continue;
      const ms = d.dayStartUtc + (d.minute[i] as number) * 60_000;
      first = Math.min(first, ms);
      times.push(ms);
      if (ms > lastMs) lastMs = ms;
      actions.push({ op: 'index' as const, index: 'flights', source: { '@timestamp': new Date(ms).toISOString(), carrier: FLIGHT_CARRIERS[d.carrier[i] as number], origin: FLIGHT_AIRPORTS[d.origin[i] as number], dest: FLIGHT_AIRPORTS[d.dest[i] as number], dep_delay: d.depDelay[i] } });
    }
    engine.bulk(actions);
  }
  engine.refresh('flights');
  // The wizard's end is the last document's time and is exclusive, so that document's bucket is not analysed.
  // Records are the non-empty 15-minute histogram buckets of the documents before the (exclusive) end.
  return { first, last: lastMs, nonEmpty15m: new Set(times.filter((t) => t < lastMs).map((t) => Math.floor(t / 900_000))).size };
}

function setup(flavor: Flavor, opts: { licence?: LicenceType; mlNodes?: boolean } = {}) {
  const engine = createEngine({ flavor });
  const clock = new ManualClock(Date.UTC(2026, 2, 10, 12));
  let licence: LicenceType = opts.licence ?? 'trial';
  let mlNodes = opts.mlNodes ?? true;
  const ml = new PracticeMl({ engine, clock, licence: () => licence, node: { id: 'aXnode1aXnode1aXnode1a', name: 'instance-0000000000' }, mlNodes: () => mlNodes });
  return {
    engine,
    clock,
    ml,
    setLicence: (l: LicenceType) => {
      licence = l;
    },
    setMlNodes: (v: boolean) => {
      mlNodes = v;
    },
  };
}

function runToEnd(ml: PracticeMl): number {
  let ticks = 0;
  do {
    ml.tick();
    ticks += 1;
  } while (ml.busy() && ticks < 10_000);
  return ticks;
}

describe.each(['7', '8'] as Flavor[])('anomaly detection jobs as Kibana creates them (flavour %s)', (flavor) => {
  it('stores the single-metric wizard job the way ES does', () => {
    const { ml } = setup(flavor);
    const put = ml.putJob({ job_id: 'flights' }, {}, fixture(WIZARD_JOB[flavor])) as J;
    expect(put).toMatchObject({ job_id: 'flights', job_type: 'anomaly_detector', results_index_name: 'shared', allow_lazy_open: false, model_snapshot_retention_days: 10, daily_model_snapshot_retention_after_days: 1 });
    expect(put.analysis_config.detectors).toEqual([{ detector_description: 'count', function: 'count', detector_index: 0 }]);
    expect(put.data_description).toEqual({ time_field: '@timestamp', time_format: 'epoch_ms' });
    expect(put.analysis_limits).toEqual({ model_memory_limit: flavor === '8' ? '11mb' : '10mb', categorization_examples_limit: 4 });
    expect('model_prune_window' in put.analysis_config).toBe(flavor === '8');
    ml.putDatafeed({ datafeed_id: 'datafeed-flights' }, {}, fixture(WIZARD_DATAFEED));
    const got = (ml.getJobs({ job_id: 'flights' }, {}) as J).jobs[0];
    const expected = (fixture('ml/DERIVED-flights-job.get-response.8x.json').jobs as J[])[0] as J;
    if (flavor === '8') {
      expect(Object.keys(got)).toEqual(Object.keys(expected).filter((k) => k !== 'finished_time'));
      expect(Object.keys(got.datafeed_config)).toEqual(Object.keys(expected.datafeed_config));
      expect(got.datafeed_config.query_delay).toMatch(/^\d{5,6}ms$/);
      const { authorization: _a, query_delay: _q, ...rest } = got.datafeed_config;
      const { authorization: _b, query_delay: _r, ...expectedRest } = expected.datafeed_config;
      expect(rest).toEqual(expectedRest);
      expect(got.analysis_config).toEqual(expected.analysis_config);
    } else {
      expect(got.datafeed_config).toBeUndefined();
    }
  });

  it('validates jobs and datafeeds with ES messages', () => {
    const { ml } = setup(flavor);
    const { job_id: _id, ...job } = fixture(WIZARD_JOB[flavor]);
    const reason = (fn: () => unknown) => {
      const e = catchEs(fn);
      return [e.status, e.reason];
    };
    expect(reason(() => ml.putJob({ job_id: 'Flights' }, {}, job))).toEqual([400, "Invalid job_id; 'Flights' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric"]);
    expect(reason(() => ml.putJob({ job_id: 'x'.repeat(65) }, {}, job))).toEqual([400, 'The job id cannot contain more than 64 characters.']);
    expect(reason(() => ml.putJob({ job_id: 'a' }, {}, { data_description: {} }))).toEqual([400, 'An analysis_config must be set']);
    expect(reason(() => ml.putJob({ job_id: 'a' }, {}, { analysis_config: { detectors: [{ function: 'count' }] } }))).toEqual([400, 'A data_description must be set']);
    expect(reason(() => ml.putJob({ job_id: 'a' }, {}, { analysis_config: { detectors: [] }, data_description: {} }))).toEqual([400, 'No detectors configured']);
    expect(reason(() => ml.putJob({ job_id: 'a' }, {}, { analysis_config: { detectors: [{ function: 'foo' }] }, data_description: {} }))).toEqual([400, "Unknown function 'foo'"]);
    expect(reason(() => ml.putJob({ job_id: 'a' }, {}, { analysis_config: { detectors: [{ function: 'mean' }] }, data_description: {} }))).toEqual([400, "field_name must be set when the 'mean' function is used"]);
    expect(catchEs(() => ml.putJob({ job_id: 'a' }, {}, { analysis_config: { detectors: [{ function: 'count', by_field_name: 'carrier' }] }, data_description: {} })).status).toBe(400);
    ml.putJob({ job_id: 'flights' }, {}, job);
    const dup = catchEs(() => ml.putJob({ job_id: 'flights' }, {}, job));
    expect([dup.status, dup.type, dup.reason]).toEqual([400, 'resource_already_exists_exception', "The job cannot be created with the Id 'flights'. The Id is already used."]);
    expect(reason(() => ml.openJob({ job_id: 'nope' }, {}))).toEqual([404, "No known job with id 'nope'"]);
    expect(reason(() => ml.getDatafeeds({ datafeed_id: 'nope' }, {}))).toEqual([404, 'No datafeed with id [nope] exists']);
    ml.putJob({ job_id: 'plain' }, {}, { analysis_config: { bucket_span: '15m', detectors: [{ function: 'count' }] }, data_description: { time_field: '@timestamp' } });
    const { datafeed_id: _df, ...feed } = fixture(WIZARD_DATAFEED) as J;
    expect(reason(() => ml.putDatafeed({ datafeed_id: 'df-plain' }, {}, { ...feed, job_id: 'plain' }))).toEqual([400, 'A job configured with a datafeed with aggregations must set summary_count_field_name; use doc_count or suitable alternative']);
    expect(reason(() => ml.putDatafeed({ datafeed_id: 'df1' }, {}, { ...feed, aggregations: { buckets: { date_histogram: { field: '@timestamp', fixed_interval: '900000ms' } } } }))).toEqual([400, 'Missing max aggregation for time_field [@timestamp]']);
    expect(reason(() => ml.putDatafeed({ datafeed_id: 'df1' }, {}, { ...feed, aggregations: { buckets: { date_histogram: { field: '@timestamp', fixed_interval: '420000ms' }, aggregations: { '@timestamp': { max: { field: '@timestamp' } } } } } }))).toEqual([400, 'Aggregation interval [420000ms] must be a divisor of the bucket_span [15m]']);
    ml.putDatafeed({ datafeed_id: 'datafeed-flights' }, {}, feed);
    expect(reason(() => ml.putDatafeed({ datafeed_id: 'datafeed-flights' }, {}, feed))).toEqual([400, 'A datafeed with id [datafeed-flights] already exists']);
    expect(reason(() => ml.putDatafeed({ datafeed_id: 'other' }, {}, feed))).toEqual([409, 'A datafeed [datafeed-flights] already exists for job [flights]']);
    expect(reason(() => ml.startDatafeed({ datafeed_id: 'datafeed-flights' }, {}))).toEqual([409, 'cannot start datafeed [datafeed-flights] because job [flights] is closed']);
  });

  it('answers Basic licences with the exact 403 and still lets them read', () => {
    const { ml, setLicence } = setup(flavor, { licence: 'basic' });
    const e = catchEs(() => ml.putJob({ job_id: 'flights' }, {}, fixture(WIZARD_JOB[flavor])));
    expect({ error: esErrorBody(e), status: e.status }).toEqual(fixture('errors/DERIVED-ml-basic-license.403.json'));
    expect(ml.getJobs({}, {})).toEqual({ count: 0, jobs: [] });
    setLicence('trial');
    ml.putJob({ job_id: 'flights' }, {}, fixture(WIZARD_JOB[flavor]));
    setLicence('basic');
    expect(catchEs(() => ml.openJob({ job_id: 'flights' }, {})).status).toBe(403);
    expect((ml.getJobStats({ job_id: 'flights' }, {}) as J).jobs[0].state).toBe('closed');
  });

  it('answers _ml/info and the model memory estimate', () => {
    const { ml, setMlNodes } = setup(flavor, { licence: 'basic' });
    const info = ml.info() as J;
    expect(info.defaults.anomaly_detectors).toMatchObject({ categorization_examples_limit: 4, model_memory_limit: '1gb', model_snapshot_retention_days: 10, daily_model_snapshot_retention_after_days: 1 });
    expect(info.defaults.datafeeds).toEqual({ scroll_size: 1000 });
    expect(info.upgrade_mode).toBe(false);
    expect(info.native_code.version).toBe(flavor === '8' ? '8.15.0' : '7.17.0');
    setMlNodes(false);
    expect((ml.info() as J).limits).toEqual({ total_ml_memory: '0b' });
    expect(ml.estimateModelMemory({}, { analysis_config: { bucket_span: '15m', detectors: [{ function: 'count' }] } })).toEqual({ model_memory_estimate: '11mb' });
  });

  it('answers ES 429 when the cluster has no ML node', () => {
    const { ml } = setup(flavor, { mlNodes: false });
    const { job_id: _id, ...job } = fixture(WIZARD_JOB[flavor]);
    ml.putJob({ job_id: 'apm-tx-metrics-development' }, {}, job);
    const e = catchEs(() => ml.openJob({ job_id: 'apm-tx-metrics-development' }, {}));
    expect({ error: esErrorBody(e), status: e.status }).toEqual(fixture('errors/kibana-issue-125276.ml-open-job-no-ml-node.429.json'));
    expect((ml.getJobStats({ job_id: 'apm-tx-metrics-development' }, {}) as J).jobs[0].state).toBe('closed');
  });
});

describe('the flights job on a generated slice (2017-11-09 to 11-26, one flight in three), flavour 8', () => {
  const { engine, ml } = setup('8');
  let data: { first: number; last: number; nonEmpty15m: number };
  let ticks = 0;
  beforeAll(() => {
    data = seedFlights(engine, { from: '2017-11-09', to: '2017-11-26' }, 3);
    ml.putJob({ job_id: 'flights' }, {}, fixture(WIZARD_JOB['8']));
    ml.putDatafeed({ datafeed_id: 'datafeed-flights' }, {}, fixture(WIZARD_DATAFEED));
    expect(ml.openJob({ job_id: 'flights' }, {})).toEqual({ opened: true, node: 'aXnode1aXnode1aXnode1a' });
    expect(ml.startDatafeed({ datafeed_id: 'datafeed-flights' }, { start: String(data.first), end: String(data.last) })).toEqual({ started: true, node: 'aXnode1aXnode1aXnode1a' });
    expect((ml.getDatafeedStats({ datafeed_id: 'datafeed-flights' }, {}) as J).datafeeds[0].state).toBe('started');
    ticks = runToEnd(ml);
  }, 120_000);

  it('runs in several bounded slices, then stops the datafeed and closes the job', () => {
    expect(ticks).toBeGreaterThan(1);
    expect((ml.getDatafeedStats({ datafeed_id: 'datafeed-flights' }, {}) as J).datafeeds[0].state).toBe('stopped');
    const stats = (ml.getJobStats({ job_id: 'flights' }, {}) as J).jobs[0];
    expect(stats.state).toBe('closed');
    expect(Object.keys(stats)).toEqual(['job_id', 'data_counts', 'model_size_stats', 'forecasts_stats', 'state', 'timing_stats']);
  });

  it('counts one input record per non-empty 15-minute histogram bucket', () => {
    const c = (ml.getJobStats({ job_id: 'flights' }, {}) as J).jobs[0].data_counts;
    expect(c.processed_record_count).toBe(data.nonEmpty15m);
    expect(c.input_record_count).toBe(data.nonEmpty15m);
    expect(c.processed_field_count).toBe(data.nonEmpty15m);
    // The end is exclusive and falls inside the last bucket, which is read but not finalised.
    expect(c.bucket_count + 1).toBe(c.processed_record_count + c.empty_bucket_count);
    expect(c.latest_record_timestamp).toBeLessThan(data.last);
    expect(c.earliest_record_timestamp).toBeGreaterThanOrEqual(data.first);
  });

  it('finds Thanksgiving: the highest bucket scores are on 2017-11-23 and critical', () => {
    const res = ml.getBuckets({ job_id: 'flights' }, { anomaly_score: 75, sort: 'anomaly_score', desc: true }) as J;
    expect(res.count).toBeGreaterThan(0);
    for (const b of res.buckets) expect(new Date(b.timestamp).toISOString().slice(0, 10)).toBe('2017-11-23');
    expect(Object.keys(res.buckets[0])).toEqual(['job_id', 'timestamp', 'anomaly_score', 'bucket_span', 'initial_anomaly_score', 'event_count', 'is_interim', 'bucket_influencers', 'processing_time_ms', 'result_type']);
    expect(res.buckets[0].bucket_influencers[0]).toMatchObject({ influencer_field_name: 'bucket_time', result_type: 'bucket_influencer' });
  });

  it('writes records Kibana finds on .ml-anomalies-*, fewer flights than typical, with renormalised scores never above the initial ones for earlier results', () => {
    const res = engine.search('.ml-anomalies-*', { size: 500, sort: [{ record_score: 'desc' }], query: { bool: { filter: [{ term: { result_type: 'record' } }, { term: { job_id: 'flights' } }, { range: { record_score: { gte: 75 } } }] } } }) as J;
    const records = res.hits.hits.map((h: J) => h._source);
    expect(records.length).toBeGreaterThan(0);
    expect(res.hits.hits[0]._id).toMatch(/^flights_record_\d+_900_0_29791_0$/);
    expect(Object.keys(records[0])).toEqual(Object.keys(fixture('ml/DERIVED-flights-anomaly-record.illustrative.json')));
    expect(records[0].actual[0]).toBeLessThan(records[0].typical[0]);
    const all = (ml.getRecords({ job_id: 'flights' }, { size: 1000 }) as J).records;
    const best = Math.max(...all.map((r: J) => r.record_score));
    for (const r of all) if (r.timestamp < Date.UTC(2017, 10, 23)) expect(r.record_score).toBeLessThanOrEqual(r.initial_record_score + 1e-9);
    expect(all[0].record_score).toBe(best);
  });

  it('answers the Single Metric Viewer model plot search with bounds and actuals', () => {
    const body = {
      size: 0,
      query: { bool: { filter: [{ query_string: { query: 'result_type:model_plot', analyze_wildcard: true } }, { bool: { must: [{ term: { job_id: 'flights' } }, { range: { timestamp: { gte: Date.UTC(2017, 10, 22), lte: Date.UTC(2017, 10, 24), format: 'epoch_millis' } } }], should: [{ term: { detector_index: 0 } }, { bool: { must_not: [{ exists: { field: 'detector_index' } }] } }], minimum_should_match: 1 } }] } },
      aggs: { times: { date_histogram: { field: 'timestamp', fixed_interval: '3600000ms', min_doc_count: 0 }, aggs: { actual: { avg: { field: 'actual' } }, modelUpper: { max: { field: 'model_upper' } }, modelLower: { min: { field: 'model_lower' } } } } },
    };
    const res = engine.search('.ml-anomalies-*', body) as J;
    const buckets = res.aggregations.times.buckets as J[];
    expect(buckets.length).toBeGreaterThanOrEqual(48);
    const noon22 = buckets.find((b) => b.key === Date.UTC(2017, 10, 22, 12)) as J;
    expect(noon22.modelLower.value).toBeLessThan(noon22.actual.value);
    expect(noon22.modelUpper.value).toBeGreaterThan(noon22.actual.value);
    const evening23 = buckets.find((b) => b.key === Date.UTC(2017, 10, 23, 20)) as J;
    expect(evening23.actual.value).toBeLessThan(evening23.modelLower.value);
  });

  it('gives overall buckets and no influencers', () => {
    const res = ml.getOverallBuckets({ job_id: 'flights' }, { overall_score: 75 }) as J;
    expect(res.count).toBeGreaterThan(0);
    expect(res.overall_buckets[0]).toMatchObject({ bucket_span: 900, result_type: 'overall_bucket', is_interim: false });
    expect(ml.getInfluencers({ job_id: 'flights' }, {})).toEqual({ count: 0, influencers: [] });
  });

  it('keeps configs in .ml-config and writes job messages', () => {
    expect(engine.get('.ml-config', 'anomaly_detector-flights').found).toBe(true);
    expect((engine.get('.ml-config', 'datafeed-datafeed-flights')._source as J).config_type).toBe('datafeed');
    // Job messages are written without a refresh, as ES's auditor writes them.
    engine.refresh('.ml-notifications-*');
    const msgs = (engine.search('.ml-notifications-*', { size: 50, sort: [{ timestamp: 'asc' }] }) as J).hits.hits.map((h: J) => h._source.message);
    expect(msgs).toEqual(expect.arrayContaining(['Job created', 'Datafeed lookback completed', 'Datafeed stopped', 'Job is closing']));
  });

  it('refuses to delete a job its datafeed refers to, then deletes datafeed, job and results', () => {
    expect(catchEs(() => ml.deleteJob({ job_id: 'flights' }, {})).reason).toBe('Cannot delete job [flights] because datafeed [datafeed-flights] refers to it');
    expect(ml.deleteDatafeed({ datafeed_id: 'datafeed-flights' }, {})).toEqual({ acknowledged: true });
    expect(ml.deleteJob({ job_id: 'flights' }, {})).toEqual({ acknowledged: true });
    expect(engine.count('.ml-anomalies-shared', { query: { term: { job_id: 'flights' } } }, { expandWildcards: 'all' }).count).toBe(0);
  });
});

describe('a plain (non-aggregated) datafeed for mean(dep_delay), flavour 7 with the 7.2-7.4 era aggregated feed beside it', () => {
  const { engine, ml } = setup('7');
  let data: { first: number; last: number; nonEmpty15m: number };
  beforeAll(() => {
    data = seedFlights(engine, { from: '2017-11-20', to: '2017-11-22' }, 10);
  }, 60_000);

  it('previews and runs a mean job on documents, counting input per document', () => {
    ml.putJob({ job_id: 'delay' }, {}, { analysis_config: { bucket_span: '1h', detectors: [{ function: 'high_mean', field_name: 'dep_delay' }] }, data_description: { time_field: '@timestamp' }, model_plot_config: { enabled: true } });
    ml.putDatafeed({ datafeed_id: 'datafeed-delay' }, {}, { job_id: 'delay', indices: ['flights'], query: { match_all: {} } });
    const preview = ml.previewDatafeed({ datafeed_id: 'datafeed-delay' }, {}) as J[];
    expect(preview[0]).toHaveProperty('@timestamp');
    expect(preview[0]).toHaveProperty('dep_delay');
    ml.openJob({ job_id: 'delay' }, {});
    ml.startDatafeed({ datafeed_id: 'datafeed-delay' }, {}, { start: new Date(data.first).toISOString(), end: new Date(data.last + 1).toISOString() });
    runToEnd(ml);
    const c = (ml.getJobStats({ job_id: 'delay' }, {}) as J).jobs[0].data_counts;
    expect(c.processed_record_count).toBeGreaterThan(data.nonEmpty15m);
    const plots = engine.count('.ml-anomalies-.write-delay', { query: { term: { result_type: 'model_plot' } } }).count;
    expect(plots).toBe(c.bucket_count - c.empty_bucket_count);
    const rec = (ml.getRecords({ job_id: 'delay' }, { size: 1 }) as J).records[0];
    if (rec) expect(rec).toMatchObject({ function: 'high_mean', function_description: 'mean', field_name: 'dep_delay' });
  });

  it('runs the 7.2-7.4 era wizard datafeed (interval instead of fixed_interval)', () => {
    ml.putJob({ job_id: 'flights' }, {}, fixture(WIZARD_JOB['7']));
    ml.putDatafeed({ datafeed_id: 'datafeed-flights' }, {}, fixture('ml/DERIVED-flights-datafeed.kibana-7.2-7.4-era.put-body.json'));
    ml.openJob({ job_id: 'flights' }, {});
    const e = catchEs(() => ml.startDatafeed({ datafeed_id: 'datafeed-flights' }, { start: '2017-11-22T00:00:00Z', end: '2017-11-20T00:00:00Z' }));
    expect(e.reason).toBe("Invalid time range: end time '2017-11-20T00:00:00Z' is earlier than start time '2017-11-22T00:00:00Z'.");
    ml.startDatafeed({ datafeed_id: 'datafeed-flights' }, { start: String(data.first), end: String(data.last) });
    runToEnd(ml);
    const stats = (ml.getJobStats({ job_id: 'flights' }, {}) as J).jobs[0];
    expect(stats.state).toBe('closed');
    expect(stats.data_counts.processed_record_count).toBe(data.nonEmpty15m);
    expect((ml.getBuckets({ job_id: 'flights' }, { size: 5 }) as J).count).toBe(stats.data_counts.bucket_count);
  });

  it('flushes only open jobs and closes with a started datafeed by stopping it first', () => {
    ml.putJob({ job_id: 'live' }, {}, { analysis_config: { bucket_span: '15m', detectors: [{ function: 'count' }] }, data_description: { time_field: '@timestamp' } });
    ml.putDatafeed({ datafeed_id: 'datafeed-live' }, {}, { job_id: 'live', indices: ['flights'] });
    expect(catchEs(() => ml.flushJob({ job_id: 'live' }, {})).status).toBe(409);
    ml.openJob({ job_id: 'live' }, {});
    ml.startDatafeed({ datafeed_id: 'datafeed-live' }, { start: String(data.first) });
    ml.tick();
    expect((ml.flushJob({ job_id: 'live' }, {}) as J).flushed).toBe(true);
    expect(ml.closeJob({ job_id: 'live' }, {})).toEqual({ closed: true });
    expect((ml.getDatafeedStats({ datafeed_id: 'datafeed-live' }, {}) as J).datafeeds[0].state).toBe('stopped');
  });

  it('runs in real time without an end: up to now minus the query delay, the job staying open', () => {
    const { ml: live, engine: e2, clock } = setup('7');
    seedFlights(e2, { from: '2017-11-20', to: '2017-11-21' }, 20);
    live.putJob({ job_id: 'rt' }, {}, { analysis_config: { bucket_span: '15m', detectors: [{ function: 'count' }] }, data_description: { time_field: '@timestamp' } });
    live.putDatafeed({ datafeed_id: 'datafeed-rt' }, {}, { job_id: 'rt', indices: ['flights'], query_delay: '90s' });
    live.openJob({ job_id: 'rt' }, {});
    clock.set(Date.UTC(2017, 10, 20, 12));
    live.startDatafeed({ datafeed_id: 'datafeed-rt' }, { start: '2017-11-20T00:00:00Z' });
    runToEnd(live);
    const first = (live.getJobStats({ job_id: 'rt' }, {}) as J).jobs[0];
    expect(first.state).toBe('opened');
    expect(first.data_counts.latest_bucket_timestamp).toBe(Date.UTC(2017, 10, 20, 11, 30));
    const df = (live.getDatafeedStats({ datafeed_id: 'datafeed-rt' }, {}) as J).datafeeds[0];
    expect(df).toMatchObject({ state: 'started', running_state: { real_time_configured: true, real_time_running: true } });
    clock.set(Date.UTC(2017, 10, 20, 18));
    runToEnd(live);
    expect((live.getJobStats({ job_id: 'rt' }, {}) as J).jobs[0].data_counts.latest_bucket_timestamp).toBe(Date.UTC(2017, 10, 20, 17, 30));
    expect(live.getBuckets({ job_id: 'rt', timestamp: String(Date.UTC(2017, 10, 20, 17, 30)) }, {})).toMatchObject({ count: 1 });
    expect(live.stopDatafeed({ datafeed_id: 'datafeed-rt' }, {})).toEqual({ stopped: true });
    expect((live.getJobStats({ job_id: 'rt' }, {}) as J).jobs[0].state).toBe('opened');
    expect((live.updateJob({ job_id: 'rt' }, {}, { description: 'live count' }) as J).description).toBe('live count');
    expect((live.updateDatafeed({ datafeed_id: 'datafeed-rt' }, {}, { query_delay: '2m' }) as J).query_delay).toBe('2m');
  });
});
