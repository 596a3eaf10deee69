import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxy } from './server/client-address';

/** An optional variable where an empty value counts as unset (as `KEY=` in a .env file). */
function optionalString<T extends z.ZodTypeAny>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

/**
 * The app's configuration, parsed once from the environment. Nothing else reads process.env, so
 * a bad value fails at start-up with a message that names the variable.
 */
const serverEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PRACTICE_CLUSTER_PORT: z.coerce.number().int().min(0).max(65535).default(9200),
  /**
   * Where the practice cluster answers, when it is not on 127.0.0.1:PRACTICE_CLUSTER_PORT (one
   * shared by several guide instances). `npm start` then uses it and starts none of its own.
   */
  PRACTICE_CLUSTER_URL: optionalString(
    z
      .string()
      .url()
      .refine((value) => /^https?:\/\//.test(value), 'must be an http:// or https:// URL')
      .transform((value) => value.replace(/\/+$/, '')),
  ),
  /** Set to "false" to run the guide without the practice cluster. */
  PRACTICE_CLUSTER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** PostgreSQL for several app instances; unset (or empty) keeps the embedded PGlite database. */
  DATABASE_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .url()
      .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  /** Connections this instance keeps to PostgreSQL (with DATABASE_URL): queries beyond them wait their turn. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** The app's data folder: the embedded database (pglite/) and generated secrets live here. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Signs session cookies. Required with DATABASE_URL in production; generated into DATA_DIR otherwise. */
  AUTH_SECRET: optionalString(z.string().min(32, 'must be at least 32 characters (try `openssl rand -base64 32`)')),
  /** AES-256-GCM key for stored cluster credentials: 32 bytes as hex or base64. Generated into DATA_DIR when unset. */
  CREDENTIALS_KEY: optionalString(z.string().min(32)),
  /** Enables the instructor sign-in; unset means nobody can sign in as instructor. */
  INSTRUCTOR_PASSWORD: optionalString(z.string().min(8, 'must be at least 8 characters')),
  /** Extra cluster hosts attendees may connect to (comma separated: host, *.domain, host:port, CIDR). */
  ALLOWED_CLUSTER_HOSTS: optionalString(z.string()),
  /** The guide's public URL, when it differs from the address it is served on (behind a proxy). */
  NEXTAUTH_URL: optionalString(z.string().url()),
  /**
   * Reverse proxies in front of the guide (comma separated IPs and CIDR ranges). Only a request
   * whose socket peer is one of them has its X-Forwarded-For/-Host/-Proto believed.
   */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((value, context): TrustedProxy[] => {
      try {
        return parseTrustedProxies(value);
      } catch (error) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  /** Self-paced sign-ups one client address may make per hour (workshop attendees are not counted). */
  SELF_PACED_SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).default(200),
  /** How often the class board's background verifier checks every attendee's open checkpoints; 0 turns it off. */
  BOARD_VERIFY_INTERVAL_MS: z.coerce.number().int().min(0).default(15_000),
  /** Rounds between background checks of an attendee's open chapters other than the one they are on (which is checked every round); 1: every round. */
  BOARD_VERIFY_OTHER_CHAPTERS_EVERY: z.coerce.number().int().min(1).max(100).default(4),
  /** Verifications the background verifier runs at once in this app instance. */
  BOARD_VERIFY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Verifications it runs at once against one cluster (a class sharing one cloud cluster is not flooded). */
  BOARD_VERIFY_PER_CLUSTER: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * With several app instances on one PostgreSQL: how long an instance's claim on a share of the
   * verifier's work lasts. A stopped instance's share is taken over at once, a dead one's within this.
   */
  BOARD_VERIFY_LEASE_MS: z.coerce.number().int().min(3_000).max(600_000).default(30_000),
  /** Upper bound of the back-off after a cluster keeps failing (doubling from the interval). */
  BOARD_VERIFY_MAX_BACKOFF_MS: z.coerce.number().int().min(1_000).default(300_000),
  /** An attendee is stuck when a checkpoint is still open this many minutes after half the class passed it. */
  BOARD_STUCK_MINUTES: z.coerce.number().min(1).max(240).default(10),
  /** ...or when the same error came back this many times in a row. */
  BOARD_STUCK_REPEATS: z.coerce.number().int().min(2).max(100).default(3),
  /**
   * A loopback-only port on which this instance reports its event-loop delay, CPU, memory and
   * background-verifier work as JSON (the class-load bench reads it); unset: no such port.
   */
  DIAGNOSTICS_PORT: optionalString(z.coerce.number().int().min(1).max(65535)),
  GITHUB_ID: optionalString(z.string()),
  GITHUB_SECRET: optionalString(z.string()),
  GOOGLE_ID: optionalString(z.string()),
  GOOGLE_SECRET: optionalString(z.string()),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

/** The practice cluster's base URL, or null when PRACTICE_CLUSTER=false. */
export function practiceClusterUrl(env: Pick<ServerEnv, 'PRACTICE_CLUSTER' | 'PRACTICE_CLUSTER_PORT' | 'PRACTICE_CLUSTER_URL'>): string | null {
  if (!env.PRACTICE_CLUSTER) return null;
  return env.PRACTICE_CLUSTER_URL ?? `http://127.0.0.1:${env.PRACTICE_CLUSTER_PORT}`;
}

let cached: ServerEnv | undefined;

export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = serverEnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`Invalid environment configuration:\n${problems}`);
  }
  return result.data;
}

export function serverEnv(): ServerEnv {
  cached ??= parseServerEnv(process.env);
  return cached;
}
