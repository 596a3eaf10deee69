import { EsError } from './engine/api';

/**
 * A practice deployment's licence and what it allows, as Elasticsearch's licence state decides it:
 * each licensed feature names the lowest licence level it needs (Watcher: standard, ML: platinum,
 * https://github.com/elastic/elasticsearch/pull/78710 and `MachineLearningField.java`); a trial
 * allows everything; a paid feature needs a licence that has not expired. Basic features never
 * need a check.
 */

export type LicenseType = 'trial' | 'basic';

export interface LicenseState {
  type: LicenseType;
  uid: string;
  issuedAt: number;
  /** Trial end; basic licences do not expire. */
  expiresAt: number | null;
  trialUsed: boolean;
}

export const TRIAL_DAYS = 30;

/** Elasticsearch's operation modes, lowest first. */
export const LICENSE_LEVELS = ['basic', 'standard', 'gold', 'platinum', 'enterprise'] as const;
export type LicenseLevel = (typeof LICENSE_LEVELS)[number];

/** What a licensed feature needs: its name in licence errors and `_xpack`, and the lowest level. */
export interface FeatureLicense {
  feature: string;
  minimum: LicenseLevel;
}

/** The levels of the `_xpack` features the lab shows (the rest are basic). */
export const XPACK_FEATURE_LEVELS: Readonly<Record<string, LicenseLevel>> = {
  ccr: 'platinum',
  graph: 'platinum',
  logstash: 'standard',
  ml: 'platinum',
  searchable_snapshots: 'enterprise',
  watcher: 'standard',
};

export function licenseActive(license: Pick<LicenseState, 'expiresAt'>, now: number): boolean {
  return license.expiresAt === null || license.expiresAt >= now;
}

export function licenseAllows(license: Pick<LicenseState, 'type' | 'expiresAt'>, minimum: LicenseLevel, now: number): boolean {
  if (minimum === 'basic') return true;
  if (!licenseActive(license, now)) return false;
  if (license.type === 'trial') return true;
  return LICENSE_LEVELS.indexOf(license.type) >= LICENSE_LEVELS.indexOf(minimum);
}

/**
 * The 403 Elasticsearch answers when the licence does not allow a feature's API
 * (`LicenseUtils.newComplianceException`; the Watcher body is the one quoted in
 * https://github.com/elastic/elasticsearch/issues/23490).
 */
export function licenseNonCompliant(feature: string): EsError {
  return new EsError(403, 'security_exception', `current license is non-compliant for [${feature}]`, { 'license.expired.feature': feature });
}
