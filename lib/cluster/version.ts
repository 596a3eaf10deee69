import { AppError } from '../errors';

/**
 * Version facts learnt from `GET /` (or, without the `monitor` privilege, from header
 * negotiation, which gives the major only), and which client major serves them.
 */
export interface ClusterVersion {
  /** `8.15.0`, or `8.x` when only the major is known. */
  number: string;
  major: number;
  minor: number | null;
  exact: boolean;
  buildFlavor: string | null;
}

/** The handout's version; the 7.17 client supports every 7.x from here on. */
export const MINIMUM_VERSION = { major: 7, minor: 6, text: '7.6.0' } as const;
export const NEWEST_SUPPORTED_MAJOR = 9;

export function parseVersionNumber(number: string, buildFlavor: string | null = null): ClusterVersion {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(number.trim());
  if (!match) throw new AppError('version_unsupported', { params: { version: number.slice(0, 40) }, detail: `unreadable version "${number}"` });
  return { number: number.trim(), major: Number(match[1]), minor: Number(match[2]), exact: true, buildFlavor };
}

export function majorOnly(major: number): ClusterVersion {
  return { number: `${major}.x`, major, minor: null, exact: false, buildFlavor: null };
}

/** Throws version_too_old / version_unsupported for clusters the guide cannot serve. */
export function assertSupportedVersion(version: ClusterVersion): void {
  const tooOld =
    version.major < MINIMUM_VERSION.major ||
    (version.major === MINIMUM_VERSION.major && version.minor !== null && version.minor < MINIMUM_VERSION.minor);
  if (tooOld) {
    throw new AppError('version_too_old', { params: { version: version.number, minimum: MINIMUM_VERSION.text } });
  }
  if (version.major > NEWEST_SUPPORTED_MAJOR) {
    throw new AppError('version_unsupported', { params: { version: version.number, reason: 'too_new' } });
  }
  if (version.buildFlavor === 'oss') {
    throw new AppError('version_unsupported', { params: { version: version.number, reason: 'oss' } });
  }
}

/**
 * No single client major talks to every cluster (ES-REFERENCE 2.4): the 8.x client fails on 7.x
 * (product header missing before 7.14, compatible-with=8 refused with 406), the 9.x client fails
 * on 8.x. 9.x accepts the 8.x client's `compatible-with=8` headers and answers in 8.x format, so
 * the 8.19 client serves 8.x and 9.x unchanged; its headers must not be overridden per request,
 * since a mix of compatible and plain headers is refused.
 */
export function clientFlavourFor(version: ClusterVersion): 'es7' | 'es8' {
  return version.major <= 7 ? 'es7' : 'es8';
}
