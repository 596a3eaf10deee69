import { describe, expect, it } from 'vitest';
import { readClusterFacts, type ClusterFacts } from '../cluster/probe';
import { fakeClient } from '../cluster/test-support/fake-transport';
import { AppError } from '../errors';
import type { JobStatus } from '../queries/ml-anomalies';
import { groupDigits, judgeAnomalies, judgeImported, judgeJobRan } from './chapter-5';
import { checkpointDefinition } from './registry';

/** Chapter 5's verdicts from what the cluster answered (the full path runs in lib/ml/chapter-5.test.ts). */

const days = (counts: number[], first = 1) => counts.map((count, i) => ({ date: `2017-10-${String(first + i).padStart(2, '0')}`, count }));

describe('flights-imported', () => {
  it('is done when the last day is complete, pending with the rows and where the data stops otherwise', () => {
    expect(judgeImported({ rows: 46_800, days: days([15_600, 15_600, 15_600]), latest: null })).toEqual({ state: 'done', detail: 'flights: 46 800' });
    const stopped = judgeImported({ rows: 412_000, days: days([15_600, 15_600, 15_600, 6_000]), latest: Date.UTC(2017, 9, 4, 13, 45) });
    expect(stopped).toEqual({ state: 'pending', code: 'import_incomplete', detail: '412 000 / ~952 000 · 2017-10-04 13:45Z' });
    expect(judgeImported({ rows: 0, days: [], latest: null })).toEqual({ state: 'pending', code: 'import_incomplete', detail: '0' });
    // A quiet Saturday at the end (0.84 of a day) is complete.
    expect(judgeImported({ rows: 1, days: days([15_600, 15_600, 13_100]), latest: null }).state).toBe('done');
    expect(groupDigits(929_517)).toBe('929 517');
  });
});

describe('ml-job-ran and ml-anomalies-found', () => {
  const job: JobStatus = {
    id: 'flights',
    state: 'closed',
    datafeedId: 'datafeed-flights',
    datafeedState: 'stopped',
    processedRecords: 5_760,
    earliestRecordTimestamp: Date.UTC(2017, 9, 1),
    latestRecordTimestamp: Date.UTC(2017, 10, 30, 23, 45),
    bucketSpanMs: 900_000,
    bucketSpan: '15m',
    function: 'count',
    field: null,
    modelPlot: true,
    timeField: '@timestamp',
    indices: ['flights'],
    query: null,
    assignmentExplanation: null,
  };
  const end = Date.UTC(2017, 10, 30, 23, 59);

  it('count a closed job with a stopped datafeed at the end of the data as ran', () => {
    expect(judgeJobRan(job, end)).toEqual({ state: 'done', detail: '5 760 · 2017-11-30 23:45Z' });
  });

  it('say why not: still running, stopped early, never ran, failed', () => {
    const early = { ...job, latestRecordTimestamp: Date.UTC(2017, 10, 6, 13, 45) };
    expect(judgeJobRan({ ...early, state: 'opened', datafeedState: 'started' }, end)).toMatchObject({ state: 'pending', code: 'job_running' });
    expect(judgeJobRan(early, end)).toEqual({ state: 'pending', code: 'datafeed_stopped_early', detail: '5 760 · 2017-11-06 13:45Z / 2017-11-30 23:59Z' });
    expect(judgeJobRan({ ...job, processedRecords: 0, latestRecordTimestamp: null }, end)).toEqual({ state: 'pending', code: 'job_not_run', detail: 'flights' });
    expect(judgeJobRan({ ...job, state: 'failed' }, end)).toEqual({ state: 'pending', code: 'job_failed', detail: 'flights' });
  });

  it('find a critical anomaly at 75 or more', () => {
    const top = (score: number) => ({ hits: { hits: [{ _source: { record_score: score, timestamp: Date.UTC(2017, 10, 23, 10, 15) } }] } });
    expect(judgeAnomalies(top(96.4))).toEqual({ state: 'done', detail: '96 · 2017-11-23 10:15Z' });
    expect(judgeAnomalies(top(42))).toEqual({ state: 'pending', code: 'no_critical_anomaly', detail: '42 · 2017-11-23 10:15Z' });
    expect(judgeAnomalies({ hits: { hits: [] } })).toEqual({ state: 'pending', code: 'no_critical_anomaly', detail: '0' });
  });
});

describe("why there is no job: the connection's kept facts", () => {
  const nodes = { nodes: { a: { name: 'instance-0', roles: ['data', 'master'] }, b: { name: 'instance-1', roles: ['ml'] } } };
  const xpack = (type: string) => ({ license: { type, mode: type, status: 'active' }, features: {} });
  const verify = (client: ReturnType<typeof fakeClient>['client'], facts?: () => Promise<ClusterFacts>) =>
    checkpointDefinition('ml-job-created')!.verify({ client, reachedChapterAt: async () => null, facts });

  it('explains a missing job from the facts it is given, asking the cluster for the jobs only', async () => {
    const facts = await readClusterFacts(fakeClient({ 'GET /': {}, 'GET /_nodes': nodes, 'GET /_xpack': xpack('basic') }).client);
    const { client, transport } = fakeClient({ 'GET /_ml/anomaly_detectors': { jobs: [] } });
    expect(await verify(client, async () => facts)).toEqual({ state: 'pending', code: 'licence_required', detail: 'basic (active)' });
    expect(transport.calls.map((call) => call.path)).toEqual(['/_ml/anomaly_detectors']);
  });

  it('reads nodes and _xpack itself without them (never _license), and names a missing ML node', async () => {
    const { client, transport } = fakeClient({
      'GET /': {},
      'GET /_ml/anomaly_detectors': { jobs: [] },
      'GET /_nodes': { nodes: { a: { name: 'instance-0', roles: ['data', 'master'] } } },
      'GET /_xpack': xpack('trial'),
    });
    expect(await verify(client)).toEqual({ state: 'pending', code: 'no_ml_node' });
    expect(transport.calls.map((call) => call.path)).not.toContain('/_license');
  });

  it('says the job is missing when nothing blocks it, and fails with the facts\' own error', async () => {
    const ok = await readClusterFacts(fakeClient({ 'GET /': {}, 'GET /_nodes': nodes, 'GET /_xpack': xpack('trial') }).client);
    expect(await verify(fakeClient({ 'GET /_ml/anomaly_detectors': { jobs: [] } }).client, async () => ok)).toEqual({ state: 'pending', code: 'job_missing' });
    const hidden = await readClusterFacts(fakeClient({ 'GET /': {}, 'GET /_nodes': nodes, 'GET /_xpack': new AppError('forbidden') }).client);
    await expect(verify(fakeClient({ 'GET /_ml/anomaly_detectors': { jobs: [] } }).client, async () => hidden)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
