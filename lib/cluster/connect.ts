import 'server-only';
import { AppError } from '../errors';
import type { ClusterClient } from './adapter';
import { clusterAuthFrom, type ClusterAuth, type ClusterAuthInput } from './auth';
import { openClusterClient, type ClusterTarget, type ProbedCluster } from './client';
import { parseCloudId, parseClusterUrl, parseKibanaUrl, type ClusterEndpoint } from './cloud-id';
import type { CheckedEndpoint, EndpointPolicy } from './endpoint-policy';
import { probeClusterStatus, type ClusterStatus } from './probe';
import { SharedAgents } from './shared-agents';

/**
 * The connect sequence of ES-REFERENCE 11 in one call, for `POST /api/cluster` and for
 * re-creating a client from stored credentials: parse, policy check (DNS included), version
 * probe, client, status. Every failure is an AppError with a code of DESIGN.md.
 */
export interface ConnectInput extends ClusterAuthInput {
  cloudId?: string;
  url?: string;
  /** Optional beside a plain URL; a Cloud ID carries its own. */
  kibanaUrl?: string;
}

export interface ConnectOptions {
  policy: EndpointPolicy;
  requestTimeoutMs?: number;
  probeTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ConnectedCluster {
  endpoint: ClusterEndpoint;
  checked: CheckedEndpoint;
  auth: ClusterAuth;
  client: ClusterClient;
  probe: ProbedCluster;
  status: ClusterStatus;
}

/** Exactly one of Cloud ID and URL. */
export function parseConnectTarget(input: Pick<ConnectInput, 'cloudId' | 'url' | 'kibanaUrl'>): ClusterEndpoint {
  const cloudId = input.cloudId?.trim() ?? '';
  const url = input.url?.trim() ?? '';
  if (cloudId !== '' && url !== '') throw new AppError('invalid_request', { params: { field: 'url' }, detail: 'both cloudId and url given' });
  if (cloudId !== '') return parseCloudId(cloudId).endpoint;
  if (url === '') throw new AppError('invalid_request', { params: { field: 'cloudId' }, detail: 'neither cloudId nor url given' });
  const endpoint = parseClusterUrl(url);
  const kibana = input.kibanaUrl?.trim() ?? '';
  return kibana === '' ? endpoint : { ...endpoint, kibanaUrl: parseKibanaUrl(kibana) };
}

export async function connectCluster(input: ConnectInput, options: ConnectOptions): Promise<ConnectedCluster> {
  const endpoint = parseConnectTarget(input);
  const auth = clusterAuthFrom(input);
  return connectEndpoint(endpoint, auth, options);
}

/** Also the cache-miss path: stored endpoint and decrypted credentials, checked and probed again. */
export async function connectEndpoint(endpoint: ClusterEndpoint, auth: ClusterAuth, options: ConnectOptions): Promise<ConnectedCluster> {
  const { checked, target } = await checkTarget(endpoint, options.policy);
  const { client, probe } = await openClusterClient(target, auth, {
    requestTimeoutMs: options.requestTimeoutMs,
    probe: { timeoutMs: options.probeTimeoutMs, signal: options.signal },
  });
  try {
    // The client keeps the probe's name and uuid, so the status does not ask `GET /` again.
    const status = await probeClusterStatus(client, {
      kibanaUrl: endpoint.kibanaUrl,
      timeoutMs: options.probeTimeoutMs,
      signal: options.signal,
    });
    return { endpoint, checked, auth, client, probe, status };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

/** A client for a stored connection without the status calls (what the client cache creates). */
export async function openStoredCluster(
  stored: { url: string; kibanaUrl?: string | null },
  auth: ClusterAuth,
  options: ConnectOptions,
): Promise<ClusterClient> {
  const endpoint = { ...parseClusterUrl(stored.url), kibanaUrl: stored.kibanaUrl ?? null };
  const { target } = await checkTarget(endpoint, options.policy);
  const { client } = await openClusterClient(target, auth, {
    requestTimeoutMs: options.requestTimeoutMs,
    probe: { timeoutMs: options.probeTimeoutMs, signal: options.signal },
  });
  return client;
}

/** Each policy's origins share their sockets between attendees (lib/cluster/shared-agents.ts). */
const sharedAgents = new WeakMap<EndpointPolicy, SharedAgents>();

function sharedAgentsOf(policy: EndpointPolicy): SharedAgents {
  let agents = sharedAgents.get(policy);
  if (!agents) {
    agents = new SharedAgents();
    sharedAgents.set(policy, agents);
  }
  return agents;
}

async function checkTarget(endpoint: ClusterEndpoint, policy: EndpointPolicy): Promise<{ checked: CheckedEndpoint; target: ClusterTarget }> {
  const checked = await policy.check(endpoint);
  const lookup = policy.lookupFor(checked);
  return { checked, target: { endpoint, lookup, agent: sharedAgentsOf(policy).agentFor(checked, lookup) } };
}
