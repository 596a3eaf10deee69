/** IPv4/IPv6 parsing for `ip` fields: validation, canonical text, CIDR matching and ordering. */

export interface Ip {
  /** 16 bytes (IPv4 mapped into IPv6, as Lucene stores them). */
  bytes: Uint8Array;
  v4: boolean;
}

export function parseIp(text: string): Ip | undefined {
  if (text.includes(':')) return parseV6(text);
  const v4 = parseV4(text);
  if (!v4) return undefined;
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(v4, 12);
  return { bytes, v4: true };
}

function parseV4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseV6(text: string): Ip | undefined {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i += 1) {
      const g = groups[i] as string;
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseV4(g);
        if (!v4) return undefined;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] as string);
  const tail = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  const v4 = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return { bytes, v4 };
}

/** Canonical text (`::ffff:1.2.3.4` prints as `1.2.3.4`, IPv6 compressed), as ES returns it in aggs. */
export function formatIp(ip: Ip): string {
  const b = ip.bytes;
  if (ip.v4) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i += 1) groups.push(((b[i * 2] as number) << 8) | (b[i * 2 + 1] as number));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : undefined;
}

export function compareIp(a: Ip, b: Ip): number {
  for (let i = 0; i < 16; i += 1) {
    const d = (a.bytes[i] as number) - (b.bytes[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** A matcher for `term` on an ip field: an address or a CIDR block (`10.0.0.0/8`). */
export function ipMatcher(query: string): ((value: string) => boolean) | undefined {
  const slash = query.indexOf('/');
  if (slash < 0) {
    const canon = canonicalIp(query);
    return canon === undefined ? undefined : (v) => v === canon;
  }
  const base = parseIp(query.slice(0, slash));
  const bits = Number(query.slice(slash + 1));
  if (!base || !Number.isInteger(bits)) return undefined;
  const prefix = base.v4 && !query.slice(0, slash).includes(':') ? bits + 96 : bits;
  if (prefix < 0 || prefix > 128) return undefined;
  return (v) => {
    const ip = parseIp(v);
    if (!ip) return false;
    for (let i = 0; i < prefix; i += 1) {
      const byte = i >> 3;
      const mask = 0x80 >> (i & 7);
      if (((ip.bytes[byte] as number) & mask) !== ((base.bytes[byte] as number) & mask)) return false;
    }
    return true;
  };
}
