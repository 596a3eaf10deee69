import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAppSecrets } from './secrets';

describe('loadAppSecrets', () => {
  it('generates both secrets into the data folder once, readable by the owner only, and says so', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lab-secrets-'));
    const lines: string[] = [];
    const first = loadAppSecrets({ dataDir, production: true, sharedDatabase: false, log: (line) => lines.push(line) });
    expect(first.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(lines.join('\n')).toMatch(/Generated AUTH_SECRET/);
    expect(lines.join('\n')).toMatch(/Generated CREDENTIALS_KEY/);
    const file = path.join(dataDir, 'secrets', 'auth-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.authSecret);
    const again = loadAppSecrets({ dataDir, production: true, sharedDatabase: false, log: (line) => lines.push(line) });
    expect(again.authSecret).toBe(first.authSecret);
    expect(again.credentialsKey.id).toBe(first.credentialsKey.id);
    expect(lines).toHaveLength(2);
  });

  it('requires both secrets in production on a shared database', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lab-secrets-'));
    expect(() => loadAppSecrets({ dataDir, production: true, sharedDatabase: true })).toThrow(/AUTH_SECRET and CREDENTIALS_KEY must be set/);
  });

  it('prefers the environment', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lab-secrets-'));
    const key = 'a'.repeat(8) + 'b'.repeat(56);
    const secrets = loadAppSecrets({ dataDir, production: true, sharedDatabase: true, authSecret: 'x'.repeat(40), credentialsKey: key });
    expect(secrets.authSecret).toBe('x'.repeat(40));
  });
});
