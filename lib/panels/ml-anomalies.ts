import 'server-only';
import { z } from 'zod';
import type { ClusterClient } from '../cluster/adapter';
import { microCache } from '../cluster/coalesce';
import { connectionKey } from '../connections/service';
import { isTimeZone } from '../imports/contract';
import {
  buildDailyCountsRequest,
  buildModelPlotRequest,
  buildRecordsRequest,
  chartInterval,
  EARLY_WINDOW_MS,
  FOCUS_MAX_POINTS,
  jobFinished,
  OVERVIEW_MAX_POINTS,
  parseDailyCounts,
  parseJobStatus,
  parseModelPlot,
  parseRecords,
  singleMetricViewerLink,
  type JobStatus,
} from '../queries/ml-anomalies';
import { computeAnswers, handoutViews } from '../queries/ml-answers';
import { datafeedIdOf } from '../queries/ml-jobs';
import { DEFAULT_ML_JOB, MAX_LISTED_ANOMALIES, mlAnomaliesPanel, type MlAnomaliesDto, type MlJobView } from './ml-anomalies.contract';
import { msearchCluster, panelReader, searchCluster } from './read';

/**
 * `GET /api/panels/ml-anomalies`: the Single Metric Viewer of one job. Per refresh: the job's
 * config and stats and its datafeed's, then one `_msearch` on `.ml-anomalies-*` (focus and
 * overview model plot, the first two weeks at bucket resolution, the records). Once the look-back
 * has finished, the flights per local day are read from the job's index once per result state and
 * zone, and the handout's questions are answered.
 */

const TIMEOUT_MS = 10_000;
const DAILY_TTL_MS = 10 * 60_000;

export const mlAnomaliesQuery = z.object({
  job: z
    .string()
    .max(64)
    .regex(/^[a-z0-9][a-z0-9_\-.]*$/, 'a job id')
    .nullish()
    .transform((job) => job ?? DEFAULT_ML_JOB),
  from: z.coerce.number().int().nonnegative().nullish(),
  to: z.coerce.number().int().nonnegative().nullish(),
  tz: z
    .string()
    .max(64)
    .refine(isTimeZone, 'an IANA time zone')
    .nullish()
    .transform((tz) => tz ?? 'UTC'),
  part: z.enum(['job', 'all']).nullish(),
});
export type MlAnomaliesParams = z.infer<typeof mlAnomaliesQuery>;

async function datafeedConfig(client: ClusterClient, jobs: unknown, jobId: string): Promise<unknown> {
  const job = (jobs as { jobs?: { datafeed_config?: unknown }[] }).jobs?.[0];
  if (job?.datafeed_config) return null;
  const named = await client.getDatafeeds(datafeedIdOf(jobId), { timeoutMs: TIMEOUT_MS });
  if (named) return named;
  // A job created elsewhere may name its datafeed otherwise.
  const all = await client.getDatafeeds(undefined, { timeoutMs: TIMEOUT_MS });
  const match = all?.datafeeds?.find((feed) => feed.job_id === jobId);
  return match ? { datafeeds: [match] } : null;
}

/** The job's state from the cluster; null when there is no such job. */
export async function readJobStatus(client: ClusterClient, jobId: string): Promise<JobStatus | null> {
  const jobs = await client.getJobConfig(jobId, { timeoutMs: TIMEOUT_MS });
  if (!jobs || (jobs.jobs?.length ?? 0) === 0) return null;
  const [stats, feeds] = await Promise.all([client.getJobStats(jobId, { timeoutMs: TIMEOUT_MS }), datafeedConfig(client, jobs, jobId)]);
  const partial = parseJobStatus(jobs, stats, feeds, null);
  const feedStats = partial?.datafeedId ? await client.getDatafeedStatsOrNull(partial.datafeedId, { timeoutMs: TIMEOUT_MS }) : null;
  return parseJobStatus(jobs, stats, feeds, feedStats);
}

function jobView(job: JobStatus): MlJobView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: job.id,
    state: job.state,
    datafeedState: job.datafeedState,
    processedRecords: job.processedRecords,
    earliestRecordTimestamp: iso(job.earliestRecordTimestamp),
    latestRecordTimestamp: iso(job.latestRecordTimestamp),
    bucketSpan: job.bucketSpan,
    function: job.function,
    field: job.field,
    modelPlot: job.modelPlot,
    finished: job.processedRecords > 0 && jobFinished(job),
    assignmentExplanation: job.assignmentExplanation,
  };
}

const EMPTY = { range: null, view: null, views: [], series: [], overview: [], anomalies: [], answers: null, kibana: null };

export const mlAnomalies = panelReader(mlAnomaliesPanel, {
  query: mlAnomaliesQuery,
  ttlMs: 1_500,
  async read({ client, connection }, params): Promise<Omit<MlAnomaliesDto, 'checkedAt'>> {
    const job = await readJobStatus(client, params.job);
    if (!job) {
      const all = await client.getJobs(undefined, { timeoutMs: TIMEOUT_MS });
      return { job: null, jobs: (all.jobs ?? []).map((j) => j.job_id).sort(), ...EMPTY };
    }
    const view = jobView(job);
    if (params.part === 'job' || job.earliestRecordTimestamp === null || job.latestRecordTimestamp === null) {
      return { job: view, jobs: [job.id], ...EMPTY };
    }
    const start = Math.floor(job.earliestRecordTimestamp / job.bucketSpanMs) * job.bucketSpanMs;
    const end = job.latestRecordTimestamp;
    const from = Math.max(start, Math.min(params.from ?? start, end));
    const to = Math.min(end, Math.max(params.to ?? end, from + job.bucketSpanMs));
    const focusInterval = chartInterval(from, to, job.bucketSpanMs, FOCUS_MAX_POINTS);
    const overviewInterval = chartInterval(start, end, job.bucketSpanMs, OVERVIEW_MAX_POINTS);
    const searches = [buildRecordsRequest(job.id)];
    if (job.modelPlot) {
      searches.push(
        buildModelPlotRequest(job.id, from, to, focusInterval),
        buildModelPlotRequest(job.id, start, end, overviewInterval),
        buildModelPlotRequest(job.id, start, Math.min(end, start + EARLY_WINDOW_MS), job.bucketSpanMs),
      );
    }
    const [records, focus, overview, early] = await msearchCluster(client, searches, TIMEOUT_MS);
    const allRecords = parseRecords(records);
    const anomalies = allRecords.filter((r) => r.timestamp >= from && r.timestamp <= to).slice(0, MAX_LISTED_ANOMALIES);
    let answers: MlAnomaliesDto['answers'] = null;
    if (view.finished && job.indices.length > 0) {
      const daily = await microCache(
        connectionKey(connection.id, 'ml-daily:', job.id, ':', params.tz, ':', String(job.processedRecords), ':', String(end)),
        DAILY_TTL_MS,
        async () => parseDailyCounts(await searchCluster(client, buildDailyCountsRequest(job, params.tz), TIMEOUT_MS)),
      );
      answers = computeAnswers({ early: early ? parseModelPlot(early) : [], bucketSpanMs: job.bucketSpanMs, jobStart: start, daily, records: allRecords, timeZone: params.tz });
    }
    return {
      job: view,
      jobs: [job.id],
      range: { from: start, to: end },
      view: { from, to, intervalMs: focusInterval },
      views: handoutViews(start, end, params.tz),
      series: focus ? parseModelPlot(focus) : [],
      overview: overview ? parseModelPlot(overview) : [],
      anomalies,
      answers,
      kibana: connection.kibanaUrl ? { url: singleMetricViewerLink(connection.kibanaUrl, client.version, job.id, from, to) } : null,
    };
  },
});
