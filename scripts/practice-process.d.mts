// Types of scripts/practice-process.mjs, for the tests that start the practice cluster through it.
export interface PracticeProcess {
  /** The practice cluster's base URL; null when PRACTICE_CLUSTER=false. */
  url: string | null;
  /** The running child's pid (null when none was started, or it stopped for good). */
  pid?: () => number | null;
  close(): Promise<void>;
}

/** Node flags the practice cluster's process runs with (the class bench uses them too). */
export const PRACTICE_NODE_FLAGS: readonly string[];

export function answersAsPracticeCluster(url: string): Promise<boolean>;

export function startPracticeProcess(options: {
  root: string;
  env?: Record<string, string | undefined>;
  port?: number;
  log?: Pick<Console, 'log' | 'error'>;
}): Promise<PracticeProcess>;
