import { describe, expect, it } from 'vitest';
import { parseVersionNumber } from '../cluster/version';
import { buildModelPlotRequest, chartInterval, parseJobStatus, parseModelPlot, parseRecords, severityOf, singleMetricViewerLink, type SeriesPoint } from './ml-anomalies';
import { boundsNarrowedAt, computeAnswers, handoutViews, localDate } from './ml-answers';
import { planImport, summariseStructure } from './ml-import';
import {
  bucketSpanMs,
  buildModelMemoryEstimate,
  buildWizardDatafeed,
  buildWizardJob,
  jobIdProblem,
  parseBucketSpanEstimate,
  parseIndexFields,
  wizardMemoryLimit,
  type WizardJobInput,
} from './ml-jobs';
import { sharedJson } from './testing/fixtures';

/** Chapter 5's pure builders and parsers against the recorded fixtures (ES-ML-REFERENCE §2, §6, §9). */

const FLIGHTS: WizardJobInput = { jobId: 'flights', index: 'flights', fn: 'count', bucketSpan: '15m', timeField: '@timestamp' };
const v = (n: string) => parseVersionNumber(n);

describe('the single-metric wizard job', () => {
  it('is the 7.6 wizard body key for key on 7.6, and the later one (annotations, estimated memory) on 7.17, 8.x and 9.x', () => {
    const { ...job76 } = sharedJson('ml/DERIVED-flights-job.kibana-7.6-single-metric-wizard.put-body.json');
    expect(JSON.stringify(buildWizardJob(FLIGHTS, v('7.6.2')))).toBe(JSON.stringify(job76));
    const job8 = sharedJson('ml/DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json');
    for (const version of ['7.17.0', '8.15.0', '9.1.3']) {
      expect(JSON.stringify(buildWizardJob({ ...FLIGHTS, modelMemoryLimit: wizardMemoryLimit('11mb') }, v(version)))).toBe(JSON.stringify(job8));
    }
  });

  it('has the datafeed Kibana sends: fixed_interval from 7.5, interval before', () => {
    expect(buildWizardDatafeed(FLIGHTS, v('8.15.0'))).toEqual(sharedJson('ml/DERIVED-flights-datafeed.kibana-later-7x-and-8x.put-body.json'));
    expect(buildWizardDatafeed(FLIGHTS, v('7.6.2'))).toEqual(sharedJson('ml/DERIVED-flights-datafeed.kibana-later-7x-and-8x.put-body.json'));
    expect(buildWizardDatafeed(FLIGHTS, v('7.4.0'))).toEqual(sharedJson('ml/DERIVED-flights-datafeed.kibana-7.2-7.4-era.put-body.json'));
  });

  it('builds a metric job with the field in the detector and a tenth of the span in the histogram', () => {
    const mean = { ...FLIGHTS, fn: 'mean' as const, field: 'dep_delay' };
    expect((buildWizardJob(mean, v('8.15.0')).analysis_config as { detectors: unknown }).detectors).toEqual([{ function: 'mean', field_name: 'dep_delay' }]);
    expect(buildWizardDatafeed(mean, v('8.15.0')).aggregations).toEqual({
      buckets: {
        date_histogram: { field: '@timestamp', fixed_interval: '90000ms' },
        aggregations: { '@timestamp': { max: { field: '@timestamp' } }, dep_delay: { avg: { field: 'dep_delay' } } },
      },
    });
    expect(buildModelMemoryEstimate(mean)).toMatchObject({ analysis_config: { detectors: [{ function: 'mean', field_name: 'dep_delay' }] } });
  });

  it('checks job ids and bucket spans as Elasticsearch does', () => {
    expect(jobIdProblem('flights')).toBeNull();
    expect(jobIdProblem('flights-2017_v.1')).toBeNull();
    expect(jobIdProblem('Flights')).toBe('id_format');
    expect(jobIdProblem('-flights')).toBe('id_format');
    expect(jobIdProblem('flights-')).toBe('id_format');
    expect(jobIdProblem('a'.repeat(65))).toBe('id_too_long');
    expect(bucketSpanMs('15m')).toBe(900_000);
    expect(bucketSpanMs('1h')).toBe(3_600_000);
    expect(bucketSpanMs('0m')).toBeNull();
    expect(bucketSpanMs('15 minutes')).toBeNull();
    expect(wizardMemoryLimit(undefined)).toBe('10MB');
  });

  it('finds number and date fields in a mapping, dotted for objects', () => {
    const fields = parseIndexFields({
      flights: { mappings: { properties: { '@timestamp': { type: 'date' }, dep_delay: { type: 'long' }, carrier: { type: 'keyword' }, geo: { properties: { alt: { type: 'double' } } } } } },
    });
    expect(fields).toEqual({ numeric: ['dep_delay', 'geo.alt'], dates: ['@timestamp'] });
  });
});

describe('bucket span estimation (Kibana-side)', () => {
  const histogram = (counts: number[], metric?: (i: number) => number) => ({
    aggregations: {
      coarse: { buckets: counts.map((c, i) => ({ key: i * 900_000, doc_count: c, ...(metric ? { metric: { value: c > 0 ? metric(i) : null } } : {}) })) },
      recent: { minutes: { buckets: [] } },
    },
  });

  it('keeps 15m for flights-like counts and goes coarser for sparse data', () => {
    expect(parseBucketSpanEstimate(histogram(Array.from({ length: 1000 }, () => 160)), 'count')).toEqual({ bucketSpan: '15m', basis: 'checked' });
    // Two events an hour: 15-minute buckets hold too few, an hour holds about 8 events over 3 h.
    const sparse = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    expect(parseBucketSpanEstimate(histogram(sparse), 'count').bucketSpan).toBe('3h');
  });

  it('answers the polling interval for polled data', () => {
    const minutes = Array.from({ length: 60 }, (_, i) => ({ key: i * 300_000, doc_count: 1 }));
    expect(parseBucketSpanEstimate({ aggregations: { coarse: { buckets: [] }, recent: { minutes: { buckets: minutes } } } }, 'count')).toEqual({ bucketSpan: '5m', basis: 'polled' });
  });
});

describe('the Single Metric Viewer reads', () => {
  it('parse the job, its stats and its datafeed from the fixtures', () => {
    const jobs = sharedJson('ml/DERIVED-flights-job.get-response.8x.json');
    const stats = sharedJson('ml/es-docs-get-job-stats.low_request_rate.json');
    const feedStats = sharedJson('ml/es-docs-get-datafeed-stats.high_sum_total_sales.json');
    const status = parseJobStatus(jobs, stats, null, feedStats);
    expect(status).toMatchObject({ id: 'flights', bucketSpan: '15m', bucketSpanMs: 900_000, function: 'count', field: null, modelPlot: true, timeField: '@timestamp', indices: ['flights'], processedRecords: 1216, datafeedState: 'started', datafeedId: 'datafeed-flights' });
    expect(status?.latestRecordTimestamp).toBe(1580417369440);
    expect(parseJobStatus({ jobs: [] }, stats, null, null)).toBeNull();
  });

  it('ask for model plot as Kibana does and parse bounds per interval', () => {
    const request = buildModelPlotRequest('flights', 1000, 2000, 900_000);
    expect(request.index).toBe('.ml-anomalies-*');
    expect(JSON.stringify(request.body)).toContain('"query":"result_type:model_plot"');
    expect(parseModelPlot({ aggregations: { times: { buckets: [{ key: 5, doc_count: 1, actual: { value: 182 }, modelUpper: { value: 312.1 }, modelLower: { value: 234.4 } }, { key: 6, doc_count: 0, actual: { value: null }, modelUpper: { value: null }, modelLower: { value: null } }] } } })).toEqual([
      { t: 5, actual: 182, lower: 234.4, upper: 312.1 },
      { t: 6, actual: null, lower: null, upper: null },
    ]);
    expect(chartInterval(0, 7 * 86_400_000, 900_000, 700)).toBe(900_000);
    expect(chartInterval(0, 28 * 86_400_000, 900_000, 700)).toBe(3_600_000);
  });

  it('read records with Kibana severities and "N× lower / higher"', () => {
    const fixture = sharedJson('ml/es-docs-get-records.low_request_rate.first-record.json');
    const illustrative = sharedJson('ml/DERIVED-flights-anomaly-record.illustrative.json');
    const [zero, flights] = parseRecords({ hits: { hits: [{ _source: fixture }, { _source: illustrative }] } });
    expect(zero).toMatchObject({ severity: 'critical', actual: 0, typical: 28.254208230188834, direction: 'lower', factor: null });
    expect(flights).toMatchObject({ score: 88.7, initialScore: 97.3, direction: 'lower', severity: 'critical' });
    expect(flights?.factor).toBeCloseTo(273.3 / 182, 5);
    expect([severityOf(80), severityOf(50), severityOf(25), severityOf(3), severityOf(2.9)]).toEqual(['critical', 'major', 'minor', 'warning', 'low']);
  });

  it('open the Single Metric Viewer of the job and range in Kibana', () => {
    expect(singleMetricViewerLink('https://kb.example:9243/', v('8.15.0'), 'flights', Date.UTC(2017, 10, 22), Date.UTC(2017, 10, 29))).toBe(
      `https://kb.example:9243/app/ml/timeseriesexplorer?_g=${encodeURIComponent("(ml:(jobIds:!('flights')),refreshInterval:(display:Off,pause:!t,value:0),time:(from:'2017-11-22T00:00:00.000Z',mode:absolute,to:'2017-11-29T00:00:00.000Z'))")}`,
    );
    expect(singleMetricViewerLink('https://kb', v('7.6.2'), 'flights', 0, 1)).toMatch(/^https:\/\/kb\/app\/ml#\/timeseriesexplorer\?_g=/);
  });
});

describe('the handout\'s answers', () => {
  const DAY = 86_400_000;
  const span = 900_000;
  /** A day-shaped series whose band starts wide and settles after `settleDays`. */
  function series(days: number, settleDays: number): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (let i = 0; i < (days * DAY) / span; i += 1) {
      const t = i * span;
      const level = 100 + 80 * Math.sin((2 * Math.PI * t) / DAY);
      const width = t < settleDays * DAY ? 200 : 40;
      out.push({ t, actual: level, lower: level - width / 2, upper: level + width / 2 });
    }
    return out;
  }

  it('say when the band settled', () => {
    const at = boundsNarrowedAt(series(14, 3), span);
    expect(at).not.toBeNull();
    expect((at as number) / DAY).toBeGreaterThan(2.9);
    expect((at as number) / DAY).toBeLessThan(4.1);
    expect(boundsNarrowedAt(series(2, 1), span)).toBeNull();
  });

  it('name the quietest weekday and read 11/23 and 11/25 from records and counts', () => {
    const daily = [];
    for (let d = Date.UTC(2017, 10, 1); d <= Date.UTC(2017, 10, 30); d += DAY) {
      const date = new Date(d).toISOString().slice(0, 10);
      const weekday = new Date(d).getUTCDay();
      let count = weekday === 6 ? 13_000 : 15_600;
      if (date === '2017-11-23') count = 11_400;
      if (date === '2017-11-25') count = 15_000;
      daily.push({ date, count });
    }
    const record = (iso: string, score: number, actual: number, typical: number) => ({ timestamp: Date.parse(iso), score, initialScore: score, severity: severityOf(score), actual, typical, factor: null, direction: actual > typical ? ('higher' as const) : ('lower' as const), probability: null });
    const answers = computeAnswers({
      early: series(14, 3),
      bucketSpanMs: span,
      jobStart: 0,
      daily,
      records: [record('2017-11-23T15:00:00Z', 96, 100, 180), record('2017-11-25T15:00:00Z', 40, 200, 170), record('2017-11-10T15:00:00Z', 10, 100, 110)],
      timeZone: 'UTC',
    });
    expect(answers.fewest).toMatchObject({ weekday: 6, median: 13_000, othersMedian: 15_600 });
    expect(answers.fewest?.below).toBeCloseTo(1 - 13_000 / 15_600, 5);
    expect(answers.days.map((d) => [d.date, d.maxScore, d.direction, d.handout])).toEqual([
      ['2017-11-23', 96, 'lower', true],
      ['2017-11-25', 40, 'higher', true],
    ]);
    expect(answers.days[0]?.change).toBeCloseTo(11_400 / 15_600 - 1, 5);
    expect(answers.days[1]?.change).toBeCloseTo(15_000 / 13_000 - 1, 5);
  });

  it('count days and views in the reader\'s zone', () => {
    expect(localDate(Date.UTC(2017, 10, 22, 16), 'Asia/Seoul')).toBe('2017-11-23');
    const views = handoutViews(Date.UTC(2017, 9, 1), Date.UTC(2017, 10, 30), 'Asia/Seoul');
    expect(views.map((view) => view.id)).toEqual(['first-week', 'four-weeks', 'thanksgiving', 'all']);
    expect(views.find((view) => view.id === 'thanksgiving')?.from).toBe(Date.UTC(2017, 10, 21, 15));
  });
});

describe('the import plan from a structure finder answer', () => {
  const taxi = sharedJson('text-structure/es-docs-find-structure.nyc-taxi-csv.response.EXCERPT.json');

  it('summarises as Kibana\'s Data Visualizer does', () => {
    const summary = summariseStructure(taxi);
    expect(summary).toMatchObject({ format: 'delimited', linesAnalysed: 20000, delimiter: ',', hasHeaderRow: true, timeField: 'tpep_pickup_datetime', needTimeZone: true });
    expect(summary.fields[0]?.name).toBe('VendorID');
    expect(summary.fields.find((f) => f.name === 'fare_amount')?.type).toBe('double');
    expect(summary.fields[0]).toMatchObject({ type: 'long', count: 19998, distinct: 2, min: 1, median: 2, max: 2 });
    expect(summary.fields.find((f) => f.name === 'tpep_pickup_datetime')).toMatchObject({ type: 'date' });
  });

  it('puts the browser\'s zone in the date processor and marks the index as the Data Visualizer\'s', () => {
    const plan = planImport(taxi, 'taxi', 'Asia/Seoul');
    expect(plan).toMatchObject({ format: 'delimited', hasHeaderRow: true, pipelineId: 'taxi-pipeline', timeField: '@timestamp' });
    expect((plan.index.mappings as { _meta: unknown })._meta).toEqual({ created_by: 'file-data-visualizer' });
    const date = (plan.pipeline?.processors as Record<string, Record<string, unknown>>[]).find((p) => p.date)?.date;
    expect(date?.timezone).toBe('Asia/Seoul');
    expect(JSON.stringify(plan.pipeline)).not.toContain('{{');
  });
});
