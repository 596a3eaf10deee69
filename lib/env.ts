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
