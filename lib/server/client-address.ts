import ipaddr from 'ipaddr.js';

/**
 * Who is asking, for limits, and where the request was really addressed, for URLs built for users.
 *
 * Route handlers and next-auth do not see the socket, so the guide's own server
 * (scripts/guide-server.mjs) removes any incoming copy of PEER_ADDRESS_HEADER and writes the
 * socket's peer address into it. Forwarding headers (X-Forwarded-For/-Host/-Proto) are believed
 * only when that peer is one of the operator's TRUSTED_PROXIES.
 *
 * No `server-only` and no Node APIs: the middleware (Edge runtime) uses it too.
 */
export const PEER_ADDRESS_HEADER = 'x-lab-peer-address';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface TrustedProxy {
  address: Address;
  bits: number;
}

/** Headers as a Web `Headers` object or as next-auth hands them to `authorize` (a plain record). */
export type HeaderSource = Headers | Readonly<Record<string, unknown>> | undefined;

function header(source: HeaderSource, name: string): string | undefined {
  if (!source) return undefined;
  if (typeof (source as Headers).get === 'function') return (source as Headers).get(name) ?? undefined;
  const value = (source as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string').join(', ');
  return undefined;
}

/**
 * An IP address in one canonical text form, or null when `text` is not one: dotted IPv4 (exactly
 * four decimal parts, none of the legacy `127.1` or hex forms) or IPv6 (an IPv4-mapped one becomes
 * IPv4; a zone id is dropped).
 */
export function parseAddress(text: string): Address | null {
  let value = text.trim();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  const zone = value.indexOf('%');
  if (zone >= 0) value = value.slice(0, zone);
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (!value.includes(':') || !ipaddr.IPv6.isValid(value)) return null;
  const v6 = ipaddr.IPv6.parse(value);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

export function canonicalAddress(text: string): string | null {
  return parseAddress(text)?.toString() ?? null;
}

/**
 * TRUSTED_PROXIES: comma-separated IP addresses and CIDR ranges (`10.0.0.5`, `10.0.0.0/8`,
 * `::1`, `fd00::/8`). Throws a message naming the bad entry.
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxy[] {
  if (!value) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [addressText, bitsText, ...rest] = entry.split('/');
      const address = parseAddress(addressText ?? '');
      const maxBits = address?.kind() === 'ipv6' ? 128 : 32;
      const bits = bitsText === undefined ? maxBits : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
      if (!address || rest.length > 0 || !(bits >= 0 && bits <= maxBits)) {
        throw new Error(`"${entry}" is not an IP address or CIDR range (for example 10.0.0.5 or 10.0.0.0/8)`);
      }
      return { address, bits };
    });
}

export function isTrustedAddress(address: Address | null, trusted: readonly TrustedProxy[]): boolean {
  if (!address) return false;
  return trusted.some((range) => range.address.kind() === address.kind() && address.match(range.address as never, range.bits));
}

/** The socket's peer as the guide's server wrote it; null when the request did not come through that server. */
export function peerAddress(headers: HeaderSource): string | null {
  const value = header(headers, PEER_ADDRESS_HEADER);
  return value ? canonicalAddress(value) : null;
}

/** Whether the request came straight from one of the operator's trusted proxies. */
export function fromTrustedProxy(headers: HeaderSource, trusted: readonly TrustedProxy[]): boolean {
  const peer = peerAddress(headers);
  return peer !== null && isTrustedAddress(parseAddress(peer), trusted);
}

/**
 * The client's address for limits: the socket's peer, unless that peer is a trusted proxy; then
 * X-Forwarded-For is read from the right (the entries a trusted proxy appended) and the first
 * entry that is not itself a trusted proxy is the client. Entries left of it were written by the
 * client and are ignored, so rotating them changes nothing. If every entry is trusted (a request
 * from the proxy's own network), the left-most one is used; an unreadable entry stops the walk at
 * the last trusted hop. Null when the request did not come through the guide's server.
 */
export function clientAddress(headers: HeaderSource, trusted: readonly TrustedProxy[]): string | null {
  const peer = peerAddress(headers);
  if (peer === null) return null;
  let current = peer;
  if (!isTrustedAddress(parseAddress(current), trusted)) return current;
  const hops = (header(headers, 'x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = parseAddress(hops[i] ?? '');
    if (!hop) return current;
    current = hop.toString();
    if (!isTrustedAddress(hop, trusted)) return current;
  }
  return current;
}

/** A Host header value we are willing to put into a URL: a name or address, and a port. */
const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function firstValue(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  return first ? first : undefined;
}

/**
 * The origin a user reached the guide at, for links, QR codes and redirects: the operator's
 * NEXTAUTH_URL when set; else, from a trusted proxy, its X-Forwarded-Host and -Proto; else the
 * request's own Host header over plain HTTP (the guide's server does not terminate TLS itself).
 */
export function requestOrigin(
  headers: HeaderSource,
  options: { publicUrl?: string | undefined; trusted: readonly TrustedProxy[]; fallbackHost?: string },
): string {
  if (options.publicUrl) return new URL(options.publicUrl).origin;
  const fallback = options.fallbackHost ?? '127.0.0.1';
  if (fromTrustedProxy(headers, options.trusted)) {
    const host = firstValue(header(headers, 'x-forwarded-host'));
    const proto = firstValue(header(headers, 'x-forwarded-proto'))?.toLowerCase() === 'https' ? 'https' : 'http';
    if (host && HOST_PATTERN.test(host)) return `${proto}://${host.toLowerCase()}`;
    const own = header(headers, 'host');
    return `${proto}://${own && HOST_PATTERN.test(own) ? own.toLowerCase() : fallback}`;
  }
  const own = header(headers, 'host');
  return `http://${own && HOST_PATTERN.test(own) ? own.toLowerCase() : fallback}`;
}
