import { canonicalAddress } from '../server/client-address';

/**
 * The one rule for a practice SSH attempt's user and source address, used by the app's route
 * (lib/connections/practice-control.ts) and by the practice host that writes the sshd lines.
 * Client-safe, no server-only.
 *
 * User: what a Linux account name may hold (useradd: at most 32 characters of letters, digits,
 * ".", "_", "-"), plus "@", which attackers' dictionaries use (admin@example) and sshd logs as
 * offered; no spaces, which would split the sshd line Filebeat's pipeline parses.
 * Source: an IPv4 or IPv6 address, written as sshd writes it (dotted quad; compressed IPv6).
 */
export const SSH_USER_MAX_LENGTH = 32;
const SSH_USER = /^[A-Za-z0-9._@-]{1,32}$/;

export const SSH_USER_RULE = `1-${SSH_USER_MAX_LENGTH} letters, digits, ".", "_", "-" or "@"`;
export const SSH_SOURCE_RULE = 'an IPv4 or IPv6 address';

export function isSshAttemptUser(user: string): boolean {
  return SSH_USER.test(user);
}

/** The source address as sshd logs it, or null when `ip` is not an address. */
export function sshAttemptSource(ip: string): string | null {
  return canonicalAddress(ip);
}
