/**
 * Why a chapter 5 checkpoint is still pending when no error explains it: stored as the
 * checkpoint's code beside the error codes, explained in the reader's language by the page
 * (`checkpointReasons.<code>` messages) and on the instructor's board. Client-safe.
 */
export const CHECKPOINT_REASONS = [
  /** The index has rows but its data stops part way through a day: the import stopped (or still runs). */
  'import_incomplete',
  /** No anomaly detection job for the flights index yet. */
  'job_missing',
  /** The job exists but has never processed a record. */
  'job_not_run',
  /** The datafeed is still reading the data. */
  'job_running',
  /** The datafeed stopped before the end of the data. */
  'datafeed_stopped_early',
  /** The job's state is `failed`. */
  'job_failed',
  /** The job ran but no record scored 75 or more yet. */
  'no_critical_anomaly',
] as const;

export type CheckpointReason = (typeof CHECKPOINT_REASONS)[number];

export function isCheckpointReason(value: unknown): value is CheckpointReason {
  return typeof value === 'string' && (CHECKPOINT_REASONS as readonly string[]).includes(value);
}
