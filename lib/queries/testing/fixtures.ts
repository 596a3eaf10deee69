/** Test support: loads the real Beats samples (shared ones and those beside the query modules). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedFile } from '@/lib/testing/shared-files';
import { type Dsl, isObject } from '../common';

const here = path.dirname(fileURLToPath(import.meta.url));
/** `../shared/fixtures/` seen from the repository root (read-only, shared by every engineer). */
export const SHARED_FIXTURES = sharedFile('fixtures');
export const LOCAL_FIXTURES = path.resolve(here, '../__fixtures__');

export function sharedJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SHARED_FIXTURES, file), 'utf8')) as Record<string, unknown>;
}

export function localJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(path.join(LOCAL_FIXTURES, file), 'utf8')) as T;
}

export function localText(file: string): string {
  return readFileSync(path.join(LOCAL_FIXTURES, file), 'utf8');
}

/**
 * Every field a request body reads: `field` parameters, the keys of term/terms/range/match/…
 * queries and of sort clauses. `_source` lists are left out (they only shape the answer).
 */
export function referencedFields(body: unknown): Set<string> {
  const found = new Set<string>();
  const keyed = new Set(['term', 'terms', 'range', 'match', 'match_phrase', 'wildcard', 'prefix']);
  const walk = (node: unknown, parent: string | null): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, parent);
      return;
    }
    if (!isObject(node)) return;
    // A terms *aggregation* names its field with `field`; a terms *query* uses it as the key.
    const queryByKey = parent !== null && keyed.has(parent) && !('field' in node);
    for (const [key, value] of Object.entries(node)) {
      if (key === '_source') continue;
      if (key === 'field' && typeof value === 'string') found.add(value);
      else if (queryByKey) found.add(key);
      else if (parent === 'sort') found.add(key);
      walk(value, key);
    }
  };
  walk(body, null);
  return found;
}

/** Whether some document has a value at the dotted path (nested objects or dotted keys). */
export function hasField(docs: Dsl[], field: string, get: (doc: Dsl, path: string) => unknown): boolean {
  return docs.some((d) => get(d, field) !== undefined);
}
