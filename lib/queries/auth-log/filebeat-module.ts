/** Whether `filebeat setup` loaded the `system` module's auth pipeline (the panel's empty state, the filebeat-setup checkpoint). */
import { isObject, responseBody } from '../common';

/**
 * `filebeat setup` (and a Filebeat start that finds them missing) loads the module's ingest
 * pipelines, one set per Filebeat version: `filebeat-7.6.2-system-auth-pipeline`,
 * `filebeat-8.15.0-system-auth-pipeline`. Without the auth one, sshd lines arrive unparsed.
 */
export const AUTH_PIPELINE_PATTERN = 'filebeat-*-system-auth-pipeline';

export interface AuthPipeline {
  id: string;
  /** The Filebeat version that installed it, read from the id. */
  version: string | null;
}

export interface FilebeatModuleStatus {
  /** The `system` module's auth pipeline is installed (the newest version first). */
  installed: boolean;
  pipelines: AuthPipeline[];
}

const PIPELINE_ID = /^filebeat-(\d+\.\d+\.\d+(?:-[\w.]+)?)-system-auth-pipeline$/;

/** Reads `GET _ingest/pipeline/filebeat-*-system-auth-pipeline` (null or `{}` when none matched). */
export function parseFilebeatModuleStatus(response: unknown): FilebeatModuleStatus {
  const body = isObject(response) ? responseBody(response) : {};
  const pipelines = Object.keys(body)
    .filter((id) => isObject(body[id]))
    .map((id) => ({ id, version: PIPELINE_ID.exec(id)?.[1] ?? null }))
    .sort((a, b) => compareVersions(b.version, a.version) || a.id.localeCompare(b.id));
  return { installed: pipelines.length > 0, pipelines };
}

function compareVersions(a: string | null, b: string | null): number {
  const parts = (v: string | null) => (v ?? '').split(/[.-]/).map((p) => Number(p) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
