import 'server-only';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ClusterClient } from '../cluster/adapter';
import { invalidateCoalesced, microCache } from '../cluster/coalesce';
import { practiceFlightsLoad } from '../connections/practice';
import type { SampleLoad } from '../connections/practice-control';
import { connectionKey, participantCluster } from '../connections/service';
import { fileKey, FILE_KEY_HEAD_BYTES, rowId } from '../datasets/file-identity';
import { AppError, describeError, toAppError, type ErrorLocale } from '../errors';
import { type Dsl, isObject } from '../queries/common';
import { importFormat, lineOfReason, planImport, summariseStructure, type ImportPlan } from '../queries/ml-import';
import type { AppContext } from '../server/context';
import { ANALYSE_MAX_BYTES, FLIGHTS_INDEX, MAX_LISTED_FAILURES, MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, type FileAnalysis, type ImportProgress } from './contract';
import { csvRecords, MalformedFileError, ndjsonRecords } from './records';

/**
 * Chapter 5's import (DESIGN.md): the File Data Visualizer's path, run by the server against the
 * participant's cluster. An upload streams through: its first megabyte goes to the cluster's own
 * structure finder, the index and `<index>-pipeline` are created from the proposal (the browser's
 * time zone in the `date` processor), then the rows go through the client's bulk helper, pulled
 * from the request only as fast as the cluster takes them. Rows get ids from the file's identity
 * and their line, so importing the same file again replaces instead of duplicating. Progress
 * lives in this process (an import belongs to the app instance that runs it) for an hour.
 */

const BULK_FLUSH_BYTES = 700_000; // about Kibana's 5 000 documents per request for flights rows
const BULK_CONCURRENCY = 2;
const BULK_TIMEOUT_MS = 60_000;
const STRUCTURE_TIMEOUT_MS = 30_000;
const LINE = Symbol('line');

type ImportDoc = Record<string, unknown> & { [LINE]: number };

interface ImportJob {
  id: string;
  participantId: string;
  connectionId: string;
  kind: 'upload' | 'sample';
  progress: Omit<ImportProgress, 'error' | 'rowsPerSecond' | 'secondsLeft'>;
  error: AppError | null;
  /** When rows began to flow (for rows/s). */
  indexingSince: number | null;
  live?: () => { successful: number; failed: number };
  cancel(): void;
}

const jobs = new LRUCache<string, ImportJob>({ max: 5_000, ttl: 60 * 60_000, updateAgeOnGet: false });

function now(): number {
  return Date.now();
}

function newProgress(id: string, kind: ImportJob['kind'], index: string, totalBytes: number | null): ImportJob['progress'] {
  return { importId: id, kind, index, state: 'running', phase: 'analysing', rows: 0, failedRows: 0, bytes: 0, totalBytes, failures: [], startedAt: new Date().toISOString(), finishedAt: null };
}

function ownJob(participantId: string, importId: string): ImportJob {
  const job = jobs.get(importId);
  if (!job || job.participantId !== participantId) throw new AppError('not_found', { detail: `import ${importId}` });
  return job;
}

function finish(job: ImportJob, state: ImportProgress['state'], error: AppError | null = null): void {
  if (job.live) {
    const stats = job.live();
    job.progress.rows = stats.successful;
    job.progress.failedRows = Math.max(job.progress.failedRows, stats.failed + localFailures(job));
  }
  job.live = undefined;
  job.progress.state = state;
  job.progress.phase = 'finished';
  job.progress.finishedAt = new Date().toISOString();
  if (state === 'done' && job.progress.totalRows === undefined) job.progress.totalRows = job.progress.rows + job.progress.failedRows;
  job.error = error;
  // Checkpoints and panels see the new index on their next poll, not a cached "missing".
  invalidateCoalesced(connectionKey(job.connectionId));
}

/** Failures decided here, before the cluster saw the row (an NDJSON line that is not an object). */
const localFailureCounts = new WeakMap<ImportJob, number>();
function localFailures(job: ImportJob): number {
  return localFailureCounts.get(job) ?? 0;
}

function noteFailure(job: ImportJob, line: number, reason: string): void {
  if (job.progress.failures.length < MAX_LISTED_FAILURES) job.progress.failures.push({ line, reason: reason.slice(0, 300) });
}

/** The DTO of `GET /api/imports/{importId}`, with rows/s and time left worked out now. */
function view(job: ImportJob, locale: ErrorLocale): ImportProgress {
  const p = { ...job.progress, failures: [...job.progress.failures] };
  if (job.live) {
    const stats = job.live();
    p.rows = stats.successful;
    p.failedRows = stats.failed + localFailures(job);
  }
  const elapsed = job.indexingSince === null ? 0 : ((job.progress.finishedAt ? Date.parse(job.progress.finishedAt) : now()) - job.indexingSince) / 1000;
  const rowsPerSecond = elapsed > 0.5 && p.rows > 0 ? Math.round(p.rows / elapsed) : null;
  let secondsLeft: number | null = null;
  if (p.state === 'running' && rowsPerSecond) {
    if (p.totalRows !== undefined) secondsLeft = Math.max(0, Math.round((p.totalRows - p.rows - p.failedRows) / rowsPerSecond));
    else if (p.totalBytes && p.bytes > 0) secondsLeft = Math.max(0, Math.round((elapsed * (p.totalBytes - p.bytes)) / p.bytes));
  }
  const error = job.error ? { code: job.error.code, ...describeError(job.error.code, locale, job.error.publicParams) } : null;
  return { ...p, rowsPerSecond, secondsLeft, error };
}

export async function importProgress(ctx: AppContext, participantId: string, importId: string, locale: ErrorLocale): Promise<ImportProgress> {
  const job = ownJob(participantId, importId);
  if (job.kind === 'sample' && job.progress.state === 'running') await refreshSample(job, ctx);
  return view(job, locale);
}

export async function cancelImport(ctx: AppContext, participantId: string, importId: string, locale: ErrorLocale): Promise<ImportProgress> {
  const job = ownJob(participantId, importId);
  if (job.progress.state === 'running') {
    if (job.kind === 'sample') {
      const { load } = await practiceFlightsLoad(ctx, participantId, 'DELETE');
      applySample(job, load);
    }
    job.cancel();
  }
  return view(job, locale);
}

// ---------------------------------------------------------------------------------------------
// The request body, read as a stream with the size limit

class TooLarge extends Error {}

/** The body's bytes as they arrive, refusing more than the limit; the count goes to `onBytes`. */
async function* limitedBytes(body: ReadableStream<Uint8Array> | null, onBytes: (total: number) => void, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (!body) return;
  let total = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      if (signal.aborted) return;
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > MAX_UPLOAD_BYTES) throw new TooLarge();
      onBytes(total);
      yield value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** Reads up to `max` bytes from the front of a byte stream, and a stream of the rest. */
async function takeHead(bytes: AsyncGenerator<Uint8Array>, max: number): Promise<{ head: Uint8Array; ended: boolean }> {
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const next = await bytes.next();
    if (next.done) return { head: concat(parts), ended: true };
    parts.push(next.value);
    size += next.value.byteLength;
  }
  return { head: concat(parts), ended: false };
}

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

async function* replay(head: Uint8Array, rest: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (head.byteLength > 0) yield head;
  yield* rest;
}

/** The sample for the structure finder: whole lines only, unless the file ended. */
function sampleText(head: Uint8Array, ended: boolean): string {
  if (head.byteLength === 0) throw new AppError('invalid_file', { params: { reason: 'empty' } });
  if (head.subarray(0, Math.min(head.byteLength, 8_192)).includes(0)) throw new AppError('invalid_file', { params: { reason: 'not_text' } });
  const text = new TextDecoder('utf-8').decode(head);
  if (ended) return text;
  const cut = text.lastIndexOf('\n');
  return cut > 0 ? text.slice(0, cut + 1) : text;
}

/** The structure finder's answer, or `invalid_file` with its reason (and line, when it names one). */
async function findStructure(client: ClusterClient, sample: string): Promise<Dsl> {
  try {
    return await client.findStructure(sample, {}, { timeoutMs: STRUCTURE_TIMEOUT_MS });
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code !== 'invalid_request') throw appError;
    const reason = typeof appError.params.reason === 'string' ? appError.params.reason : undefined;
    throw new AppError('invalid_file', { params: { reason: 'structure', line: lineOfReason(reason), detail: reason?.slice(0, 300) }, detail: appError.detail, cause: error });
  }
}

function checkFormat(structure: Dsl): void {
  if (!importFormat(structure)) throw new AppError('invalid_file', { params: { reason: 'format', detail: String(structure.format ?? 'unknown') } });
}

/** Kibana's default index name: the file name without extension, lowercased, with what ES refuses replaced. */
export function proposedIndexName(fileName: string | undefined): string {
  const base = (fileName ?? '').replace(/\.[^.]*$/, '').toLowerCase().replace(/[\\/*?"<>| ,#:]+/g, '-').replace(/^[-_+.]+/, '');
  return base.slice(0, 200) || FLIGHTS_INDEX;
}

export async function analyseFile(ctx: AppContext, participantId: string, input: { body: ReadableStream<Uint8Array> | null; fileName?: string }): Promise<FileAnalysis> {
  const { client } = await participantCluster(ctx, participantId);
  const abort = new AbortController();
  const bytes = limitedBytes(input.body, () => undefined, abort.signal);
  let head: { head: Uint8Array; ended: boolean };
  try {
    head = await takeHead(bytes, ANALYSE_MAX_BYTES);
  } catch (error) {
    if (error instanceof TooLarge) throw tooLarge();
    throw error;
  } finally {
    abort.abort();
    await bytes.return(undefined);
  }
  const structure = await findStructure(client, sampleText(head.head, head.ended));
  checkFormat(structure);
  return { summary: summariseStructure(structure), index: proposedIndexName(input.fileName) };
}

function tooLarge(): AppError {
  return new AppError('invalid_file', { status: 413, params: { reason: 'too_large', limitMb: MAX_UPLOAD_MB } });
}

// ---------------------------------------------------------------------------------------------
// Upload

export interface UploadInput {
  index: string;
  timeZone: string;
  body: ReadableStream<Uint8Array> | null;
  /** From Content-Length, or the size the browser reported; null when unknown. */
  totalBytes: number | null;
  /** A client-chosen id (a UUID), so the browser can follow progress while the upload runs. */
  importId?: string;
}

/** Creates the index (kept if it exists) and the pipeline, as Kibana's `initializeImport` does. */
async function prepareIndex(client: ClusterClient, index: string, plan: ImportPlan): Promise<void> {
  if (!(await client.indicesExists(index))) {
    try {
      await client.createIndex(index, plan.index);
    } catch (error) {
      const appError = toAppError(error);
      // Another import created it meanwhile: the same mappings, keep going.
      if (!(appError.code === 'invalid_request' && /already exists/.test(String(appError.params.reason ?? '')))) throw appError;
    }
  }
  if (plan.pipeline) await client.putPipeline(plan.pipelineId, plan.pipeline);
}

/**
 * Runs an upload to its end and answers its final progress: `done` (some rows may have failed,
 * each listed with its line), `cancelled`, or an error (`invalid_file` for the file itself).
 */
export async function importUpload(ctx: AppContext, participantId: string, input: UploadInput, locale: ErrorLocale): Promise<ImportProgress> {
  if (input.totalBytes !== null && input.totalBytes > MAX_UPLOAD_BYTES) throw tooLarge();
  const { client, connection } = await participantCluster(ctx, participantId);
  const id = input.importId && !jobs.has(input.importId) ? input.importId : randomUUID();
  const abort = new AbortController();
  let helperAbort: (() => void) | null = null;
  const job: ImportJob = {
    id,
    participantId,
    connectionId: connection.id,
    kind: 'upload',
    progress: newProgress(id, 'upload', input.index, input.totalBytes),
    error: null,
    indexingSince: null,
    cancel: () => {
      abort.abort();
      helperAbort?.();
    },
  };
  jobs.set(id, job);
  const bytes = limitedBytes(input.body, (total) => {
    job.progress.bytes = total;
  }, abort.signal);

  try {
    let head: { head: Uint8Array; ended: boolean };
    try {
      head = await takeHead(bytes, ANALYSE_MAX_BYTES);
    } catch (error) {
      if (error instanceof TooLarge) throw tooLarge();
      throw error;
    }
    const structure = await findStructure(client, sampleText(head.head, head.ended));
    checkFormat(structure);
    const plan = planImport(structure, input.index, input.timeZone);
    if (abort.signal.aborted) {
      finish(job, 'cancelled');
      return view(job, locale);
    }
    job.progress.phase = 'creating';
    await prepareIndex(client, input.index, plan);

    const key = fileKey(head.head.subarray(0, FILE_KEY_HEAD_BYTES), input.totalBytes);
    const quote = typeof structure.quote === 'string' && structure.quote.length === 1 ? structure.quote : '"';
    let sourceError: unknown = null;
    const source = replay(head.head, bytes);
    const docs = async function* (): AsyncGenerator<ImportDoc> {
      try {
        if (plan.format === 'delimited') {
          let first = true;
          for await (const record of csvRecords(source, quote)) {
            if (abort.signal.aborted) return;
            if (first && plan.hasHeaderRow) {
              first = false;
              continue;
            }
            first = false;
            yield { message: record.text, [LINE]: record.line };
          }
        } else {
          for await (const record of ndjsonRecords(source)) {
            if (abort.signal.aborted) return;
            let doc: unknown;
            try {
              doc = JSON.parse(record.text);
            } catch {
              doc = null;
            }
            if (!isObject(doc)) {
              localFailureCounts.set(job, localFailures(job) + 1);
              noteFailure(job, record.line, 'not a JSON object');
              continue;
            }
            yield Object.assign(doc, { [LINE]: record.line }) as ImportDoc;
          }
        }
      } catch (error) {
        // Ends the stream here: the helper still sends what it holds, and the error is reported after.
        sourceError = error;
      }
    };

    job.progress.phase = 'indexing';
    job.indexingSince = now();
    const run = client.bulkHelper<ImportDoc>({
      datasource: docs(),
      onDocument: (doc) => ({ index: { _index: input.index, _id: rowId(key, doc[LINE]), ...(plan.pipeline ? { pipeline: plan.pipelineId } : {}) } }),
      onDrop: (drop) => noteFailure(job, drop.document[LINE], drop.error?.reason ?? drop.error?.type ?? `HTTP ${drop.status}`),
      flushBytes: BULK_FLUSH_BYTES,
      concurrency: BULK_CONCURRENCY,
      timeoutMs: BULK_TIMEOUT_MS,
      refreshOnCompletion: input.index,
    });
    helperAbort = run.abort;
    job.live = run.stats;
    await run.done;
    if (sourceError instanceof TooLarge) throw tooLarge();
    if (sourceError instanceof MalformedFileError) throw new AppError('invalid_file', { params: { reason: 'malformed', line: sourceError.line, detail: sourceError.message } });
    if (sourceError) throw new AppError('invalid_file', { params: { reason: 'truncated' }, detail: String(sourceError), cause: sourceError });
    finish(job, abort.signal.aborted ? 'cancelled' : 'done');
    return view(job, locale);
  } catch (error) {
    const appError = toAppError(error);
    finish(job, abort.signal.aborted ? 'cancelled' : 'failed', abort.signal.aborted ? null : appError);
    if (abort.signal.aborted) return view(job, locale);
    throw appError;
  } finally {
    await bytes.return(undefined).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// The practice cluster's sample

function applySample(job: ImportJob, load: SampleLoad): void {
  const p = job.progress;
  p.rows = load.rows;
  p.failedRows = load.failedRows;
  p.totalRows = load.totalRows;
  p.failures = load.failures.slice(0, MAX_LISTED_FAILURES);
  if (load.rows > 0 && p.phase !== 'finished') p.phase = 'indexing';
  if (load.state !== 'running' && p.state === 'running') {
    finish(job, load.state, load.state === 'failed' ? new AppError('internal', { detail: `practice flights sample failed: ${load.error ?? ''}` }) : null);
    p.finishedAt = load.finishedAt ?? p.finishedAt;
  }
}

const sampleContexts = new WeakMap<ImportJob, AppContext>();

async function refreshSample(job: ImportJob, ctx?: AppContext): Promise<void> {
  const context = ctx ?? sampleContexts.get(job);
  if (!context) return;
  // One practice call per import and moment, however many tabs follow it.
  const load = await microCache(`import:${job.id}`, 300, async () => (await practiceFlightsLoad(context, job.participantId, 'GET')).load);
  applySample(job, load);
}

export async function importSample(ctx: AppContext, participantId: string, request: { timeZone: string; from?: string; to?: string }, locale: ErrorLocale): Promise<ImportProgress> {
  const { load, connectionId } = await practiceFlightsLoad(ctx, participantId, 'POST', request);
  const id = randomUUID();
  const job: ImportJob = {
    id,
    participantId,
    connectionId,
    kind: 'sample',
    progress: { ...newProgress(id, 'sample', load.index, null), phase: 'indexing', totalRows: load.totalRows, startedAt: load.startedAt },
    error: null,
    indexingSince: Date.parse(load.startedAt) || now(),
    cancel: () => undefined,
  };
  sampleContexts.set(job, ctx);
  jobs.set(id, job);
  applySample(job, load);
  return view(job, locale);
}
