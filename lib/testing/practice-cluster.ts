/**
 * Test support: the practice cluster over real HTTP, deployments made through its control API and
 * connected with the app's own client, so a test takes the code path a real cluster would.
 */
import type { ClusterClient } from '../cluster/adapter';
import { connectCluster } from '../cluster/connect';
import { EndpointPolicy } from '../cluster/endpoint-policy';
import type { Clock } from '../practice/clock';
import type { Flavor } from '../practice/engine/api';
import { startPracticeCluster, type PracticeCluster } from '../practice/server/index';

export interface TestDeployment {
  id: string;
  url: string;
  username: string;
  password: string;
  version: string;
}

export interface TestPractice {
  cluster: PracticeCluster;
  policy: EndpointPolicy;
  deploy(flavor: Flavor): Promise<TestDeployment>;
  connect(deployment: TestDeployment, auth?: { apiKey: string }): Promise<ClusterClient>;
  /** Drives the simulated host as the control API does (`metricbeat-start`, `cpu-load`, …). */
  host(deployment: TestDeployment, action: string, body?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Requests the deployment's Elasticsearch API has answered so far. */
  requestCount(deployment: TestDeployment): number;
  close(): Promise<void>;
}

export async function startTestPractice(options: { clock?: Clock; idleMinutes?: number; maxDeployments?: number } = {}): Promise<TestPractice> {
  const cluster = await startPracticeCluster({ port: 0, scheduler: false, clock: options.clock, idleMinutes: options.idleMinutes, maxDeployments: options.maxDeployments });
  const policy = new EndpointPolicy({ practiceUrls: [cluster.url] });
  const basic = (d: TestDeployment) => `Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`;
  return {
    cluster,
    policy,
    async deploy(flavor) {
      const response = await fetch(`${cluster.url}/_practice/deployments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ flavor }),
      });
      if (response.status !== 201) throw new Error(`practice deployment: HTTP ${response.status}`);
      return (await response.json()) as TestDeployment;
    },
    async connect(deployment, auth) {
      const credentials = auth ? { apiKey: auth.apiKey } : { username: deployment.username, password: deployment.password };
      return (await connectCluster({ url: deployment.url, ...credentials }, { policy })).client;
    },
    async host(deployment, action, body = {}) {
      const response = await fetch(`${cluster.url}/_practice/deployments/${deployment.id}/host/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(deployment) },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`practice host ${action}: HTTP ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    },
    requestCount(deployment) {
      return cluster.deployments.get(deployment.id)?.requestCount ?? 0;
    },
    close: () => cluster.close(),
  };
}
