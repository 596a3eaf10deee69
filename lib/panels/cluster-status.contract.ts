/** The chapter 1 cluster status card, client-safe: its DTO (see `contract.ts`). */
import type { ClusterStatus } from '../cluster/probe';
import type { ConnectionAuthType, ConnectionKind } from '../db/schema';
import { panelContract, type PanelReading } from './contract';

// Types only: erased from the browser's bundle, so the server modules they come from stay there.
export type { ClusterStatus } from '../cluster/probe';

/** What the browser may know about a connection: where, how, and since when. Never credentials. */
export interface ConnectionView {
  kind: ConnectionKind;
  endpoint: string;
  cloudIdLabel: string | null;
  kibanaUrl: string | null;
  authType: ConnectionAuthType;
  connectedAt: string;
}

/** The card, also the answer of connecting (`POST /api/cluster`, `POST /api/practice`) and forgetting (`DELETE /api/cluster`). */
export interface ClusterPanelDto extends PanelReading {
  connection: ConnectionView | null;
  status: ClusterStatus | null;
  /** Why the status could not be read just now (the connection itself is kept). */
  error: { code: string; params: Record<string, unknown> } | null;
}

export type ClusterStatusQuery = Record<string, never>;

/** `GET /api/panels/cluster-status`; `GET /api/cluster` answers the same. */
export const clusterStatusPanel = panelContract<ClusterStatusQuery, ClusterPanelDto>('cluster-status', 5_000);

/**
 * How often a component that only needs to know which cluster is connected (practice buttons, the
 * mailbox, the SSH watch editor, the auth log, the import) reads it again. Connecting,
 * disconnecting and practice actions in the tab revalidate the card's key at once, so this timer
 * only catches a change made in another tab. The card itself (chapter 1) keeps its 5 s; where both
 * are on a page the shorter interval wins. A class of 500 on chapters 2-5 thus asks each cluster's
 * health every 30 s instead of every 5 s.
 */
export const CLUSTER_CONNECTION_REFRESH_MS = 30_000;
