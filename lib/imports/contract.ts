/**
 * What the browser and the server agree on for chapter 5's import (DESIGN.md: `POST
 * /api/imports?index=NAME`, `GET /api/imports/{importId}`, `POST /api/practice/datasets/flights`):
 * limits, the analysis summary and the progress DTO. Client-safe.
 */
import type { FileSummary } from '../queries/ml-import';

export type { FieldSummary, FileSummary } from '../queries/ml-import';

/** Kibana's default `fileUpload:maxFileSize` is 100 MB; uploads beyond it get 413 `invalid_file`. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
export const MAX_UPLOAD_MB = MAX_UPLOAD_BYTES / (1024 * 1024);
/** The analysis reads the first megabyte at most (the structure finder samples its first 1 000 lines). */
export const ANALYSE_MAX_BYTES = 1024 * 1024;
/** Failed rows kept for the reader, with their lines. */
export const MAX_LISTED_FAILURES = 100;
export const FLIGHTS_INDEX = 'flights';

export interface FileAnalysis {
  summary: FileSummary;
  /** The index the importer proposes (the file name, lowercased, as Kibana does; `flights` for flights.csv). */
  index: string;
}

export type ImportState = 'running' | 'done' | 'failed' | 'cancelled';

export interface ImportProgress {
  importId: string;
  kind: 'upload' | 'sample';
  index: string;
  state: ImportState;
  /** `analysing` the sample, `creating` the index and pipeline, `indexing` rows, `finished`. */
  phase: 'analysing' | 'creating' | 'indexing' | 'finished';
  /** Rows the cluster has taken so far. */
  rows: number;
  failedRows: number;
  /** Known up front for the sample; for an upload once the file has been read. */
  totalRows?: number;
  bytes: number;
  totalBytes: number | null;
  rowsPerSecond: number | null;
  secondsLeft: number | null;
  /** The first failed rows, with their lines in the file. */
  failures: { line: number; reason: string }[];
  startedAt: string;
  finishedAt: string | null;
  error: { code: string; message: string; hint: string } | null;
}

/** An IANA zone name (or `UTC`) the runtime knows: what the browser sends with an upload. */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Elasticsearch's index name rules (`MetadataCreateIndexService.validateIndexOrAliasName`), for the import's target. */
export function indexNameProblem(name: string): string | null {
  if (name.length === 0) return 'empty';
  if (name !== name.toLowerCase()) return 'must be lowercase';
  if (/[\\/*?"<>| ,#:]/.test(name)) return 'must not contain \\ / * ? " < > | space , # :';
  if (/^[-_+]/.test(name)) return 'must not start with -, _ or +';
  if (name === '.' || name === '..') return 'must not be . or ..';
  if (new TextEncoder().encode(name).length > 255) return 'is longer than 255 bytes';
  return null;
}
