/** Errors this layer raises for callers to map to the app's error codes. */
export class JoinCodeTakenError extends Error {
  constructor(readonly code: string) {
    super(`The join code ${code} is already used by another workshop`);
    this.name = 'JoinCodeTakenError';
  }
}

export class InvalidJoinCodeError extends Error {
  constructor(readonly input: string) {
    super('A join code is 4 to 12 letters and digits');
    this.name = 'InvalidJoinCodeError';
  }
}

/**
 * Drizzle wraps driver errors (DrizzleQueryError), and pg and PGlite both carry PostgreSQL's
 * SQLSTATE in `code`, so the cause chain is searched for it.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current === 'object' && 'code' in current && current.code === '23505') return true;
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return false;
}
