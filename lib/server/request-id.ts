/** A short id that ties an `internal` answer to its server log line (no secret, not a counter). */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
