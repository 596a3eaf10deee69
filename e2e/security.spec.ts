import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { createPracticeDeployment, signInViaApi } from './support/api';
import { expect, settledPanel, test } from './support/fixtures';

/** Every file under a folder, for the "no secret in plain text" grep. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const BLOB = /v1\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

async function signedIn(baseURL: string | undefined, name: string): Promise<APIRequestContext> {
  const request = await playwrightRequest.newContext({ baseURL });
  await signInViaApi(request, 'self-paced', { name });
  return request;
}

test.describe('security', () => {
  test('credentials never come back: not in responses, pages, the server log or the database files', async ({ page, request }) => {
    const deployment = await createPracticeDeployment(request);
    const apiKeyResponse = await request.post(`${deployment.url}/_security/api_key`, {
      headers: { authorization: `Basic ${Buffer.from(`${deployment.username}:${deployment.password}`).toString('base64')}` },
      data: { name: 'e2e-secret-check' },
    });
    const apiKey = ((await apiKeyResponse.json()) as { encoded: string }).encoded;

    const bodies: string[] = [];
    page.on('response', async (response) => {
      const body = await response.text().catch(() => '');
      bodies.push(`${response.url()}\n${JSON.stringify(response.headers())}\n${body}`);
    });
    await page.goto('/en/join');
    await page.getByTestId('join-tab-self-paced').click();
    await page.getByTestId('join-name').fill('Secret keeper');
    await page.getByTestId('join-submit').click();
    const panel = await settledPanel(page, 'cluster-status', 'disconnected');
    await panel.getByRole('button', { name: 'URL' }).click();
    await panel.getByTestId('connect-url').fill(deployment.url);
    await panel.getByTestId('connect-password').fill(deployment.password);
    await panel.getByTestId('connect-submit').click();
    await expect(panel).toHaveAttribute('data-panel-state', 'connected');

    // Reconnect with the API key, so both kinds of secret went through the app.
    const reconnect = await page.evaluate(
      async ({ url, key }) => (await fetch('/api/cluster', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url, apiKey: key }) })).status,
      { url: deployment.url, key: apiKey },
    );
    expect(reconnect).toBe(201);
    await page.reload();
    await expect(page.getByTestId('panel-cluster-status')).toHaveAttribute('data-panel-state', 'connected');
    bodies.push(await page.content());

    const rawApiKey = Buffer.from(apiKey, 'base64').toString('utf8').split(':')[1] ?? apiKey;
    const secrets = [deployment.password, apiKey, rawApiKey];
    for (const body of bodies) {
      for (const secret of secrets) expect(body.includes(secret), `a response contains a secret: ${body.slice(0, 120)}`).toBe(false);
      expect(BLOB.test(body), 'a response contains an encrypted credentials blob').toBe(false);
    }

    const dataDir = path.resolve(__dirname, '..', '.e2e-data');
    const files = filesUnder(dataDir).filter((file) => !file.includes(`${path.sep}secrets${path.sep}`));
    expect(files.some((file) => file.endsWith('server.log'))).toBe(true);
    expect(files.some((file) => file.includes(`${path.sep}pglite${path.sep}`))).toBe(true);
    for (const file of files) {
      const content = readFileSync(file);
      for (const secret of secrets) expect(content.includes(Buffer.from(secret)), `${file} holds a secret in plain text`).toBe(false);
    }
  });

  test('no session: every route answers 401 not_signed_in', async ({ request }) => {
    for (const [method, url] of [
      ['GET', '/api/cluster'],
      ['POST', '/api/cluster'],
      ['DELETE', '/api/cluster'],
      ['GET', '/api/panels/cluster-status'],
      ['GET', '/api/panels/auth-log?filter=user.name%3A'],
      ['GET', '/api/panels/auth-log/summary?range=15m'],
      ['GET', '/api/panels/auth-log/module'],
      ['GET', '/api/panels/host-metrics?range=15m'],
      ['GET', '/api/beats/metricbeat/setup'],
      ['POST', '/api/beats/metricbeat/api-key'],
      ['DELETE', '/api/beats/metricbeat/api-key/some-key-id'],
      ['GET', '/api/checkpoints?chapter=1'],
      ['POST', '/api/practice'],
      ['POST', '/api/practice/host/metricbeat-start'],
      ['POST', '/api/practice/sample-data'],
      ['POST', '/api/progress'],
      ['POST', '/api/workshops'],
    ] as const) {
      const response = await request.fetch(url, { method, data: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(response.status(), `${method} ${url}`).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_signed_in');
    }
  });

  test('one participant cannot see or drive another participant’s cluster; attendees cannot manage workshops', async ({ baseURL }) => {
    const alice = await signedIn(baseURL, 'Alice');
    const bob = await signedIn(baseURL, 'Bob');
    expect((await alice.post('/api/practice', { data: {} })).status()).toBe(201);
    const aliceView = (await (await alice.get('/api/cluster')).json()) as { connection: unknown };
    expect(aliceView.connection).not.toBeNull();
    const bobView = (await (await bob.get('/api/cluster')).json()) as { connection: unknown };
    expect(bobView.connection).toBeNull();
    const bobCheckpoints = (await (await bob.get('/api/checkpoints?chapter=1')).json()) as { state: string; code: string }[];
    expect(bobCheckpoints.every((item) => item.state === 'pending' && item.code === 'not_connected')).toBe(true);
    const drive = await bob.post('/api/practice/host/metricbeat-start', { data: {} });
    expect(drive.status()).toBe(409);
    expect(((await drive.json()) as { error: { code: string } }).error.code).toBe('not_connected');
    const workshops = await bob.post('/api/workshops', { data: { name: 'not mine' } });
    expect(workshops.status()).toBe(403);
    expect(((await workshops.json()) as { error: { code: string } }).error.code).toBe('role_required');
    await alice.dispose();
    await bob.dispose();
  });

  test('private, loopback and metadata endpoints are refused, and failed connects are rate limited', async ({ baseURL }) => {
    const mallory = await signedIn(baseURL, 'Mallory');
    for (const url of ['http://127.0.0.1:9200', 'http://10.0.0.1:9200', 'http://169.254.169.254', 'http://[::1]:9200', 'http://2130706433:9200']) {
      const response = await mallory.post('/api/cluster', { data: { url, password: 'x' } });
      const body = (await response.json()) as { error: { code: string } };
      expect([body.error.code, url]).toEqual(['endpoint_not_allowed', url]);
    }
    const limited = await mallory.post('/api/cluster', { data: { url: 'http://192.168.1.1:9200', password: 'x' } });
    expect(limited.status()).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(limited.headers()['retry-after']).toMatch(/^\d+$/);
    await mallory.dispose();
  });
});
