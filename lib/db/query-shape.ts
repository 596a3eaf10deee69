/**
 * What a SQL statement does, in a few words for the diagnostics port's table (`select
 * participants`, `update checkpoint_results`, `begin`): its verb and first table, without values.
 */
export function queryShape(query: unknown): string {
  const text = typeof query === 'string' ? query : typeof query === 'object' && query !== null && 'text' in query ? String((query as { text: unknown }).text) : '';
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase();
  if (!verb) return 'other';
  const table =
    verb === 'select' || verb === 'delete' ? /\bfrom\s+"?([\w.]+)"?/i.exec(text)?.[1]
    : verb === 'insert' ? /\binto\s+"?([\w.]+)"?/i.exec(text)?.[1]
    : verb === 'update' ? /^\s*update\s+"?([\w.]+)"?/i.exec(text)?.[1]
    : verb === 'with' ? /\)\s*(select|insert|update|delete)\b/i.exec(text)?.[1]?.toLowerCase()
    : undefined;
  return table ? `${verb} ${table}` : verb;
}
