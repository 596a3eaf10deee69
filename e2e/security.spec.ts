import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { createPracticeDeployment, createWorkshop, INSTRUCTOR_PASSWORD, signInViaApi } from './support/api';
import { connectToPractice, expect, settledPanel, test } from './support/fixtures';
import { rawRequest, rawSignIn, TRUSTED_PROXY_ADDRESS, UNTRUSTED_PEER_ADDRESS } from './support/raw-http';

/** Every file under a folder, for the "no secret in plain text" grep. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Routes that answer without a session (DESIGN.md): sign-in itself, the readiness probe and chapter 5's flights.csv. */
const PUBLIC_ROUTES = new Set(['/api/auth/[...nextauth]', '/api/health', '/api/datasets/flights.csv']);

/** Values for a route's dynamic segments, and query strings that a request would otherwise be refused without. */
const SEGMENT_VALUES: Record<string, string> = { beat: 'metricbeat', id: 'some-id', attendeeId: 'some-attendee', importId: '00000000-0000-4000-8000-000000000000', jobId: 'flights', action: 'metricbeat-start' };
const ROUTE_QUERIES: Record<string, string> = {
  '/api/panels/auth-log': '?filter=user.name%3A',
  '/api/panels/auth-log/summary': '?range=15m',
  '/api/panels/host-metrics': '?range=15m',
  '/api/checkpoints': '?chapter=1',
  '/api/panels/ml-anomalies': '?job=flights',
  '/api/imports': '?index=flights',
  '/api/ml/fields': '?index=flights',
};

/** Each exported HTTP method of each route file under `app/api`, with its URL as the route’s folder names it. */
function apiRoutes(): { method: string; url: string }[] {
  const root = path.join(process.cwd(), 'app');
  return filesUnder(path.join(root, 'api'))
    .filter((file) => path.basename(file) === 'route.ts')
    .flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      const methods = new Set<string>();
      for (const match of source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(match[1] as string);
      for (const match of source.matchAll(/as (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(match[1] as string);
      const folder = '/' + path.relative(root, path.dirname(file)).split(path.sep).join('/');
      const url = folder.startsWith('/api/auth/') ? folder : folder.replace(/\[(\w+)\]/g, (_, name: string) => SEGMENT_VALUES[name] ?? 'x');
      return [...methods].map((method) => ({ method, url }));
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
    // Every method of every route file under app/api, so a route added later is checked too.
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(40);
    for (const { method, url } of routes) {
      if (PUBLIC_ROUTES.has(url)) continue;
      const response = await request.fetch(url + (ROUTE_QUERIES[url] ?? ''), { method, data: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(response.status(), `${method} ${url}`).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code, `${method} ${url}`).toBe('not_signed_in');
    }
    // The one exception (DESIGN.md): the chapter 5 flights.csv is served without a session.
    const csv = await request.get('/api/datasets/flights.csv?from=2017-11-23&to=2017-11-23');
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\n', 1)[0]).toContain('timestamp');
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

  test('private, loopback and metadata endpoints are refused (never counted), and refusals by a cluster are rate limited', async ({ baseURL, request }) => {
    const mallory = await signedIn(baseURL, 'Mallory');
    for (const url of ['http://127.0.0.1:9200', 'http://10.0.0.1:9200', 'http://169.254.169.254', 'http://[::1]:9200', 'http://2130706433:9200', 'http://192.168.1.1:9200']) {
      const response = await mallory.post('/api/cluster', { data: { url, password: 'x' } });
      const body = (await response.json()) as { error: { code: string } };
      expect([body.error.code, url]).toEqual(['endpoint_not_allowed', url]);
    }
    // Guessing a real cluster's password through the guide is what the lock-out stops.
    const deployment = await createPracticeDeployment(request);
    for (let i = 0; i < 5; i += 1) {
      const refused = await mallory.post('/api/cluster', { data: { url: deployment.url, password: `guess-${i}` } });
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const limited = await mallory.post('/api/cluster', { data: { url: deployment.url, password: deployment.password }, headers: { 'accept-language': 'en' } });
    expect(limited.status()).toBe(429);
    const body = (await limited.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toContain('refused the credentials');
    expect(limited.headers()['retry-after']).toMatch(/^\d+$/);
    await mallory.dispose();
  });
});

/** The lines the server logged since `before` (the log file's length then). */
function logSince(before: number): string {
  return readFileSync(SERVER_LOG, 'utf8').slice(before);
}

const SERVER_LOG = path.resolve(__dirname, '..', '.e2e-data', 'server.log');

function directives(policy: string | undefined): Map<string, string> {
  return new Map((policy ?? '').split(';').map((part) => {
    const [name = '', ...values] = part.trim().split(/\s+/);
    return [name, values.join(' ')];
  }));
}

test.describe('hardening', () => {
  test('security headers on a page and on a route; the page’s scripts carry this response’s nonce', async ({ request }) => {
    const page = await request.get('/en/join');
    const headers = page.headers();
    const policy = directives(headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(policy.get('script-src') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('style-src')).toContain(`'nonce-${nonce}'`);
    expect(headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['x-frame-options']).toBe('DENY');
    const html = await page.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script, script).toContain(`nonce="${nonce}"`);
    // A new response, a new nonce.
    expect((await request.get('/en/join')).headers()['content-security-policy']).not.toBe(headers['content-security-policy']);

    for (const route of ['/api/health', '/api/cluster']) {
      const answer = await request.get(route);
      expect(answer.headers()['content-security-policy'], route).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(answer.headers()['x-content-type-options'], route).toBe('nosniff');
      expect(answer.headers()['x-frame-options'], route).toBe('DENY');
    }
  });

  test('pages render and hydrate under the CSP without a violation (EUI styles, flyouts, code blocks)', async ({ page, consoleProblems }) => {
    await page.addInitScript(() => {
      (window as unknown as { cspViolations: string[] }).cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { cspViolations: string[] }).cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    await page.goto('/en/join');
    await page.getByTestId('join-tab-self-paced').click();
    await page.getByTestId('join-name').fill('Policy reader');
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(/\/en\/chapters\/cluster$/);
    // Hydrated: the live panel replaced its placeholder and reacts to clicks.
    const panel = await settledPanel(page, 'cluster-status', 'disconnected');
    await panel.getByRole('button', { name: 'URL' }).click();
    await expect(panel.getByTestId('connect-url')).toBeVisible();
    expect(await violations()).toEqual([]);
    await connectToPractice(panel);
    // Code blocks and the theme toggle's styles are inserted at run time.
    await page.goto('/ko/chapters/metricbeat');
    await expect(page.getByTestId('command').first()).toBeVisible();
    await page.getByTestId('theme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-color-mode', 'dark');
    expect(await violations()).toEqual([]);
    // A client-side navigation to the other locale's layout renders with a later response's
    // nonce in its props; the styles it inserts must still carry this document's.
    await page.getByTestId('language-switch').click();
    await expect(page).toHaveURL(/\/en\/chapters\/metricbeat/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByTestId('command').first()).toBeVisible();
    expect(await violations()).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });

  test('a forged X-Forwarded-Host moves no link: sign-in answers, the root redirect, the join link and its QR code', async ({ baseURL }) => {
    // Claiming to be the trusted proxy through the internal header does not help: the server overwrites it.
    const forged = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', 'x-lab-peer-address': TRUSTED_PROXY_ADDRESS };
    const signIn = await rawSignIn(baseURL!, 'self-paced', { name: 'Forger' }, { from: UNTRUSTED_PEER_ADDRESS, headers: forged });
    expect(signIn.error).toBeNull();
    expect(new URL(signIn.url).host).toBe(new URL(baseURL!).host);
    // Cookies stay plain-HTTP ones: the forged proto does not make them Secure (they would be lost).
    expect(String(signIn.response.headers['set-cookie'])).not.toMatch(/__Secure-|;\s*secure/i);
    // Behind a trusted proxy that terminates HTTPS, they are Secure.
    const overHttps = await rawSignIn(baseURL!, 'self-paced', { name: 'Behind TLS' }, {
      from: TRUSTED_PROXY_ADDRESS,
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'lab.school.example', 'x-forwarded-for': '198.51.100.9' },
    });
    expect(overHttps.error).toBeNull();
    expect(new URL(overHttps.url).origin).toBe('https://lab.school.example');
    const secureCookies = [overHttps.response.headers['set-cookie'] ?? []].flat();
    expect(secureCookies.some((cookie) => /^__Secure-next-auth\.session-token=/.test(cookie) && /;\s*Secure/i.test(cookie))).toBe(true);

    const root = await rawRequest(baseURL!, '/', { from: UNTRUSTED_PEER_ADDRESS, headers: forged });
    expect(root.status).toBe(307);
    expect(root.headers.location).toBe('/ko');

    const instructor = await playwrightRequest.newContext({ baseURL });
    await signInViaApi(instructor, 'instructor', { password: INSTRUCTOR_PASSWORD });
    const workshop = await createWorkshop(instructor, 'Forged host check');
    const boardHtml = await (await instructor.get(`/en/instructor/${workshop.id}`, { headers: forged })).text();
    expect(boardHtml).not.toContain('evil.example');
    expect(boardHtml).toContain(`${new URL(baseURL!).origin}/en/join?code=${workshop.code}`);
    // (Only the host: a made-up X-Forwarded-Proto on an API route makes next-auth look for the
    // HTTPS cookie name, so the forger merely loses their own session there.)
    const qr = async (headers: Record<string, string>) => (await instructor.get(`/api/workshops/${workshop.id}/join-qr?locale=en`, { headers })).text();
    const plain = await qr({});
    expect(plain).toContain('<svg');
    expect(await qr({ 'x-forwarded-host': 'evil.example' })).toBe(plain);

    // From the trusted proxy, its forwarded host is the public address.
    const cookie = (await instructor.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    // (Plain HTTP at the proxy too: behind HTTPS the session cookie would be a __Secure- one.)
    const proxied = await rawRequest(baseURL!, `/en/instructor/${workshop.id}`, {
      from: TRUSTED_PROXY_ADDRESS,
      headers: { cookie, 'x-forwarded-host': 'lab.school.example', 'x-forwarded-proto': 'http', 'x-forwarded-for': '198.51.100.4' },
    });
    expect(proxied.body).toContain(`http://lab.school.example/en/join?code=${workshop.code}`);
    await instructor.dispose();
  });

  test('/ stays on the origin it was opened on, and signing in there keeps the session (127.0.0.1 and localhost)', async ({ page, baseURL, request }) => {
    const direct = await request.get('/', { maxRedirects: 0 });
    expect(direct.status()).toBe(307);
    expect(direct.headers().location).toBe('/ko');
    const other = `http://localhost:${new URL(baseURL!).port}`;
    await page.goto(`${other}/`);
    await expect(page).toHaveURL(`${other}/ko`);
    await page.goto(`${other}/en/join`);
    await page.getByTestId('join-tab-self-paced').click();
    await page.getByTestId('join-name').fill('Local host');
    await page.getByTestId('join-submit').click();
    await expect(page).toHaveURL(`${other}/en/chapters/cluster`);
    await expect(page.getByTestId('session-name')).toHaveText('Local host');
  });

  test('instructor sign-ins slow down per client: rotating X-Forwarded-For does not help, and the instructor elsewhere still gets in', async ({ baseURL }) => {
    const attempt = (password: string, from: string, headers: Record<string, string> = {}) =>
      rawSignIn(baseURL!, 'instructor', { password }, { from, headers }).then((result) => result.error ?? 'ok');
    /**
     * Wrong passwords until the answer is a wait of at least 2 s, so the next attempt surely falls
     * inside it however slow the machine; after a refusal with a shorter wait, the loop waits for
     * it to pass (the waits double: 1 s after the 6th failure, 2 s after the 7th).
     */
    async function untilSlowedDown(next: (i: number) => Promise<string>): Promise<string[]> {
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        const outcome = await next(i);
        outcomes.push(outcome);
        const wait = /^rate_limited\.(\d+)$/.exec(outcome);
        if (wait && Number(wait[1]) >= 2) break;
        if (wait) await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return outcomes;
    }

    // The client also claims to be the trusted proxy in the internal header; the server overwrites it.
    const untrusted = await untilSlowedDown((i) =>
      attempt('guess', UNTRUSTED_PEER_ADDRESS, { 'x-forwarded-for': `198.51.100.${i + 1}`, 'x-lab-peer-address': TRUSTED_PROXY_ADDRESS }),
    );
    expect(untrusted.slice(0, 6)).toEqual(Array(6).fill('wrong_password'));
    expect(untrusted.at(-1)).toMatch(/^rate_limited\.([2-9]|\d\d+)$/);
    // Still slowed down with yet another forwarded address, even with the right password.
    expect(await attempt(INSTRUCTOR_PASSWORD, UNTRUSTED_PEER_ADDRESS, { 'x-forwarded-for': '203.0.113.200' })).toMatch(/^rate_limited\.\d+$/);

    // Behind the trusted proxy, the forwarded address is the client: one slowed client...
    const viaProxy = (password: string, client: string) => attempt(password, TRUSTED_PROXY_ADDRESS, { 'x-forwarded-for': `6.6.6.6, ${client}` });
    const proxied = await untilSlowedDown(() => viaProxy('guess', '198.51.100.77'));
    expect(proxied.slice(0, 6)).toEqual(Array(6).fill('wrong_password'));
    expect(await viaProxy(INSTRUCTOR_PASSWORD, '198.51.100.77')).toMatch(/^rate_limited\.\d+$/);
    // ...does not slow another one down, and the instructor on this machine signs in at once.
    expect(await viaProxy(INSTRUCTOR_PASSWORD, '198.51.100.78')).toBe('ok');
    const instructor = await playwrightRequest.newContext({ baseURL });
    await signInViaApi(instructor, 'instructor', { password: INSTRUCTOR_PASSWORD });
    await instructor.dispose();
  });

  test('30 attendees from one address all join a workshop', async ({ baseURL }) => {
    const instructor = await playwrightRequest.newContext({ baseURL });
    await signInViaApi(instructor, 'instructor', { password: INSTRUCTOR_PASSWORD });
    const workshop = await createWorkshop(instructor, 'Class behind one NAT address');
    for (let i = 1; i <= 30; i += 1) {
      const joined = await rawSignIn(baseURL!, 'attendee', { code: workshop.code, name: `Attendee ${i}` }, { from: UNTRUSTED_PEER_ADDRESS });
      expect([i, joined.error]).toEqual([i, null]);
    }
    const progress = (await (await instructor.get(`/api/workshops/${workshop.id}/progress`)).json()) as { attendees: unknown[] };
    expect(progress.attendees).toHaveLength(30);
    await instructor.dispose();
  });

  test('NUL in a name and dates that do not exist are refused with their own message; a database error never reaches a response', async ({ baseURL }) => {
    const nul = await rawSignIn(baseURL!, 'self-paced', { name: 'Eve\u0000' }, { from: UNTRUSTED_PEER_ADDRESS });
    expect(nul.error).toBe('name_control_characters');

    const instructor = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { 'accept-language': 'en' } });
    await signInViaApi(instructor, 'instructor', { password: INSTRUCTOR_PASSWORD });
    const refusals: [unknown, string][] = [
      [{ name: 'Class\u0000' }, 'control_characters'],
      [{ name: 'Class', date: '2026-02-31' }, 'not_a_date'],
      [{ name: 'Class', date: '0000-00-00' }, 'not_a_date'],
    ];
    for (const [data, reason] of refusals) {
      const response = await instructor.post('/api/workshops', { data });
      const text = await response.text();
      expect([response.status(), reason]).toEqual([400, reason]);
      const body = JSON.parse(text) as { error: { code: string; message: string; params: { reason: string } } };
      expect(body.error).toMatchObject({ code: 'invalid_request', params: { reason } });
      expect(body.error.message).toMatch(reason === 'not_a_date' ? /not a real date/ : /control characters/);
      expect(text).not.toMatch(/insert into|select |Failed query|params:/i);
    }
    const workshop = await createWorkshop(instructor, 'Dated class');
    const patched = await instructor.patch(`/api/workshops/${workshop.id}`, { data: { date: '2026-02-29' } });
    expect(((await patched.json()) as { error: { params: { reason: string } } }).error.params.reason).toBe('not_a_date');
    await instructor.dispose();
  });

  test('oversized and over-nested bodies are refused with 413 and a message', async ({ baseURL }) => {
    const learner = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { 'accept-language': 'en' } });
    await signInViaApi(learner, 'self-paced', { name: 'Big sender' });
    const huge = await learner.post('/api/cluster', { data: { url: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status()).toBe(413);
    const hugeBody = (await huge.json()) as { error: { code: string; message: string; params: { reason: string; limit: number } } };
    expect(hugeBody.error).toMatchObject({ code: 'payload_too_large', params: { reason: 'body', limit: 1024 * 1024 } });
    expect(hugeBody.error.message).toContain('1 MB');
    const deep = await learner.fetch('/api/progress', { method: 'POST', headers: { 'content-type': 'application/json' }, data: '['.repeat(100) + ']'.repeat(100) });
    expect(deep.status()).toBe(413);
    expect(((await deep.json()) as { error: { params: { reason: string } } }).error.params.reason).toBe('depth');
    const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 1])));
    const wide = await learner.fetch('/api/progress', { method: 'POST', headers: { 'content-type': 'application/json' }, data: manyKeys });
    expect(((await wide.json()) as { error: { params: { reason: string } } }).error.params.reason).toBe('entries');
    // next-auth reads its form whole, so its routes are capped before it does.
    const signIn = await learner.fetch('/api/auth/callback/instructor', { method: 'POST', form: { password: 'p'.repeat(100_000) } });
    expect(signIn.status()).toBe(413);
    await learner.dispose();
  });

  test('a bad or expired session cookie: 401 and at most one short log line, no stack trace', async ({ baseURL }) => {
    const before = readFileSync(SERVER_LOG, 'utf8').length;
    const stranger = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { cookie: `next-auth.session-token=${'forged'.repeat(40)}` } });
    const response = await stranger.get('/api/cluster');
    expect(response.status()).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_signed_in');
    await stranger.dispose();
    // The log is written as the request ends; the health route answering after it means it is flushed.
    await playwrightRequest.newContext({ baseURL }).then(async (probe) => {
      await probe.get('/api/health');
      await probe.dispose();
    });
    // Other parts of the app (the board's verifier) may log meanwhile; the session's lines are these.
    const lines = logSince(before).split('\n').filter((line) => line.trim() !== '');
    const sessionLines = lines.filter((line) => /auth|jwt|session|decrypt/i.test(line));
    expect(sessionLines.length, lines.join('\n')).toBeLessThanOrEqual(1);
    for (const line of sessionLines) expect(line.length).toBeLessThan(200);
    expect(lines.filter((line) => /^\s+at /.test(line)), 'no stack trace').toEqual([]);
  });

  test('the practice host takes every SSH attempt the app accepts (one rule)', async ({ baseURL }) => {
    const learner = await signedIn(baseURL, 'Rule checker');
    expect((await learner.post('/api/practice', { data: {} })).status()).toBe(201);
    for (const data of [{ user: 'a'.repeat(32), sourceIp: '::1' }, { user: 'admin@example', sourceIp: '2001:db8::7' }]) {
      const response = await learner.post('/api/practice/host/ssh-attempt', { data });
      expect([JSON.stringify(data), response.status()]).toEqual([JSON.stringify(data), 200]);
    }
    const tooLong = await learner.post('/api/practice/host/ssh-attempt', { data: { user: 'a'.repeat(64) } });
    expect(tooLong.status()).toBe(400);
    await learner.dispose();
  });
});
