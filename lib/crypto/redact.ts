/**
 * Removes secrets from what is about to be logged: Authorization header values, passwords and API
 * keys in JSON or query strings, credentials in URLs and sealed credential blobs. Objects are
 * copied with secret-looking keys replaced, so a whole request or error can be logged safely.
 * No server-only import: the error module that uses it is shared with the browser.
 */
export const REDACTED = '[redacted]';

const SECRET_KEY = /pass(word|wd)?$|secret|token|api_?key|apikey|authorization|credential|cookie|^auth$/i;

const STRING_RULES: readonly [RegExp, string][] = [
  // Authorization: Basic/ApiKey/Bearer <token>
  [/\b(Basic|ApiKey|Bearer)\s+[A-Za-z0-9+/=._~-]{4,}/g, `$1 ${REDACTED}`],
  // user:password@ in a URL
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, `$1${REDACTED}@`],
  // "password": "…" and friends in JSON
  [/("(?:[a-z_]*pass(?:word)?|secret|token|api_?key|apiKey|encoded|authorization|credentials?)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  // password=… in query strings and form bodies
  [/\b((?:[a-z_]*pass(?:word)?|secret|token|api_?key|apiKey)=)[^&\s"]+/gi, `$1${REDACTED}`],
  // sealed credential blobs (lib/crypto/credentials.ts)
  [/\bv1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}\b/g, REDACTED],
];

export function redactString(text: string): string {
  let result = text;
  for (const [pattern, replacement] of STRING_RULES) result = result.replace(pattern, replacement);
  return result;
}

export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth > 8) return '[nested]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message) };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  if (ArrayBuffer.isView(value)) return REDACTED;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) && item !== null && item !== undefined ? REDACTED : redactValue(item, depth + 1, seen);
  }
  return copy;
}
