import { AppError } from '../errors';

/**
 * How much a route reads from a request body. Every JSON route gets the defaults; a route that
 * takes more (a file import) names its own limits.
 */
export interface BodyLimits {
  /** Bytes of body, counted as they arrive (the declared Content-Length is checked first). */
  maxBytes: number;
  /** Nesting of objects and arrays. */
  maxDepth: number;
  /** Object keys and array items, all levels together. */
  maxEntries: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxEntries: 10_000 };

function tooLarge(reason: 'body' | 'depth' | 'entries', limit: number, detail: string): AppError {
  return new AppError('payload_too_large', { params: { reason, limit }, detail });
}

/** The body as text, refusing (413) as soon as it is longer than `maxBytes`. */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge('body', maxBytes, `Content-Length ${declared} over ${maxBytes}`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge('body', maxBytes, `body over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** Refuses parsed JSON that nests deeper or holds more entries than the limits (walked without recursion). */
export function assertJsonShape(value: unknown, limits: Pick<BodyLimits, 'maxDepth' | 'maxEntries'>): void {
  let entries = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limits.maxDepth) throw tooLarge('depth', limits.maxDepth, `JSON nested deeper than ${limits.maxDepth}`);
    const children = Array.isArray(current) ? current : Object.values(current);
    entries += children.length;
    if (entries > limits.maxEntries) throw tooLarge('entries', limits.maxEntries, `JSON with more than ${limits.maxEntries} entries`);
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
}

/** The JSON body within the limits; an empty body is `{}`, anything unparsable `invalid_request`. */
export async function readJsonBody(request: Request, limits: Partial<BodyLimits> = {}): Promise<unknown> {
  const { maxBytes, maxDepth, maxEntries } = { ...DEFAULT_BODY_LIMITS, ...limits };
  const text = await readLimitedText(request, maxBytes);
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', { params: { reason: 'json' }, detail: 'request body is not JSON' });
  }
  assertJsonShape(raw, { maxDepth, maxEntries });
  return raw;
}
