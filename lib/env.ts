import { z } from 'zod';

/**
 * The app's configuration, parsed once from the environment. Nothing else reads process.env, so
 * a bad value fails at start-up with a message that names the variable.
 */
const serverEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PRACTICE_CLUSTER_PORT: z.coerce.number().int().min(0).max(65535).default(9200),
  /** Set to "false" to run the guide without the embedded practice cluster. */
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
  /** The app's data folder: the embedded database (pglite/) and generated secrets live here. */
  DATA_DIR: z.string().min(1).default('./data'),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

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
