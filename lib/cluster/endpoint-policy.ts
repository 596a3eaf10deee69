import { promises as dns } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors';
import type { ClusterEndpoint } from './cloud-id';

/**
 * Which cluster endpoints the server may contact on an attendee's behalf (SSRF policy).
 *
 * Allowed: Elastic Cloud hosts (https, port 443 or 9243) whose every resolved address is public;
 * hosts, host:port pairs and CIDRs the operator lists (ALLOWED_CLUSTER_HOSTS, read by the caller),
 * which may be private; the practice cluster's own URL. Refused: everything else, including any
 * name or address form (2130706433, 0x7f000001, 127.1, ::ffff:127.0.0.1) that lands on loopback,
 * private, link-local, CGNAT, multicast, unspecified or reserved space, and cloud metadata
 * endpoints even when an operator CIDR would cover them.
 *
 * Time-of-check/time-of-use: a name checked here could resolve differently when the client
 * connects (DNS rebinding). `lookup` closes that gap: the clients' sockets resolve through it, and
 * it applies the same address rules to the very answer the socket then connects to.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves every A and AAAA record of a name (injectable for tests). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type EndpointKind = 'practice' | 'elastic-cloud' | 'operator';

export interface CheckedEndpoint {
  kind: EndpointKind;
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** The addresses found allowed at check time (empty for IP literals and the practice cluster). */
  addresses: ResolvedAddress[];
}

/** Shape of `net.connect`'s `lookup` option, also accepted by http(s).Agent options. */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

export interface EndpointPolicyOptions {
  /** Operator allow-list entries: `host`, `*.domain`, `host:port`, `10.0.0.0/8`, `[fd00::1]:9200`. */
  allowList?: string | readonly string[];
  /** The practice cluster's URL(s), allowed although they are loopback. */
  practiceUrls?: readonly string[];
  resolve?: Resolver;
  /** Override the Elastic Cloud suffixes (tests, ECE installations use the allow-list instead). */
  cloudSuffixes?: readonly string[];
}

/** Elastic Cloud endpoint domains (ES-REFERENCE 1.4); private-link names resolve privately and fail the address check. */
export const ELASTIC_CLOUD_SUFFIXES: readonly string[] = ['.elastic-cloud.com', '.found.io', '.cloud.es.io', '.elastic.cloud'];

const CLOUD_PORTS: ReadonlySet<number> = new Set([443, 9243]);

/** Names of instance-metadata services; refused whatever the allow-list says. */
const METADATA_NAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

const METADATA_ADDRESSES: readonly string[] = [
  '169.254.169.254', // AWS, GCP, Azure, OCI, DigitalOcean …
  '169.254.170.2', // AWS ECS task metadata
  '169.254.169.123', // AWS time sync
  '100.100.100.200', // Alibaba Cloud
  'fd00:ec2::254', // AWS IMDS over IPv6
  'fd00:ec2::23',
];

export type AllowEntry =
  | { type: 'name'; name: string; port: number | null }
  | { type: 'suffix'; suffix: string; port: number | null }
  | { type: 'cidr'; range: [ipaddr.IPv4 | ipaddr.IPv6, number]; port: number | null };

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export class EndpointPolicy {
  private readonly allowList: readonly AllowEntry[];
  private readonly practice: readonly { protocol: string; hostname: string; port: number }[];
  private readonly resolve: Resolver;
  private readonly cloudSuffixes: readonly string[];

  constructor(options: EndpointPolicyOptions = {}) {
    this.allowList = parseAllowList(options.allowList ?? []);
    this.practice = (options.practiceUrls ?? []).map(parsePracticeUrl);
    this.resolve = options.resolve ?? systemResolver;
    this.cloudSuffixes = options.cloudSuffixes ?? ELASTIC_CLOUD_SUFFIXES;
  }

  /** Throws `endpoint_not_allowed` or `dns_failed`; otherwise says why the endpoint is allowed. */
  async check(endpoint: Pick<ClusterEndpoint, 'protocol' | 'hostname' | 'port'>): Promise<CheckedEndpoint> {
    const hostname = normaliseHostname(endpoint.hostname);
    const { protocol, port } = endpoint;
    const refuse = (reason: string, detail?: string) =>
      new AppError('endpoint_not_allowed', { params: { host: hostname, reason }, detail: detail ?? `${hostname}:${port} ${reason}` });

    if (protocol !== 'http:' && protocol !== 'https:') throw refuse('scheme');
    if (this.isPractice(protocol, hostname, port)) return { kind: 'practice', protocol, hostname, port, addresses: [] };
    if (METADATA_NAMES.has(hostname)) throw refuse('private_address', `${hostname} is a metadata service name`);

    const literal = parseAddress(hostname);
    if (literal !== null) {
      if (isMetadataAddress(literal)) throw refuse('private_address', `${hostname} is a metadata address`);
      if (this.cidrAllows(literal, port)) return { kind: 'operator', protocol, hostname, port, addresses: [] };
      // An IP is never an Elastic Cloud endpoint; say "private" only when it is, to help the reader.
      throw refuse(isPublicAddress(literal) ? 'not_allowed_host' : 'private_address');
    }
    // `x.127.0.0.1`-style names: URL parsers treat a numeric last label as an address.
    if (/\.\d+$|^\d+$/.test(hostname)) throw refuse('not_allowed_host');

    const byName = this.nameAllows(hostname, port);
    let kind: EndpointKind;
    if (byName) {
      kind = 'operator';
    } else if (this.isCloudHost(hostname)) {
      if (protocol !== 'https:') throw refuse('scheme');
      if (!CLOUD_PORTS.has(port)) throw refuse('port');
      kind = 'elastic-cloud';
    } else {
      throw refuse('not_allowed_host');
    }
    const addresses = await this.resolveAllowed(hostname, port, byName);
    return { kind, protocol, hostname, port, addresses };
  }

  /**
   * A `lookup` for the sockets of a checked endpoint: resolves again and applies the same address
   * rules, so what the socket connects to is what was checked. Errors carry
   * `ERR_ENDPOINT_NOT_ALLOWED` or the DNS code, which `lib/cluster/errors.ts` translates.
   */
  lookupFor(checked: CheckedEndpoint): LookupFunction {
    const byName = checked.kind === 'operator' && this.nameAllows(checked.hostname, checked.port);
    return (hostname, options, callback) => {
      const literal = parseAddress(hostname);
      const pending: Promise<ResolvedAddress[]> =
        checked.kind === 'practice'
          ? this.resolve(hostname)
          : literal !== null
          ? Promise.resolve(this.literalAllowedAtConnect(literal, checked)).then(() => [
              { address: literal.toString(), family: literal.kind() === 'ipv4' ? 4 : 6 } as ResolvedAddress,
            ])
          : this.resolveAllowed(normaliseHostname(hostname), checked.port, byName);
      pending.then(
        (addresses) => {
          const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
          const usable = wanted.length > 0 ? wanted : addresses;
          if (options.all === true) {
            callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
            return;
          }
          const first = usable[0];
          if (first === undefined) {
            callback(dnsError('ENOTFOUND', hostname), '', 0);
            return;
          }
          callback(null, first.address, first.family);
        },
        (error: unknown) => callback(toLookupError(error, hostname), '', 0),
      );
    };
  }

  private literalAllowedAtConnect(address: Address, checked: CheckedEndpoint): void {
    if (checked.kind === 'practice') return;
    if (isMetadataAddress(address) || (!isPublicAddress(address) && !this.cidrAllows(address, checked.port))) {
      throw new AppError('endpoint_not_allowed', { params: { host: checked.hostname, reason: 'private_address' } });
    }
  }

  private async resolveAllowed(hostname: string, port: number, nameAllowed: boolean): Promise<ResolvedAddress[]> {
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(hostname);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
      throw new AppError('dns_failed', { params: { host: hostname }, detail: `lookup ${hostname}: ${code}` });
    }
    if (addresses.length === 0) {
      throw new AppError('dns_failed', { params: { host: hostname }, detail: `lookup ${hostname}: no addresses` });
    }
    for (const { address } of addresses) {
      const parsed = parseAddress(address);
      const refused =
        parsed === null ||
        isMetadataAddress(parsed) ||
        (!nameAllowed && !isPublicAddress(parsed) && !this.cidrAllows(parsed, port));
      if (refused) {
        throw new AppError('endpoint_not_allowed', {
          params: { host: hostname, reason: 'private_address' },
          detail: `${hostname} resolves to ${address}, which is not allowed`,
        });
      }
    }
    return addresses;
  }

  private isPractice(protocol: string, hostname: string, port: number): boolean {
    return this.practice.some((p) => p.protocol === protocol && p.hostname === hostname && p.port === port);
  }

  private isCloudHost(hostname: string): boolean {
    return this.cloudSuffixes.some((suffix) => hostname.endsWith(suffix) && hostname.length > suffix.length);
  }

  private nameAllows(hostname: string, port: number): boolean {
    return this.allowList.some(
      (entry) =>
        (entry.port === null || entry.port === port) &&
        ((entry.type === 'name' && entry.name === hostname) ||
          (entry.type === 'suffix' && hostname.endsWith(entry.suffix) && hostname.length > entry.suffix.length)),
    );
  }

  private cidrAllows(address: Address, port: number): boolean {
    const plain = unwrapIPv4(address);
    return this.allowList.some((entry) => {
      if (entry.type !== 'cidr' || (entry.port !== null && entry.port !== port)) return false;
      const [range, bits] = entry.range;
      if (plain.kind() !== range.kind()) return false;
      return plain.kind() === 'ipv4'
        ? (plain as ipaddr.IPv4).match(range as ipaddr.IPv4, bits)
        : (plain as ipaddr.IPv6).match(range as ipaddr.IPv6, bits);
    });
  }
}

/**
 * Parses the operator allow-list. A bad entry throws at start-up rather than being ignored, since
 * an ignored entry silently locks out the cluster the operator meant to allow.
 */
export function parseAllowList(raw: string | readonly string[]): AllowEntry[] {
  const items = typeof raw === 'string' ? raw.split(/[\s,]+/) : raw;
  const entries: AllowEntry[] = [];
  for (const item of items.map((i) => i.trim()).filter((i) => i !== '')) {
    entries.push(parseAllowEntry(item));
  }
  return entries;
}

function parseAllowEntry(item: string): AllowEntry {
  const bad = () => new Error(`ALLOWED_CLUSTER_HOSTS: cannot read entry "${item}" (use host, *.domain, host:port, [ipv6]:port or CIDR)`);
  if (item.includes('/')) {
    try {
      const [address, bits] = ipaddr.parseCIDR(item);
      return { type: 'cidr', range: [unwrapIPv4(address), address.kind() === 'ipv6' && isMapped(address) ? bits - 96 : bits], port: null };
    } catch {
      throw bad();
    }
  }
  let host = item.toLowerCase();
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (bracketed) {
    host = bracketed[1] ?? '';
    port = bracketed[2] === undefined ? null : Number(bracketed[2]);
  } else if ((host.match(/:/g) ?? []).length === 1) {
    const [name, portText] = host.split(':') as [string, string];
    if (!/^\d{1,5}$/.test(portText)) throw bad();
    host = name;
    port = Number(portText);
  }
  if (port !== null && (port < 1 || port > 65535)) throw bad();
  const address = parseAddress(host);
  if (address !== null) {
    const plain = unwrapIPv4(address);
    return { type: 'cidr', range: [plain, plain.kind() === 'ipv4' ? 32 : 128], port };
  }
  if (host.startsWith('*.') || host.startsWith('.')) {
    const suffix = host.startsWith('*') ? host.slice(1) : host;
    if (!/^(\.[a-z0-9-]+)+$/.test(suffix)) throw bad();
    return { type: 'suffix', suffix, port };
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/.test(host)) throw bad();
  return { type: 'name', name: normaliseHostname(host), port };
}

/** True for globally routable unicast addresses (after unwrapping IPv4 embedded in IPv6). */
export function isPublicAddress(address: string | Address): boolean {
  const parsed = typeof address === 'string' ? parseAddress(address) : address;
  if (parsed === null) return false;
  const plain = unwrapIPv4(parsed);
  if (plain.kind() === 'ipv6' && plain.range() === 'rfc6052') {
    // NAT64 (DNS64 networks) embeds the real IPv4 address in the last 32 bits.
    const bytes = plain.toByteArray().slice(12);
    return isPublicAddress(ipaddr.fromByteArray(bytes));
  }
  return plain.range() === 'unicast';
}

function isMetadataAddress(address: Address): boolean {
  const plain = unwrapIPv4(address).toNormalizedString();
  return METADATA_ADDRESSES.some((meta) => ipaddr.parse(meta).toNormalizedString() === plain);
}

/**
 * Accepts every spelling an OS resolver or URL parser would turn into an address: dotted quads,
 * shortened (127.1), decimal (2130706433), hex (0x7f000001), octal (017700000001), IPv6.
 */
function parseAddress(text: string): Address | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const withoutZone = bare.replace(/%.*$/, '');
  if (!ipaddr.isValid(withoutZone)) return null;
  try {
    return ipaddr.parse(withoutZone);
  } catch {
    return null;
  }
}

function isMapped(address: Address): boolean {
  return address.kind() === 'ipv6' && ['ipv4Mapped', 'rfc6145'].includes(address.range());
}

function unwrapIPv4(address: Address): Address {
  if (address.kind() === 'ipv6' && isMapped(address)) {
    return ipaddr.fromByteArray((address as ipaddr.IPv6).toByteArray().slice(12));
  }
  return address;
}

function normaliseHostname(hostname: string): string {
  const lower = hostname.toLowerCase();
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

function parsePracticeUrl(text: string): { protocol: string; hostname: string; port: number } {
  const url = new URL(text);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { protocol: url.protocol, hostname: normaliseHostname(url.hostname), port };
}

const systemResolver: Resolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

function dnsError(code: string, hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, hostname });
}

function toLookupError(error: unknown, hostname: string): NodeJS.ErrnoException {
  if (error instanceof AppError && error.code === 'dns_failed') return dnsError('ENOTFOUND', hostname);
  if (error instanceof AppError) {
    // The HTTP clients keep only the message of a socket error; the marker survives that.
    return Object.assign(new Error(`ERR_ENDPOINT_NOT_ALLOWED: ${hostname} resolves to an address that is not allowed`), {
      code: 'ERR_ENDPOINT_NOT_ALLOWED',
    });
  }
  return error instanceof Error ? (error as NodeJS.ErrnoException) : new Error(String(error));
}
