/**
 * Test support: a practice cluster over HTTP and an app context that reaches it, for one test file:
 * started before its tests and closed after them. `app.practice` and `app.ctx` are there from the
 * file's first test on.
 */
import { afterAll, beforeAll } from 'vitest';
import { testAppContext } from './app-context';
import { startTestPractice, type TestPractice } from './practice-cluster';

export interface PracticeApp {
  practice: TestPractice;
  ctx: Awaited<ReturnType<typeof testAppContext>>;
}

export function practiceAppForTests(options: Parameters<typeof startTestPractice>[0] = {}): PracticeApp {
  const app = {} as PracticeApp;
  beforeAll(async () => {
    app.practice = await startTestPractice(options);
    app.ctx = await testAppContext({ practiceUrl: app.practice.cluster.url, policy: app.practice.policy });
  }, 60_000);
  afterAll(async () => {
    await app.ctx?.close();
    await app.practice?.close();
  });
  return app;
}
