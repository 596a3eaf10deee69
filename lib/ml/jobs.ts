import 'server-only';
import type { ClusterClient } from '../cluster/adapter';
import { invalidateCoalesced } from '../cluster/coalesce';
import { connectionKey, participantCluster } from '../connections/service';
import { AppError, toAppError } from '../errors';
import {
  bucketSpanMs,
  buildBucketSpanRequest,
  buildDataRangeRequest,
  buildModelMemoryEstimate,
  buildWizardDatafeed,
  buildWizardJob,
  datafeedIdOf,
  DEFAULT_BUCKET_SPAN,
  DEFAULT_TIME_FIELD,
  estimatesModelMemory,
  jobIdProblem,
  parseBucketSpanEstimate,
  parseDataRange,
  parseIndexFields,
  wizardMemoryLimit,
  type BucketSpanEstimate,
  type WizardFunction,
  type WizardJobInput,
} from '../queries/ml-jobs';
import type { AppContext } from '../server/context';

/**
 * `PUT /api/ml/jobs/{jobId}`: the single-metric wizard's "Create job" against the participant's
 * cluster — validate as ES does, take the index's full time range ("use full data"), PUT the job
 * and its datafeed exactly as Kibana builds them, open the job and start the datafeed over the
 * range (a look-back that stops, and closes the job, at its end). Failures on the cluster (Basic
 * licence, no ML node) come back translated; what was created stays, and asking again resumes a
 * job that never ran instead of refusing it.
 */

export interface CreateJobRequest {
  index: string;
  function: WizardFunction;
  field?: string;
  bucketSpan?: string;
}

export interface CreatedJob {
  jobId: string;
  datafeedId: string;
  /** The look-back range: the index's first and last document (epoch ms); the end is exclusive. */
  start: number;
  end: number;
  bucketSpan: string;
  resumed: boolean;
}

const CALL_TIMEOUT_MS = 15_000;

function invalidJob(reason: string, params: Record<string, string | undefined> = {}, detail?: string): AppError {
  return new AppError('invalid_job', { params: { reason, ...params }, detail });
}

/** A refusal of the job or datafeed body (400) is `invalid_job` with ES's reason; licence and node errors pass through. */
function asJobError(error: unknown, jobId: string): AppError {
  const appError = toAppError(error);
  if (appError.code !== 'invalid_request') return appError;
  const reason = typeof appError.params.reason === 'string' ? appError.params.reason : undefined;
  if (reason && /already (?:used|exists)/.test(reason)) return invalidJob('exists', { jobId }, appError.detail);
  return invalidJob('rejected', { jobId, detail: reason }, appError.detail);
}

async function checkInput(client: ClusterClient, jobId: string, request: CreateJobRequest): Promise<{ timeField: string; bucketSpan: string }> {
  const problem = jobIdProblem(jobId);
  if (problem) throw invalidJob(problem, { jobId });
  const bucketSpan = request.bucketSpan?.trim() || DEFAULT_BUCKET_SPAN;
  if (bucketSpanMs(bucketSpan) === null) throw invalidJob('bucket_span', { detail: bucketSpan });
  if (!(await client.indicesExists(request.index, { timeoutMs: CALL_TIMEOUT_MS }))) throw new AppError('index_missing', { params: { index: request.index } });
  const fields = parseIndexFields(await client.getMapping(request.index, { timeoutMs: CALL_TIMEOUT_MS }));
  if (request.function !== 'count') {
    if (!request.field || !fields.numeric.includes(request.field)) throw invalidJob('field', { field: request.field ?? '' });
  }
  const timeField = fields.dates.includes(DEFAULT_TIME_FIELD) ? DEFAULT_TIME_FIELD : fields.dates[0];
  if (!timeField) throw invalidJob('no_data');
  return { timeField, bucketSpan };
}

async function dataRange(client: ClusterClient, index: string, timeField: string) {
  const request = buildDataRangeRequest(index, timeField);
  const range = parseDataRange(await client.search(request.index, request.body, { timeoutMs: CALL_TIMEOUT_MS }));
  if (!range || range.end <= range.start) throw invalidJob('no_data');
  return range;
}

/** A job that exists but never processed a record (an earlier attempt met Basic or no ML node) is run instead of refused. */
async function resumable(client: ClusterClient, jobId: string): Promise<boolean> {
  const stats = await client.getJobStats(jobId, { timeoutMs: CALL_TIMEOUT_MS });
  const job = stats.jobs?.[0];
  return job !== undefined && (job.data_counts?.processed_record_count ?? 0) === 0 && job.state === 'closed';
}

export async function createWizardJob(ctx: AppContext, participantId: string, jobId: string, request: CreateJobRequest): Promise<CreatedJob> {
  const { client, connection } = await participantCluster(ctx, participantId);
  const { timeField, bucketSpan } = await checkInput(client, jobId, request);
  const range = await dataRange(client, request.index, timeField);
  const input: WizardJobInput = { jobId, index: request.index, fn: request.function, field: request.field, bucketSpan, timeField };
  const datafeedId = datafeedIdOf(jobId);
  let resumed = false;
  try {
    const existing = await client.getJobConfig(jobId, { timeoutMs: CALL_TIMEOUT_MS });
    if (existing) {
      if (!(await resumable(client, jobId))) throw invalidJob('exists', { jobId });
      resumed = true;
    } else {
      if (estimatesModelMemory(client.version)) {
        const estimate = await client.estimateModelMemory(buildModelMemoryEstimate(input), { timeoutMs: CALL_TIMEOUT_MS }).catch(() => null);
        input.modelMemoryLimit = wizardMemoryLimit(estimate?.model_memory_estimate);
      }
      await client.putJob(jobId, buildWizardJob(input, client.version), { timeoutMs: CALL_TIMEOUT_MS });
    }
    if (!(await client.getDatafeeds(datafeedId, { timeoutMs: CALL_TIMEOUT_MS }))) {
      await client.putDatafeed(datafeedId, buildWizardDatafeed(input, client.version), { timeoutMs: CALL_TIMEOUT_MS });
    }
    await client.openJob(jobId, { timeoutMs: CALL_TIMEOUT_MS });
    await client.startDatafeed(datafeedId, { start: String(range.start), end: String(range.end) }, { timeoutMs: CALL_TIMEOUT_MS });
  } catch (error) {
    throw asJobError(error, jobId);
  } finally {
    invalidateCoalesced(connectionKey(connection.id));
  }
  return { jobId, datafeedId, start: range.start, end: range.end, bucketSpan, resumed };
}

export async function estimateBucketSpan(ctx: AppContext, participantId: string, request: Omit<CreateJobRequest, 'bucketSpan'>): Promise<BucketSpanEstimate> {
  const { client } = await participantCluster(ctx, participantId);
  const { timeField } = await checkInput(client, 'estimate', { ...request, bucketSpan: DEFAULT_BUCKET_SPAN });
  const range = await dataRange(client, request.index, timeField);
  const search = buildBucketSpanRequest(request.index, timeField, range.end, request.function, request.field);
  return parseBucketSpanEstimate(await client.search(search.index, search.body, { timeoutMs: CALL_TIMEOUT_MS }), request.function);
}

/** The numeric fields of an index, for the wizard's metric picker. */
export async function metricFields(ctx: AppContext, participantId: string, index: string): Promise<{ numeric: string[]; timeField: string | null }> {
  const { client } = await participantCluster(ctx, participantId);
  if (!(await client.indicesExists(index, { timeoutMs: CALL_TIMEOUT_MS }))) throw new AppError('index_missing', { params: { index } });
  const fields = parseIndexFields(await client.getMapping(index, { timeoutMs: CALL_TIMEOUT_MS }));
  return { numeric: fields.numeric, timeField: fields.dates.includes(DEFAULT_TIME_FIELD) ? DEFAULT_TIME_FIELD : (fields.dates[0] ?? null) };
}
