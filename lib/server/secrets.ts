import 'server-only';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCredentialsKey, parseCredentialsKey, type CredentialsKey } from '../crypto/credentials';

export interface SecretsConfig {
  dataDir: string;
  production: boolean;
  /** Set when the app runs on a shared PostgreSQL: then several instances must agree on the secret. */
  sharedDatabase: boolean;
  authSecret?: string;
  credentialsKey?: string;
  log?: (line: string) => void;
}

export interface AppSecrets {
  authSecret: string;
  credentialsKey: CredentialsKey;
}

/**
 * Reads the file, or creates it with a fresh value (mode 0600). `wx` makes creation atomic, so two
 * processes starting together end up with the same value instead of overwriting each other.
 */
function fileSecret(file: string, generate: () => string, log: (line: string) => void, variable: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
    log(`Generated ${variable} into ${file} (set ${variable} to use your own).`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The session-signing secret and the credentials key: from the environment, or, for the embedded
 * default, generated once into the data folder. A production deployment on a shared database must
 * set AUTH_SECRET itself: instances generating their own would reject each other's sessions.
 */
export function loadAppSecrets(config: SecretsConfig): AppSecrets {
  const log = config.log ?? ((line: string) => console.log(`[secrets] ${line}`));
  if (config.production && config.sharedDatabase && (!config.authSecret || !config.credentialsKey)) {
    throw new Error(
      'AUTH_SECRET and CREDENTIALS_KEY must be set in production when DATABASE_URL is set: every app instance needs the same values. ' +
        'Generate them with `openssl rand -base64 32`.',
    );
  }
  const secretsDir = path.join(config.dataDir, 'secrets');
  const authSecret =
    config.authSecret ?? fileSecret(path.join(secretsDir, 'auth-secret'), () => randomBytes(32).toString('base64url'), log, 'AUTH_SECRET');
  const rawKey =
    config.credentialsKey ?? fileSecret(path.join(secretsDir, 'credentials-key'), generateCredentialsKey, log, 'CREDENTIALS_KEY');
  return { authSecret, credentialsKey: parseCredentialsKey(rawKey) };
}
