import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock';
import type { Deployment, DeploymentRegistry } from '../deployments';
import type { Permissions, Principal } from '../security';

/** One authenticated Elasticsearch API request of a deployment. */
export interface EsContext {
  method: string;
  /** Path and query string as received (ES quotes this `uri` in its messages). */
  uri: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer | null;
  deployment: Deployment;
  principal: Principal;
  permissions: Permissions;
  registry: DeploymentRegistry;
  now: number;
  /** The practice clock (a request that waits, as `refresh=wait_for`, reads it again). */
  clock: Clock;
  /** Aborted when the client goes away (a waiting request stops waiting). */
  signal: AbortSignal;
}

export interface EsReply {
  status?: number;
  /** A JSON body (rendered with pretty/filter_path). */
  body?: unknown;
  /** A plain-text body (the `_cat` text tables). */
  text?: string;
  headers?: Record<string, string | string[]>;
}

export type EsHandler = (ctx: EsContext) => EsReply | Promise<EsReply>;
