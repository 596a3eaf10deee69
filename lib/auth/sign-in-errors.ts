/**
 * Why a sign-in was refused. next-auth passes a thrown error's message to the browser as `error`,
 * so these codes (never details) are what the join page translates; a code may carry one value
 * after a dot (`rate_limited.12`: seconds to wait; `internal.ab12cd34`: the request id in the
 * server log). Client-safe.
 */
export const SIGN_IN_ERRORS = [
  'invalid_name',
  'name_control_characters',
  'invalid_code',
  'workshop_not_found',
  'workshop_closed',
  'instructor_disabled',
  'wrong_password',
  'rate_limited',
  'too_many_sign_ups',
  'internal',
] as const;
export type SignInError = (typeof SIGN_IN_ERRORS)[number];

export function signInErrorText(code: SignInError, value?: string | number): string {
  return value === undefined ? code : `${code}.${value}`;
}

/** The code and its value from next-auth's `error`; anything unknown is null. */
export function parseSignInError(error: string | null | undefined): { code: SignInError; value?: string } | null {
  if (!error) return null;
  const dot = error.indexOf('.');
  const code = dot < 0 ? error : error.slice(0, dot);
  if (!(SIGN_IN_ERRORS as readonly string[]).includes(code)) return null;
  const value = dot < 0 ? undefined : error.slice(dot + 1);
  return value !== undefined && /^[A-Za-z0-9-]{1,40}$/.test(value) ? { code: code as SignInError, value } : { code: code as SignInError };
}
