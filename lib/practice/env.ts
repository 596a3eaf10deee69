/**
 * The practice cluster's only environment input. Kept in one tiny function so the app's central
 * env module can replace it without touching the server.
 */
export const DEFAULT_PRACTICE_CLUSTER_PORT = 9200;

export function practiceClusterPortFromEnv(): number {
  const raw = process.env.PRACTICE_CLUSTER_PORT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_PRACTICE_CLUSTER_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PRACTICE_CLUSTER_PORT must be a TCP port number (0-65535), got "${raw}"`);
  }
  return port;
}

/**
 * Where the practice cluster keeps its deployments across restarts: `PRACTICE_DATA_DIR`, or
 * `practice/` in the app's `DATA_DIR` (default `./data`), as `npm start` has it.
 */
export function practiceDataDirFromEnv(): string {
  const own = process.env.PRACTICE_DATA_DIR;
  if (own !== undefined && own.trim() !== '') return own;
  const data = process.env.DATA_DIR;
  return `${data !== undefined && data.trim() !== '' ? data.replace(/\/+$/, '') : './data'}/practice`;
}
