import { redact, redactString } from './crypto/redact';
import { ERROR_TEXTS, type ErrorTextParams, type TextLocale } from './errors-text';

/**
 * The one error type of the app. Codes are a stable contract (DESIGN.md "Stable contracts"):
 * the browser, the instructor's board and the end-to-end tests branch on them.
 *
 * Framework-free and safe to import from client components (no server-only), so the UI can
 * describe a code it received (e.g. in a cluster status) with the same texts.
 */
export const ERROR_CODES = [
  'invalid_cloud_id',
  'invalid_url',
  'endpoint_not_allowed',
  'dns_failed',
  'tls_failed',
  'timeout',
  'unauthorized',
  'forbidden',
  'licence_required',
  'no_ml_node',
  'index_missing',
  'cluster_unavailable',
  'rate_limited',
  'not_connected',
  'not_signed_in',
  'role_required',
  'version_too_old',
  'version_unsupported',
  'not_elasticsearch',
  'practice_full',
  'practice_reclaimed',
  'practice_lost',
  'invalid_request',
  'payload_too_large',
  'not_found',
  'internal',
  // Chapter 4: a watch the cluster would refuse (syntax, Watcher's parser, an action reaching the network).
  'invalid_watch',
  // Chapter 5: an upload the importer cannot read, an ML job the wizard cannot create.
  'invalid_file',
  'invalid_job',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorParams = ErrorTextParams;

export type ErrorLocale = TextLocale;

interface ErrorSpec {
  /** HTTP status of the app's response. */
  status: number;
  /**
   * Params that may be shown to the reader (they shape the message and hint). Everything else,
   * and `detail`, only goes to the server log.
   */
  publicParams: readonly string[];
}

/*
 * 401 is kept for our own session (not_signed_in) so the browser can treat it as "sign in again";
 * a cluster refusing the attendee's password is 422, a problem with what they entered.
 */
export const ERROR_SPECS: Readonly<Record<ErrorCode, ErrorSpec>> = {
  invalid_cloud_id: { status: 400, publicParams: ['reason', 'partCount'] },
  invalid_url: { status: 400, publicParams: ['reason'] },
  endpoint_not_allowed: { status: 400, publicParams: ['host', 'reason'] },
  dns_failed: { status: 502, publicParams: ['host'] },
  tls_failed: { status: 502, publicParams: ['reason'] },
  timeout: { status: 504, publicParams: ['timeoutMs'] },
  unauthorized: { status: 422, publicParams: ['authKind'] },
  forbidden: { status: 403, publicParams: ['privileges'] },
  licence_required: { status: 403, publicParams: ['feature', 'licence'] },
  no_ml_node: { status: 409, publicParams: [] },
  index_missing: { status: 404, publicParams: ['index'] },
  cluster_unavailable: { status: 503, publicParams: ['reason'] },
  rate_limited: { status: 429, publicParams: ['reason', 'retryAfterSeconds'] },
  not_connected: { status: 409, publicParams: [] },
  not_signed_in: { status: 401, publicParams: [] },
  role_required: { status: 403, publicParams: ['role'] },
  version_too_old: { status: 422, publicParams: ['version', 'minimum'] },
  version_unsupported: { status: 422, publicParams: ['version', 'reason'] },
  not_elasticsearch: { status: 422, publicParams: ['reason'] },
  practice_full: { status: 503, publicParams: ['retryAfterSeconds'] },
  /** The learner's practice deployment was removed after its idle time, or is gone (a restart): it can be recreated. */
  practice_reclaimed: { status: 410, publicParams: ['idleMinutes'] },
  practice_lost: { status: 410, publicParams: [] },
  invalid_request: { status: 400, publicParams: ['field', 'reason', 'position', 'syntax', 'token'] },
  payload_too_large: { status: 413, publicParams: ['reason', 'limit'] },
  not_found: { status: 404, publicParams: [] },
  /** `requestId` names the server log line with the details, which never reach the response. */
  internal: { status: 500, publicParams: ['requestId'] },
  invalid_watch: { status: 400, publicParams: ['reason', 'line', 'column', 'field'] },
  invalid_file: { status: 400, publicParams: ['reason', 'line', 'limitMb', 'detail'] },
  invalid_job: { status: 400, publicParams: ['reason', 'jobId', 'field', 'detail'] },
};

export interface AppErrorOptions {
  params?: ErrorParams;
  /** Another HTTP status than the code's own (a file over the size limit is `invalid_file` with 413). */
  status?: number;
  /** For the log only: what exactly happened (redacted of secrets on the way in). */
  detail?: string;
  cause?: unknown;
}

/**
 * Marks AppErrors across copies of this module. Next bundles the start-up hook (which builds the
 * shared endpoint policy and clients) apart from the routes, so an error thrown by one copy must
 * still be an AppError to another; a plain `instanceof` would see two unrelated classes.
 */
const APP_ERROR = Symbol.for('elastic-logging-lab.AppError');

export class AppError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [APP_ERROR]?: unknown })[APP_ERROR] === true;
  }

  readonly [APP_ERROR] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: ErrorParams;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    const params = options.params ?? {};
    super(`${code}: ${describeError(code, 'en', params).message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? ERROR_SPECS[code].status;
    this.params = params;
    this.detail = options.detail === undefined ? undefined : redactString(options.detail);
  }

  /** The params the reader may see. */
  get publicParams(): ErrorParams {
    return pickPublicParams(this.code, this.params);
  }

  /** A structured, secret-free record for the server log. */
  toLog(): { code: ErrorCode; status: number; params: ErrorParams; detail?: string } {
    return {
      code: this.code,
      status: this.status,
      params: redact(this.params) as ErrorParams,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
    };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Anything that is not an AppError becomes `internal`; its text stays in `detail` (log only). */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new AppError('internal', { detail });
}

export function normaliseLocale(locale: string | undefined): ErrorLocale {
  return locale === 'en' ? 'en' : 'ko';
}

export function describeError(
  code: ErrorCode,
  locale: ErrorLocale | string,
  params: ErrorParams = {},
): { message: string; hint: string } {
  const text = ERROR_TEXTS[code][normaliseLocale(locale)];
  return { message: text.message(params), hint: text.hint(params) };
}

export interface ErrorBody {
  /** `params`: the public params, when there are any, for a UI that points at them (a filter's syntax error position). */
  error: { code: ErrorCode; message: string; hint: string; params?: ErrorParams };
}

/** The response DTO of DESIGN.md; only public params reach it. */
export function toErrorBody(error: unknown, locale: ErrorLocale | string): ErrorBody {
  const appError = toAppError(error);
  const params = appError.publicParams;
  const { message, hint } = describeError(appError.code, locale, params);
  return { error: { code: appError.code, message, hint, ...(Object.keys(params).length > 0 ? { params } : {}) } };
}

export function errorStatus(error: unknown): number {
  return toAppError(error).status;
}

function pickPublicParams(code: ErrorCode, params: ErrorParams): ErrorParams {
  const allowed = ERROR_SPECS[code].publicParams;
  const picked: Record<string, string | number | boolean | undefined> = {};
  for (const name of allowed) {
    if (params[name] !== undefined) picked[name] = params[name];
  }
  return picked;
}
