import 'server-only';
import type { ClusterClient } from '../cluster/adapter';
import { factOrThrow, isMlNode, readClusterFacts } from '../cluster/probe';
import { toAppError } from '../errors';
import { readJobStatus } from '../panels/ml-anomalies';
import { aggregationsOf, asNumber, bucketsOf, hitsOf, isObject, metricValue, searchRequest, type Dsl, type SearchRequest } from '../queries/common';
import { jobFinished, ML_RESULTS_PATTERN, type JobStatus } from '../queries/ml-anomalies';
import { CHECK_TIMEOUT_MS, searchFor, sharedWhileInFlight, type CheckpointContext, type CheckpointDefinition, type CheckpointVerdict } from './definition';

/**
 * Chapter 5 (Machine Learning), verified from the cluster: flights.csv imported into `flights`
 * completely, the anomaly detection job created, run to the end of the data, and a critical
 * anomaly (record score 75 or more) found. A pending check says why: the licence or the ML node
 * (the cluster's own 403/429, translated), an import that stopped part way, a job that never ran
 * or whose datafeed stopped early. A closed job with a stopped datafeed after its look-back is the
 * normal end of the wizard's run, not a failure.
 */

export const FLIGHTS_INDEX = 'flights';
export const FLIGHTS_JOB = 'flights';
export const CRITICAL_SCORE = 75;
/** The last day of a complete import has at least this share of a median day (a Saturday is 0.84). */
const COMPLETE_LAST_DAY = 0.7;
const HANDOUT_LAST_DAY = '2017-11-30';

/** Digits grouped by threes with spaces, the same in both languages ("412 000"). */
export function groupDigits(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function minute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

// ---------------------------------------------------------------------------------------------
// flights-imported

/** Documents per calendar day (in the zone the import read the times in), with the total. */
export function buildImportedRequest(timeZone: string): SearchRequest {
  return searchRequest(FLIGHTS_INDEX, {
    size: 0,
    track_total_hits: true,
    aggs: {
      latest: { max: { field: '@timestamp' } },
      days: { date_histogram: { field: '@timestamp', calendar_interval: '1d', time_zone: timeZone, min_doc_count: 1 } },
    },
  });
}

export interface ImportedData {
  rows: number;
  days: { date: string; count: number }[];
  latest: number | null;
}

export function parseImported(response: unknown): ImportedData {
  const body = isObject(response) ? response : {};
  const total = isObject(body.hits) ? body.hits.total : undefined;
  const rows = typeof total === 'number' ? total : isObject(total) ? (asNumber(total.value) ?? 0) : 0;
  const aggs = aggregationsOf(response);
  const days = bucketsOf(aggs.days).map((b) => ({ date: String(b.key_as_string ?? '').slice(0, 10), count: asNumber(b.doc_count) ?? 0 }));
  return { rows, days, latest: metricValue(aggs.latest) };
}

/**
 * Complete when the last day holds at least 70 % of a median day: the file is sorted by time, so
 * an import that stopped leaves the last day cut short. "About N rows" extrapolates the median
 * day to the handout's two months when the data starts in them.
 */
export function judgeImported(data: ImportedData): CheckpointVerdict {
  if (data.rows === 0 || data.days.length === 0) return { state: 'pending', code: 'import_incomplete', detail: '0' };
  const counts = data.days.map((d) => d.count).sort((a, b) => a - b);
  const median = counts[counts.length >> 1] as number;
  const last = data.days[data.days.length - 1] as { date: string; count: number };
  if (data.days.length >= 3 && last.count < median * COMPLETE_LAST_DAY) {
    const first = data.days[0]?.date ?? '';
    const span = first >= '2017-10-01' && first <= HANDOUT_LAST_DAY ? Math.round((Date.parse(`${HANDOUT_LAST_DAY}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000) + 1 : null;
    const about = span ? ` / ~${groupDigits(Math.round((median * span) / 1000) * 1000)}` : '';
    return { state: 'pending', code: 'import_incomplete', detail: `${groupDigits(data.rows)}${about} · ${data.latest === null ? last.date : minute(data.latest)}` };
  }
  return { state: 'done', detail: `${FLIGHTS_INDEX}: ${groupDigits(data.rows)}` };
}

/** The zone the import read the naive CSV times in: the one Kibana (or this guide) put in `flights-pipeline`. */
async function importZone(client: ClusterClient, options: { timeoutMs: number; signal?: AbortSignal }): Promise<string> {
  // Without the pipeline (null) or the privilege to read it (403), days are counted in UTC; other failures still surface.
  const pipelines = await client.getPipeline(`${FLIGHTS_INDEX}-pipeline`, options).catch((error: unknown) => {
    if (toAppError(error).code === 'forbidden') return null;
    throw error;
  });
  const pipeline = pipelines ? (Object.values(pipelines)[0] as { processors?: Dsl[] } | undefined) : undefined;
  for (const processor of pipeline?.processors ?? []) {
    const zone = isObject(processor.date) ? processor.date.timezone : undefined;
    if (typeof zone === 'string' && zone !== '' && !zone.includes('{{')) return zone;
  }
  return 'UTC';
}

// ---------------------------------------------------------------------------------------------
// The job

/** The handout's job (`flights`), or any job whose datafeed reads the flights index. */
export async function findFlightsJob(client: ClusterClient, options: { timeoutMs: number; signal?: AbortSignal }): Promise<string | null> {
  const jobs = await client.getJobs(undefined, options);
  const ids = (jobs.jobs ?? []).map((job) => job.job_id);
  if (ids.includes(FLIGHTS_JOB)) return FLIGHTS_JOB;
  const inline = (jobs.jobs ?? []).find((job) => job.datafeed_config?.indices?.some((index) => index.startsWith(FLIGHTS_INDEX)));
  if (inline) return inline.job_id;
  if (ids.length === 0) return null;
  const feeds = await client.getDatafeeds(undefined, options);
  const feed = feeds?.datafeeds?.find((f) => f.indices?.some((index) => index.startsWith(FLIGHTS_INDEX)) && ids.includes(f.job_id));
  return feed?.job_id ?? null;
}

/**
 * Why there is no job or it never ran: the licence (Basic cannot create or open jobs), then the ML
 * node. Read from the connection's kept facts when the verifier passes them: a chapter 5 page
 * without a job asks this on every poll, and the status card reads the same facts anyway.
 */
async function blocker(ctx: CheckpointContext): Promise<CheckpointVerdict | null> {
  const facts = ctx.facts ? await ctx.facts() : await readClusterFacts(ctx.client, { timeoutMs: CHECK_TIMEOUT_MS, signal: ctx.signal });
  const license = factOrThrow(facts.xpack).license;
  if (!license || !['trial', 'platinum', 'enterprise'].includes(license.type) || license.status !== 'active') {
    return { state: 'pending', code: 'licence_required', detail: `${license?.type ?? '-'} (${license?.status ?? '-'})` };
  }
  const nodes = factOrThrow(facts.nodes);
  if (!nodes.some(isMlNode)) return { state: 'pending', code: 'no_ml_node' };
  return null;
}

/** The latest time in the job's data: where a complete look-back ends. */
export function buildDataEndRequest(job: Pick<JobStatus, 'indices' | 'timeField' | 'query'>): SearchRequest {
  return searchRequest(job.indices.join(','), { size: 0, query: job.query ?? { match_all: {} }, aggs: { latest: { max: { field: job.timeField } } } });
}

/**
 * Ran when records were processed up to the end of the data (the wizard's end is the last
 * document's time and exclusive, so up to two buckets before it); a stopped datafeed short of it
 * stopped early; a started one is still running.
 */
export function judgeJobRan(job: JobStatus, dataEnd: number | null): CheckpointVerdict {
  if (job.state === 'failed') return { state: 'pending', code: 'job_failed', detail: job.id };
  const latest = job.latestRecordTimestamp;
  const progress = `${groupDigits(job.processedRecords)} · ${latest === null ? '-' : minute(latest)}`;
  if (job.processedRecords === 0 || latest === null) {
    return { state: 'pending', code: job.datafeedState === 'started' || job.state === 'opened' ? 'job_running' : 'job_not_run', detail: job.id };
  }
  const reachedEnd = dataEnd === null || latest >= dataEnd - 2 * job.bucketSpanMs;
  if (reachedEnd) return { state: 'done', detail: progress };
  if (!jobFinished(job) || job.datafeedState === 'started') return { state: 'pending', code: 'job_running', detail: progress };
  return { state: 'pending', code: 'datafeed_stopped_early', detail: `${progress} / ${minute(dataEnd as number)}` };
}

/** The job's highest record score, and its time, from `.ml-anomalies-*`. */
export function buildTopRecordRequest(jobId: string): SearchRequest {
  return searchRequest(ML_RESULTS_PATTERN, {
    size: 1,
    track_total_hits: false,
    _source: ['timestamp', 'record_score'],
    query: { bool: { filter: [{ term: { result_type: 'record' } }, { term: { job_id: jobId } }] } },
    sort: [{ record_score: { order: 'desc' } }],
  });
}

export function judgeAnomalies(response: unknown): CheckpointVerdict {
  const top = hitsOf(response)[0]?._source;
  const score = asNumber(top?.record_score);
  const at = asNumber(top?.timestamp);
  if (score === undefined) return { state: 'pending', code: 'no_critical_anomaly', detail: '0' };
  const text = `${Math.round(score)}${at === undefined ? '' : ` · ${minute(at)}`}`;
  return score >= CRITICAL_SCORE ? { state: 'done', detail: text } : { state: 'pending', code: 'no_critical_anomaly', detail: text };
}

/** The job (or why there is none), looked up once for the three job checks that ask together. */
const flightsJob = sharedWhileInFlight(async (ctx): Promise<{ job: JobStatus } | { verdict: CheckpointVerdict }> => {
  const options = { timeoutMs: CHECK_TIMEOUT_MS, signal: ctx.signal };
  const id = await findFlightsJob(ctx.client, options);
  const job = id ? await readJobStatus(ctx.client, id) : null;
  if (!job) return { verdict: (await blocker(ctx)) ?? { state: 'pending', code: 'job_missing' } };
  return { job };
});

export const chapter5: CheckpointDefinition[] = [
  {
    id: 'flights-imported',
    chapter: 5,
    async verify(ctx) {
      const options = { timeoutMs: CHECK_TIMEOUT_MS, signal: ctx.signal };
      if (!(await ctx.client.indicesExists(FLIGHTS_INDEX, options))) return { state: 'pending', code: 'index_missing', detail: FLIGHTS_INDEX };
      const zone = await importZone(ctx.client, options);
      try {
        return judgeImported(parseImported(await searchFor(ctx, buildImportedRequest(zone))));
      } catch (error) {
        // A zone this Elasticsearch does not know (an old JDK): count the days in UTC instead.
        if (toAppError(error).code !== 'invalid_request' || zone === 'UTC') throw error;
        return judgeImported(parseImported(await searchFor(ctx, buildImportedRequest('UTC'))));
      }
    },
  },
  {
    id: 'ml-job-created',
    chapter: 5,
    async verify(ctx) {
      const found = await flightsJob(ctx);
      return 'verdict' in found ? found.verdict : { state: 'done', detail: found.job.id };
    },
  },
  {
    id: 'ml-job-ran',
    chapter: 5,
    async verify(ctx) {
      const found = await flightsJob(ctx);
      if ('verdict' in found) return found.verdict;
      const { job } = found;
      if (job.processedRecords === 0 && job.datafeedState !== 'started' && job.state !== 'opened') {
        const blocked = await blocker(ctx);
        if (blocked) return blocked;
      }
      let dataEnd: number | null = null;
      if (job.indices.length > 0 && job.processedRecords > 0) {
        dataEnd = metricValue(aggregationsOf(await searchFor(ctx, buildDataEndRequest(job))).latest);
      }
      return judgeJobRan(job, dataEnd);
    },
  },
  {
    id: 'ml-anomalies-found',
    chapter: 5,
    async verify(ctx) {
      const found = await flightsJob(ctx);
      if ('verdict' in found) return found.verdict;
      if (found.job.processedRecords === 0) return { state: 'pending', code: 'job_not_run', detail: found.job.id };
      return judgeAnomalies(await searchFor(ctx, buildTopRecordRequest(found.job.id)));
    },
  },
];
