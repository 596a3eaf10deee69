import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterClient } from './adapter';
import { openStoredCluster } from './connect';
import { EndpointPolicy } from './endpoint-policy';
import { SharedAgents } from './shared-agents';

/*
 * Attendees of one cluster origin share keep-alive sockets: a class of 500 on the practice cluster
 * held 4 500 sockets to it when each attendee's client kept its own.
 */

interface CountingCluster {
  url: string;
  /** TCP connections the server accepted. */
  connections: number;
  /** Of those, the ones still open. */
  open: number;
  /** Each request's Authorization header, in order. */
  authorizations: string[];
  close(): Promise<void>;
}

/** Answers like an 8.x node (the probe's `GET /`, and cluster health) and counts its connections. */
async function countingCluster(): Promise<CountingCluster> {
  const cluster = { connections: 0, open: 0, authorizations: [] as string[] } as CountingCluster;
  const server = http.createServer((request, response) => {
    cluster.authorizations.push(request.headers.authorization ?? '');
    const body =
      request.url === '/'
        ? { name: 'node-1', cluster_name: 'class', cluster_uuid: 'uuid-1', version: { number: '8.15.0', build_flavor: 'default' }, tagline: 'You Know, for Search' }
        : { cluster_name: 'class', status: 'green', number_of_nodes: 1 };
    response.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
    response.end(JSON.stringify(body));
  });
  server.on('connection', (socket) => {
    cluster.connections += 1;
    cluster.open += 1;
    socket.on('close', () => {
      cluster.open -= 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cluster.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cluster.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return cluster;
}

const clusters: CountingCluster[] = [];
const clients: ClusterClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await Promise.all(clusters.map((cluster) => cluster.close()));
});

async function attendeeClient(cluster: CountingCluster, policy: EndpointPolicy, who: string): Promise<ClusterClient> {
  const client = await openStoredCluster({ url: cluster.url }, { kind: 'basic', username: who, password: `${who}-secret` }, { policy });
  clients.push(client);
  return client;
}

describe('shared keep-alive sockets per cluster origin', () => {
  it("serves several attendees' clients of one origin over the same sockets, each request with its own credentials", async () => {
    const cluster = await countingCluster();
    clusters.push(cluster);
    const policy = new EndpointPolicy({ practiceUrls: [cluster.url] });
    const attendees = await Promise.all(['kim', 'lee', 'park', 'choi'].map((who) => attendeeClient(cluster, policy, who)));
    // The probes connect on their own (agent: false); what counts is the clients' requests after them.
    const afterProbes = cluster.connections;
    cluster.authorizations.length = 0;
    for (let round = 0; round < 3; round += 1) {
      for (const client of attendees) expect((await client.health()).status).toBe('green');
    }
    // One request at a time: one socket, reused by all four attendees (each client with its own agent opened four).
    expect(cluster.connections - afterProbes).toBe(1);
    const basic = (who: string) => `Basic ${Buffer.from(`${who}:${who}-secret`).toString('base64')}`;
    expect(cluster.authorizations.slice(0, 4)).toEqual(['kim', 'lee', 'park', 'choi'].map(basic));
  });

  it("keeps the other attendees' sockets when one attendee's client is closed", async () => {
    const cluster = await countingCluster();
    clusters.push(cluster);
    const policy = new EndpointPolicy({ practiceUrls: [cluster.url] });
    const leaving = await attendeeClient(cluster, policy, 'kim');
    const staying = await attendeeClient(cluster, policy, 'lee');
    await leaving.health();
    const before = cluster.connections;
    await leaving.close();
    expect((await staying.health()).status).toBe('green');
    expect(cluster.connections).toBe(before);
  });

  it('does not hand one policy’s sockets to another policy’s clients', async () => {
    const cluster = await countingCluster();
    clusters.push(cluster);
    const first = await attendeeClient(cluster, new EndpointPolicy({ practiceUrls: [cluster.url] }), 'kim');
    const second = await attendeeClient(cluster, new EndpointPolicy({ practiceUrls: [cluster.url] }), 'lee');
    await first.health();
    const before = cluster.connections;
    await second.health();
    expect(cluster.connections).toBe(before + 1);
  });

  it('closes an idle shared socket after the idle time, so an origin nobody reads keeps none', async () => {
    const cluster = await countingCluster();
    clusters.push(cluster);
    const policy = new EndpointPolicy({ practiceUrls: [cluster.url] });
    const { hostname, port } = new URL(cluster.url);
    const checked = await policy.check({ protocol: 'http:', hostname, port: Number(port) });
    const agent = new SharedAgents(150).agentFor(checked, policy.lookupFor(checked));
    const get = () =>
      new Promise<void>((resolve, reject) => {
        http.get(`${cluster.url}/_cluster/health`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        }).on('error', reject);
      });
    await get();
    await get();
    // Kept open between the two reads (one connection), then let go once idle for longer than the idle time.
    expect(cluster.connections).toBe(1);
    expect(cluster.open).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(cluster.open).toBe(0);
  });
});
