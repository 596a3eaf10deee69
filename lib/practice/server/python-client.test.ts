import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestLab, type RestLab } from '@/lib/testing/practice-rest';

/**
 * A real client of another language against the practice cluster over HTTP: Elasticsearch's
 * Python client as Debian ships it (python3-elasticsearch 7.17), running
 * lib/testing/python/practice_client_check.py against a deployment of each flavour. CI installs
 * the package (.ci/run) and fails here without it; a machine without it skips, saying so.
 */

const run = promisify(execFile);
const CHECK = path.resolve(__dirname, '..', '..', 'testing', 'python', 'practice_client_check.py');

/** Debian's interpreter first: the package installs the module for /usr/bin/python3, not for a pyenv or venv python3. */
const CANDIDATES = ['/usr/bin/python3', 'python3'];

async function pythonWithClient(): Promise<string | null> {
  for (const candidate of CANDIDATES) {
    try {
      await run(candidate, ['-c', 'import elasticsearch, sys; sys.exit(0 if elasticsearch.__version__[0] == 7 else 1)'], { timeout: 30_000 });
      return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

const python = await pythonWithClient();
const MISSING = 'python3 with the elasticsearch 7.x module (Debian: apt-get install python3-elasticsearch) was not found';

describe('prerequisites', () => {
  it.runIf(process.env.CI === 'true' || process.env.CI === '1')('CI has python3-elasticsearch (.ci/run installs it)', () => {
    expect(python, MISSING).not.toBeNull();
  });
});

if (python === null) console.warn(`python-client.test.ts: skipping the Python client checks: ${MISSING}`);

describe.skipIf(python === null).each(['7', '8', '9'] as const)('the Python client against a flavour %s deployment', (flavor) => {
  let lab: RestLab;
  beforeAll(async () => {
    lab = await startRestLab();
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('bulk-loads, scans, mgets, updates and deletes by query, reindexes, pages a point in time and reads stats', async () => {
    const d = await lab.deploy(flavor);
    let stdout = '';
    try {
      ({ stdout } = await run(python as string, [CHECK, d.url, d.username, d.password, flavor], { timeout: 120_000 }));
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`the Python client check failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
    const result = JSON.parse(stdout.trim().split('\n').pop() as string) as { ok: boolean; seen: Record<string, unknown> };
    expect(result.ok).toBe(true);
    expect(result.seen).toMatchObject({ bulk: [2500, []], count: 2500, total_as_int: 2500, scan: 1250, scroll_pages: [1000, 1000, 500], update_by_query: [1250, []], delete_by_query: 1251, count_after: 1249, reindex: 49, pit: 1249 });
  }, 180_000);
});
