import { EsError } from '../engine/api';

/** Watcher's error answers, with Elasticsearch's types and exact messages (ES-WATCHER-REFERENCE §11). */

type Cause = { type: string; reason: string; [k: string]: unknown };

export function parseError(reason: string, causedBy?: Cause): EsError {
  return new EsError(400, 'parse_exception', reason, {}, causedBy);
}

/** The cause object an EsError becomes when another error wraps it. */
export function causeOf(e: EsError): Cause {
  const c: Cause = { type: e.type, reason: e.reason, ...e.extra };
  if (e.causedBy) c.caused_by = e.causedBy;
  return c;
}

/** `LicenseUtils.newComplianceException("watcher")`: the 403 a Basic licence gets (ES issue #23490). */
export function licenceError(): EsError {
  return new EsError(403, 'security_exception', 'current license is non-compliant for [watcher]', { 'license.expired.feature': 'watcher' });
}

export function watchNotFound(reason: string): EsError {
  return new EsError(404, 'resource_not_found_exception', reason);
}

export function validationError(...problems: string[]): EsError {
  return new EsError(400, 'action_request_validation_exception', `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`);
}

export function illegalArgument(reason: string): EsError {
  return new EsError(400, 'illegal_argument_exception', reason);
}
