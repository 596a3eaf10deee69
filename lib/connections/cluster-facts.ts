import 'server-only';
import type { ClusterClient } from '../cluster/adapter';
import { microCache } from '../cluster/coalesce';
import { factsComplete, readClusterFacts, type ClusterFacts } from '../cluster/probe';
import { spreadWait } from '../spread-wait';
import { connectionKey } from './service';

/** How long (at least) a connection's nodes, licence and features are kept; health is asked on every probe. */
const CLUSTER_FACTS_TTL_MS = 30_000;

/**
 * The rarely changing part of a connection's status, read once per 30-60 s and shared by the
 * status card and the checkpoints that explain a pending step by the licence or the ML node: a
 * class polling every 5 s then costs each cluster one health call per poll instead of three more.
 * Facts with a failed part are used once and not kept, so a passing error clears at once;
 * reconnecting or a practice action drops them with the connection's other cached answers.
 */
export function connectionFacts(client: ClusterClient, connectionId: string): Promise<ClusterFacts> {
  return microCache(
    connectionKey(connectionId, 'facts'),
    // Spread over 30-60 s: a class that connected together would otherwise re-read all at once.
    spreadWait(CLUSTER_FACTS_TTL_MS),
    () => readClusterFacts(client),
    { keep: factsComplete },
  );
}
