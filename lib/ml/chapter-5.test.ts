import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { checkpointDefinition } from '../checkpoints/registry';
import { connectPracticeCluster, participantCluster } from '../connections/service';
import { flightsCsvStream, flightsSize, type FlightsRange } from '../datasets/flights';
import { createParticipant } from '../db';
import { AppError } from '../errors';
import { MAX_UPLOAD_BYTES } from '../imports/contract';
import { analyseFile, importProgress, importSample, importUpload } from '../imports/service';
import { mlAnomalies } from '../panels/ml-anomalies';
import { readPanel } from '../panels/read';
import type { Flavor } from '../practice/engine/api';
import { practiceAppForTests } from '../testing/practice-app';
import { sharedFile } from '../testing/shared-files';
import { createWizardJob, estimateBucketSpan } from './jobs';

/**
 * Chapter 5 end to end on practice clusters of each flavour, through the app's own services and
 * client (the path a real cluster takes): analyse and import flights.csv, create the wizard's job,
 * let it run, read the Single Metric Viewer panel and the four checkpoints.
 */

const app = practiceAppForTests();

// A shared machine runs these slowly: each test waits on conditions, with room to finish.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

async function learner(flavor: Flavor): Promise<{ participantId: string; deploymentId: string }> {
  const participant = await createParticipant(app.ctx.db, { displayName: `learner-${flavor}`, role: 'self_paced' });
  await connectPracticeCluster(app.ctx, participant.id, flavor);
  const connection = await app.ctx.db.query.clusterConnections.findFirst({ where: (c, { eq }) => eq(c.participantId, participant.id) });
  return { participantId: participant.id, deploymentId: connection!.practiceDeploymentId! };
}

function csvBody(range: FlightsRange): ReadableStream<Uint8Array> {
  return Readable.toWeb(flightsCsvStream(range)) as ReadableStream<Uint8Array>;
}

function textBody(text: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(Readable.from([Buffer.from(text)])) as ReadableStream<Uint8Array>;
}

async function check(participantId: string, id: 'flights-imported' | 'ml-job-created' | 'ml-job-ran' | 'ml-anomalies-found') {
  const { client } = await participantCluster(app.ctx, participantId);
  return checkpointDefinition(id)!.verify({ client, reachedChapterAt: async () => null });
}

async function count(participantId: string): Promise<number> {
  const { client } = await participantCluster(app.ctx, participantId);
  await client.request({ method: 'POST', path: '/flights/_refresh' });
  return (await client.count('flights')).count;
}

/** Polls the panel's job state until the look-back has finished (the practice cluster drains it on its own). */
async function untilJobFinished(participantId: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const dto = await readPanel(app.ctx, participantId, mlAnomalies, mlAnomalies.query.parse({ part: 'job' }), { cache: { microCache: (_k, _t, fn) => fn() } });
    if (dto.job?.finished) return;
    if (Date.now() > deadline) throw new Error(`job did not finish: ${JSON.stringify(dto.job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function catchApp(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const TWO_DAYS = { from: '2017-11-20', to: '2017-11-21' };

describe.each(['9', '8', '7'] as const)('chapter 5 on a flavour %s practice cluster', (flavor) => {
  let participantId: string;

  beforeAll(async () => {
    ({ participantId } = await learner(flavor));
  });

  it('analyses flights.csv with the cluster\'s structure finder as Kibana summarises it', async () => {
    expect(await check(participantId, 'flights-imported')).toEqual({ state: 'pending', code: 'index_missing', detail: 'flights' });
    const analysis = await analyseFile(app.ctx, participantId, { body: csvBody(TWO_DAYS), fileName: 'flights.csv' });
    expect(analysis.index).toBe('flights');
    expect(analysis.summary).toMatchObject({ format: 'delimited', delimiter: ',', hasHeaderRow: true, timeField: 'timestamp', timeFormats: ['yyyy-MM-dd HH:mm:ss'], needTimeZone: true });
    expect(analysis.summary.linesAnalysed).toBeGreaterThan(100);
    const delay = analysis.summary.fields.find((f) => f.name === 'dep_delay');
    expect(delay).toMatchObject({ type: 'long' });
    expect(delay?.min).toBeLessThan(0);
    expect(analysis.summary.fields.find((f) => f.name === 'carrier')?.top.length).toBeGreaterThan(3);
  });

  it('imports a slice with the time zone of the browser, and a second import does not duplicate', async () => {
    const expected = flightsSize(TWO_DAYS);
    const first = await importUpload(app.ctx, participantId, { index: 'flights', timeZone: 'America/New_York', body: csvBody(TWO_DAYS), totalBytes: expected.bytes }, 'en');
    expect(first).toMatchObject({ state: 'done', rows: expected.rows, failedRows: 0, totalRows: expected.rows, bytes: expected.bytes, failures: [] });
    expect(first.rowsPerSecond).toBeGreaterThan(0);
    expect(await count(participantId)).toBe(expected.rows);
    const again = await importUpload(app.ctx, participantId, { index: 'flights', timeZone: 'America/New_York', body: csvBody(TWO_DAYS), totalBytes: expected.bytes }, 'en');
    expect(again.rows).toBe(expected.rows);
    expect(await count(participantId)).toBe(expected.rows);
    const { client } = await participantCluster(app.ctx, participantId);
    const earliest = (await client.search('flights', { size: 1, sort: [{ '@timestamp': { order: 'asc' } }] })) as { hits: { hits: { _source: Record<string, unknown> }[] } };
    expect(earliest.hits.hits[0]?._source['@timestamp']).toMatch(/^2017-11-20T00:0\d:00\.000-05:00$/);
    expect((await importProgress(app.ctx, participantId, first.importId, 'en')).state).toBe('done');
    expect(await check(participantId, 'flights-imported')).toEqual({ state: 'done', detail: `flights: ${String(expected.rows).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}` });
  });

  it('refuses what it cannot import, with the line or the limit', async () => {
    const tooBig = await catchApp(importUpload(app.ctx, participantId, { index: 'other', timeZone: 'UTC', body: textBody('a,b\n1,2\n'), totalBytes: MAX_UPLOAD_BYTES + 1 }, 'en'));
    expect([tooBig.code, tooBig.status, tooBig.params.reason]).toEqual(['invalid_file', 413, 'too_large']);
    const empty = await catchApp(importUpload(app.ctx, participantId, { index: 'other', timeZone: 'UTC', body: textBody(''), totalBytes: null }, 'en'));
    expect([empty.code, empty.params.reason]).toEqual(['invalid_file', 'empty']);
    const rows = ['time,value', ...Array.from({ length: 30 }, (_, i) => `2017-11-20 00:${String(i).padStart(2, '0')}:00,${i}`)];
    const unclosed = `${rows.join('\n')}\n2017-11-20 00:40:00,"open\n2017-11-20 00:41:00,2\n`;
    const malformed = await catchApp(importUpload(app.ctx, participantId, { index: 'other', timeZone: 'UTC', body: textBody(unclosed), totalBytes: null }, 'en'));
    expect([malformed.code, malformed.params.reason, malformed.params.line]).toEqual(['invalid_file', 'malformed', 32]);
  });

  it('imports NDJSON, listing the lines that are not objects', async () => {
    // Beyond the 1 000 lines the structure finder samples (a bad line inside them makes it no NDJSON at all).
    const lines = Array.from({ length: 1_100 }, (_, i) => JSON.stringify({ '@timestamp': new Date(Date.UTC(2017, 10, 20) + i * 60_000).toISOString(), value: i }));
    lines.splice(1_049, 0, '[1,2]');
    const done = await importUpload(app.ctx, participantId, { index: 'events', timeZone: 'UTC', body: textBody(`${lines.join('\n')}\n`), totalBytes: null }, 'en');
    expect(done).toMatchObject({ state: 'done', rows: 1_100, failedRows: 1, failures: [{ line: 1_050, reason: 'not a JSON object' }] });
  });

  it('creates and runs the single-metric job as the wizard does; the panel and checkpoints follow it', async () => {
    expect(await check(participantId, 'ml-job-created')).toMatchObject({ state: 'pending', code: 'job_missing' });
    const badId = await catchApp(createWizardJob(app.ctx, participantId, 'Flights', { index: 'flights', function: 'count' }));
    expect([badId.code, badId.params.reason]).toEqual(['invalid_job', 'id_format']);
    const badField = await catchApp(createWizardJob(app.ctx, participantId, 'flights', { index: 'flights', function: 'mean', field: 'carrier' }));
    expect([badField.code, badField.params.reason]).toEqual(['invalid_job', 'field']);
    expect(await estimateBucketSpan(app.ctx, participantId, { index: 'flights', function: 'count' })).toEqual({ bucketSpan: '15m', basis: 'checked' });

    const created = await createWizardJob(app.ctx, participantId, 'flights', { index: 'flights', function: 'count' });
    expect(created).toMatchObject({ jobId: 'flights', datafeedId: 'datafeed-flights', bucketSpan: '15m', resumed: false });
    expect(await check(participantId, 'ml-job-created')).toEqual({ state: 'done', detail: 'flights' });
    await untilJobFinished(participantId);

    const { client } = await participantCluster(app.ctx, participantId);
    const job = ((await client.getJobs('flights')) as unknown as { jobs: Record<string, unknown>[] }).jobs[0] as Record<string, unknown>;
    expect(job.custom_settings).toEqual({ created_by: 'single-metric-wizard' });
    expect(job.model_plot_config).toEqual({ enabled: true, annotations_enabled: true });
    const stats = (await client.getJobStats('flights')).jobs[0];
    expect(stats?.state).toBe('closed');

    const panel = await readPanel(app.ctx, participantId, mlAnomalies, mlAnomalies.query.parse({ tz: 'America/New_York' }));
    expect(panel.job).toMatchObject({ id: 'flights', state: 'closed', datafeedState: 'stopped', finished: true, modelPlot: true, bucketSpan: '15m' });
    expect(panel.series.length).toBeGreaterThan(100);
    expect(panel.series.length).toBeLessThanOrEqual(700);
    expect(panel.series.some((p) => p.lower !== null && p.upper !== null && (p.upper as number) > (p.lower as number))).toBe(true);
    expect(panel.overview.length).toBeLessThanOrEqual(300);
    expect(panel.answers?.weekdays.length).toBe(2);
    expect(await check(participantId, 'ml-job-ran')).toMatchObject({ state: 'done' });
    const again = await catchApp(createWizardJob(app.ctx, participantId, 'flights', { index: 'flights', function: 'count' }));
    expect([again.code, again.params.reason]).toEqual(['invalid_job', 'exists']);
  });
});

describe('a Basic licence and a cluster without an ML node', () => {
  it('are the pending reasons, with the cluster\'s 403 and 429 translated when creating the job', async () => {
    const { participantId, deploymentId } = await learner('8');
    await importUpload(app.ctx, participantId, { index: 'flights', timeZone: 'UTC', body: csvBody(TWO_DAYS), totalBytes: null }, 'en');
    const d = app.practice.cluster.deployments.get(deploymentId)!;
    d.setLicense('basic', Date.now());
    expect(await check(participantId, 'ml-job-created')).toMatchObject({ state: 'pending', code: 'licence_required' });
    const basic = await catchApp(createWizardJob(app.ctx, participantId, 'flights', { index: 'flights', function: 'count' }));
    expect([basic.code, basic.params.feature]).toEqual(['licence_required', 'ml']);
    d.setLicense('trial', Date.now());
    (d.features.get('ml') as unknown as { mlNodes: boolean }).mlNodes = false;
    const noNode = await catchApp(createWizardJob(app.ctx, participantId, 'flights', { index: 'flights', function: 'count' }));
    expect(noNode.code).toBe('no_ml_node');
    // The job was created before opening failed: created, not run, and why.
    expect(await check(participantId, 'ml-job-created')).toEqual({ state: 'done', detail: 'flights' });
    expect(await check(participantId, 'ml-job-ran')).toEqual({ state: 'pending', code: 'no_ml_node' });
    (d.features.get('ml') as unknown as { mlNodes: boolean }).mlNodes = true;
    const resumed = await createWizardJob(app.ctx, participantId, 'flights', { index: 'flights', function: 'count' });
    expect(resumed.resumed).toBe(true);
    await untilJobFinished(participantId);
    expect(await check(participantId, 'ml-job-ran')).toMatchObject({ state: 'done' });
  });
});

describe('the sample button and an upload of the downloaded file', () => {
  it('give the same documents: importing both leaves one copy of each row', async () => {
    const { participantId } = await learner('9');
    const day = { from: '2017-11-23', to: '2017-11-23' };
    let progress = await importSample(app.ctx, participantId, { timeZone: 'Asia/Seoul', ...day }, 'en');
    while (progress.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      progress = await importProgress(app.ctx, participantId, progress.importId, 'en');
    }
    const rows = flightsSize(day).rows;
    expect(await count(participantId)).toBe(rows);
    const { client } = await participantCluster(app.ctx, participantId);
    const sampled = (await client.search('flights', { size: 1, sort: [{ '@timestamp': { order: 'asc' } }] })) as { hits: { hits: { _id: string; _source: unknown }[] } };
    await importUpload(app.ctx, participantId, { index: 'flights', timeZone: 'Asia/Seoul', body: csvBody(day), totalBytes: flightsSize(day).bytes }, 'en');
    expect(await count(participantId)).toBe(rows);
    const uploaded = (await client.search('flights', { size: 1, sort: [{ '@timestamp': { order: 'asc' } }] })) as { hits: { hits: { _id: string; _source: unknown }[] } };
    expect(uploaded.hits.hits[0]).toMatchObject({ _id: sampled.hits.hits[0]?._id, _source: sampled.hits.hits[0]?._source });
  });
});

describe('Thanksgiving on the sample slice of the browser test (flavour 8)', () => {
  it('finds 11/23 critical and lower, answers the handout from the results, all four checkpoints green', async () => {
    const { participantId } = await learner('8');
    const slice = { from: '2017-11-09', to: '2017-11-26' };
    const started = await importSample(app.ctx, participantId, { timeZone: 'America/New_York', ...slice }, 'en');
    expect(started).toMatchObject({ kind: 'sample', index: 'flights', totalRows: flightsSize(slice).rows });
    let progress = started;
    while (progress.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      progress = await importProgress(app.ctx, participantId, started.importId, 'en');
    }
    expect(progress).toMatchObject({ state: 'done', rows: flightsSize(slice).rows, failedRows: 0 });
    expect(await check(participantId, 'flights-imported')).toMatchObject({ state: 'done' });

    await createWizardJob(app.ctx, participantId, 'flights', { index: 'flights', function: 'count' });
    await untilJobFinished(participantId);
    expect(await check(participantId, 'ml-job-ran')).toMatchObject({ state: 'done' });
    expect(await check(participantId, 'ml-anomalies-found')).toMatchObject({ state: 'done' });

    const panel = await readPanel(app.ctx, participantId, mlAnomalies, mlAnomalies.query.parse({ tz: 'America/New_York' }));
    const answers = panel.answers!;
    const thanksgiving = answers.days.find((d) => d.date === '2017-11-23');
    expect(thanksgiving).toMatchObject({ handout: true, direction: 'lower', severity: 'critical' });
    expect(thanksgiving!.change).toBeLessThan(-0.15);
    const saturday = answers.days.find((d) => d.date === '2017-11-25');
    expect(saturday?.handout).toBe(true);
    expect(saturday!.change).toBeGreaterThan(0.05);
    expect(answers.fewest?.weekday).toBe(6);
    expect(answers.fewest!.below).toBeGreaterThan(0.1);
    expect(answers.narrowedAt).not.toBeNull();
    expect(answers.narrowedAfterDays).toBeGreaterThan(0.5);
    expect(answers.narrowedAfterDays).toBeLessThan(8);
    const week = panel.views.find((v) => v.id === 'thanksgiving')!;
    const focused = await readPanel(app.ctx, participantId, mlAnomalies, mlAnomalies.query.parse({ tz: 'America/New_York', from: week.from, to: week.to }));
    expect(focused.view?.intervalMs).toBe(900_000);
    expect(focused.anomalies[0]?.severity).toBe('critical');
    expect(focused.anomalies[0]?.direction).toBe('lower');
  });
});

/**
 * A job the attendee made in Kibana, not in the guide: the bodies Kibana's single-metric wizard
 * sends (the recorded fixtures, 7.6 with the 7.2-7.4 datafeed's `interval` on 7.x, the later ones
 * on 8.x/9.x) under another id, opened and run over the data by hand. The panel reads it by id and
 * the checkpoints find it by its datafeed's index.
 */
describe.each([
  ['7', 'DERIVED-flights-job.kibana-7.6-single-metric-wizard.put-body.json', 'DERIVED-flights-datafeed.kibana-7.2-7.4-era.put-body.json'],
  ['8', 'DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json', 'DERIVED-flights-datafeed.kibana-later-7x-and-8x.put-body.json'],
  ['9', 'DERIVED-flights-job.kibana-8x-single-metric-wizard.put-body.json', 'DERIVED-flights-datafeed.kibana-later-7x-and-8x.put-body.json'],
] as const)('a job created in Kibana on a flavour %s cluster', (flavor, jobFile, datafeedFile) => {
  it('is what the Single Metric Viewer panel and the checkpoints read', async () => {
    const { participantId } = await learner(flavor);
    await importUpload(app.ctx, participantId, { index: 'flights', timeZone: 'UTC', body: csvBody(TWO_DAYS), totalBytes: null }, 'en');
    const { client } = await participantCluster(app.ctx, participantId);
    const fixture = (name: string) => JSON.parse(readFileSync(sharedFile('fixtures', 'ml', name), 'utf8')) as Record<string, unknown>;
    const jobId = 'kibana-flights';
    await client.request({ method: 'PUT', path: `/_ml/anomaly_detectors/${jobId}`, body: { ...fixture(jobFile), job_id: jobId } });
    await client.request({ method: 'PUT', path: `/_ml/datafeeds/datafeed-${jobId}`, body: { ...fixture(datafeedFile), datafeed_id: `datafeed-${jobId}`, job_id: jobId } });
    expect(await check(participantId, 'ml-job-created')).toEqual({ state: 'done', detail: jobId });
    expect(await check(participantId, 'ml-job-ran')).toMatchObject({ state: 'pending', code: 'job_not_run' });

    await client.request({ method: 'POST', path: `/_ml/anomaly_detectors/${jobId}/_open` });
    await client.request({ method: 'POST', path: `/_ml/datafeeds/datafeed-${jobId}/_start`, querystring: { start: '2017-11-20T00:00:00Z', end: '2017-11-22T00:00:00Z' } });
    const deadline = Date.now() + 120_000;
    let panel = await readPanel(app.ctx, participantId, mlAnomalies, mlAnomalies.query.parse({ job: jobId, tz: 'UTC' }), { cache: { microCache: (_k, _t, fn) => fn() } });
    while (!panel.job?.finished) {
      if (Date.now() > deadline) throw new Error(`job did not finish: ${JSON.stringify(panel.job)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      panel = await readPanel(app.ctx, participantId, mlAnomalies, mlAnomalies.query.parse({ job: jobId, tz: 'UTC' }), { cache: { microCache: (_k, _t, fn) => fn() } });
    }
    expect(panel.job).toMatchObject({ id: jobId, function: 'count', bucketSpan: '15m', modelPlot: true, datafeedState: 'stopped' });
    expect(panel.jobs).toContain(jobId);
    expect(panel.series.length).toBeGreaterThan(100);
    expect(panel.series.some((p) => p.lower !== null && p.upper !== null && (p.upper as number) > (p.lower as number))).toBe(true);
    expect(await check(participantId, 'ml-job-ran')).toMatchObject({ state: 'done' });
  });
});
