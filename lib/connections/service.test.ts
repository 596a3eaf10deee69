import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { EndpointPolicy } from '../cluster/endpoint-policy';
import { createParticipant } from '../db';
import { AppError } from '../errors';
import { practiceAppForTests } from '../testing/practice-app';
import { connectParticipantCluster } from './service';

const app = practiceAppForTests();

/** A loopback port nothing listens on (the connection is refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function codeOf(attempt: Promise<unknown>): Promise<string> {
  return attempt.then(
    () => 'connected',
    (error: unknown) => (error instanceof AppError ? error.code : String(error)),
  );
}

describe('the failed-connect lock-out', () => {
  it('does not count five typo fixes that never reached a cluster', async () => {
    const refused = await closedPort();
    // The operator allows a loopback port where nothing listens, so a refused address is reached.
    const typoCtx = { ...app.ctx, policy: new EndpointPolicy({ allowList: [`127.0.0.1:${refused}`], practiceUrls: [app.practice.cluster.url] }) };
    const participant = await createParticipant(app.ctx.db, { displayName: 'typist', role: 'self_paced' });
    const deployment = await app.practice.deploy('8');
    const typos = [
      { cloudId: 'elastic_workshop:not-base64!!', password: 'x' },
      { url: 'htp://cluster', password: 'x' },
      { url: 'http://10.0.0.1:9200', password: 'x' },
      { url: `http://127.0.0.1:${refused}`, password: 'x' },
      { url: 'https://no-such-deployment.invalid:443', password: 'x' },
      { cloudId: 'oops', password: 'x' },
    ];
    const codes = [];
    for (const typo of typos) codes.push(await codeOf(connectParticipantCluster(typoCtx, participant.id, typo)));
    expect(codes).toEqual(['invalid_cloud_id', 'invalid_url', 'endpoint_not_allowed', 'cluster_unavailable', 'endpoint_not_allowed', 'invalid_cloud_id']);
    const fixed = await connectParticipantCluster(typoCtx, participant.id, { url: deployment.url, username: deployment.username, password: deployment.password });
    expect(fixed.connection?.kind).toBe('url');
  });

  it('locks out after five refusals by a cluster', async () => {
    const participant = await createParticipant(app.ctx.db, { displayName: 'guesser', role: 'self_paced' });
    const deployment = await app.practice.deploy('8');
    const codes = [];
    for (let i = 0; i < 6; i += 1) codes.push(await codeOf(connectParticipantCluster(app.ctx, participant.id, { url: deployment.url, username: deployment.username, password: `guess-${i}` })));
    expect(codes).toEqual(['unauthorized', 'unauthorized', 'unauthorized', 'unauthorized', 'unauthorized', 'rate_limited']);
  });
});
