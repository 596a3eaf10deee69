import { expect, type APIRequestContext } from '@playwright/test';

export const INSTRUCTOR_PASSWORD = 'e2e-instructor-password';
export const PRACTICE_URL = `http://127.0.0.1:${process.env.PRACTICE_CLUSTER_PORT ?? '9251'}`;

/** Signs in through next-auth's credentials endpoint, as the join page does, leaving the session cookie in `request`. */
export async function signInViaApi(request: APIRequestContext, provider: 'attendee' | 'self-paced' | 'instructor', fields: Record<string, string>) {
  const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await request.post(`/api/auth/callback/${provider}`, {
    form: { ...fields, csrfToken: csrf.csrfToken, json: 'true' },
  });
  expect(response.ok(), await response.text()).toBe(true);
  const session = (await (await request.get('/api/auth/session')).json()) as { participant?: { id: string; role: string } };
  expect(session.participant, 'signed in').toBeTruthy();
  return session.participant!;
}

export async function createWorkshop(request: APIRequestContext, name: string): Promise<{ id: string; code: string }> {
  const response = await request.post('/api/workshops', { data: { name } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string; code: string };
}

/** A practice deployment made straight through the control API, so the test knows its password. */
export async function createPracticeDeployment(request: APIRequestContext, flavor: '9' | '8' | '7' = '8') {
  const response = await request.post(`${PRACTICE_URL}/_practice/deployments`, { data: { flavor } });
  expect(response.status()).toBe(201);
  return (await response.json()) as { id: string; url: string; username: string; password: string; version: string };
}
