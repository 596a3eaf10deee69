import 'server-only';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { type ApiKeyPurpose, type ApiKeyRecord, apiKeys } from '../schema';
import type { Database } from '../types';

export interface ApiKeyInput {
  participantId: string;
  /** Elasticsearch's id of the key. The secret is shown to the attendee once and never stored. */
  esKeyId: string;
  name: string;
  purpose: ApiKeyPurpose;
}

/** Records a key created in the attendee's cluster; recording the same key again keeps one row. */
export async function recordApiKey(db: Database, input: ApiKeyInput): Promise<ApiKeyRecord> {
  const [row] = await db
    .insert(apiKeys)
    .values(input)
    .onConflictDoUpdate({ target: [apiKeys.participantId, apiKeys.esKeyId], set: { name: sql`excluded.name` } })
    .returning();
  return row!;
}

export async function listApiKeys(
  db: Database,
  participantId: string,
  options: { includeInvalidated?: boolean; purpose?: ApiKeyPurpose } = {},
): Promise<ApiKeyRecord[]> {
  return db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.participantId, participantId),
        options.includeInvalidated ? undefined : isNull(apiKeys.invalidatedAt),
        options.purpose ? eq(apiKeys.purpose, options.purpose) : undefined,
      ),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function markApiKeyInvalidated(db: Database, participantId: string, esKeyId: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ invalidatedAt: sql`now()` })
    .where(and(eq(apiKeys.participantId, participantId), eq(apiKeys.esKeyId, esKeyId), isNull(apiKeys.invalidatedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}
