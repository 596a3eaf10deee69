import { describe, expect, it } from 'vitest';
import { canonicalAddress, clientAddress, fromTrustedProxy, parseTrustedProxies, PEER_ADDRESS_HEADER, requestOrigin } from './client-address';

const proxies = parseTrustedProxies('10.0.0.5, 10.1.0.0/16');

function from(peer: string | undefined, extra: Record<string, string> = {}): Headers {
  const headers = new Headers(extra);
  if (peer !== undefined) headers.set(PEER_ADDRESS_HEADER, peer);
  return headers;
}

describe('canonicalAddress', () => {
  it('keeps dotted IPv4 and compressed IPv6, unmaps IPv4-mapped IPv6, and refuses the rest', () => {
    expect(canonicalAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(canonicalAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(canonicalAddress('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalAddress('[2001:db8::1]')).toBe('2001:db8::1');
    expect(canonicalAddress('fe80::1%eth0')).toBe('fe80::1');
    for (const bad of ['127.1', '0x7f.0.0.1', '2130706433', 'localhost', '', '1.2.3.4.5', '256.0.0.1']) expect(canonicalAddress(bad)).toBeNull();
  });
});

describe('clientAddress without a trusted proxy', () => {
  it('is the socket peer, whatever X-Forwarded-For says', () => {
    expect(clientAddress(from('203.0.113.7'), [])).toBe('203.0.113.7');
    expect(clientAddress(from('203.0.113.7', { 'x-forwarded-for': '198.51.100.1' }), [])).toBe('203.0.113.7');
    expect(clientAddress(from('203.0.113.7', { 'x-forwarded-for': '198.51.100.1' }), proxies)).toBe('203.0.113.7');
  });

  it('is null when the request did not come through the guide server (no peer header)', () => {
    expect(clientAddress(from(undefined, { 'x-forwarded-for': '198.51.100.1' }), proxies)).toBeNull();
    expect(clientAddress(from('not-an-ip'), proxies)).toBeNull();
  });

  it('reads next-auth’s plain header records too', () => {
    expect(clientAddress({ [PEER_ADDRESS_HEADER]: '::ffff:192.0.2.9', 'x-forwarded-for': '1.1.1.1' }, [])).toBe('192.0.2.9');
  });
});

describe('clientAddress behind a trusted proxy', () => {
  it('takes the right-most entry that is not a trusted proxy', () => {
    expect(clientAddress(from('10.0.0.5', { 'x-forwarded-for': '198.51.100.1' }), proxies)).toBe('198.51.100.1');
    // The client wrote the left entries itself; the proxy appended the real address.
    expect(clientAddress(from('10.0.0.5', { 'x-forwarded-for': '6.6.6.6, 7.7.7.7, 198.51.100.1' }), proxies)).toBe('198.51.100.1');
    // Two proxies: the inner one is skipped.
    expect(clientAddress(from('10.0.0.5', { 'x-forwarded-for': '6.6.6.6, 198.51.100.1, 10.1.2.3' }), proxies)).toBe('198.51.100.1');
  });

  it('stops at an unreadable entry, and falls back to the proxy when there is no header', () => {
    expect(clientAddress(from('10.0.0.5', { 'x-forwarded-for': 'garbage, 10.1.2.3' }), proxies)).toBe('10.1.2.3');
    expect(clientAddress(from('10.0.0.5'), proxies)).toBe('10.0.0.5');
    expect(clientAddress(from('10.0.0.5', { 'x-forwarded-for': '10.1.0.9' }), proxies)).toBe('10.1.0.9');
  });
});

describe('requestOrigin', () => {
  it('prefers NEXTAUTH_URL', () => {
    expect(requestOrigin(from('10.0.0.5', { host: 'x:1', 'x-forwarded-host': 'evil.example' }), { publicUrl: 'https://lab.example.com/path', trusted: proxies })).toBe(
      'https://lab.example.com',
    );
  });

  it('ignores X-Forwarded-Host and -Proto from an untrusted peer', () => {
    const headers = from('203.0.113.7', { host: '192.168.0.10:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
    expect(fromTrustedProxy(headers, proxies)).toBe(false);
    expect(requestOrigin(headers, { trusted: proxies })).toBe('http://192.168.0.10:3000');
    expect(requestOrigin(from(undefined, { host: 'lab.local:3000', 'x-forwarded-host': 'evil.example' }), { trusted: proxies })).toBe('http://lab.local:3000');
  });

  it('believes a trusted proxy', () => {
    const headers = from('10.1.4.4', { host: 'internal:3000', 'x-forwarded-host': 'lab.school.kr', 'x-forwarded-proto': 'https' });
    expect(requestOrigin(headers, { trusted: proxies })).toBe('https://lab.school.kr');
  });

  it('never puts a malformed host into a URL', () => {
    expect(requestOrigin(from('203.0.113.7', { host: 'a b/c' }), { trusted: [] })).toBe('http://127.0.0.1');
    expect(requestOrigin(from('10.0.0.5', { host: 'ok:3000', 'x-forwarded-host': 'x/y@evil' }), { trusted: proxies })).toBe('http://ok:3000');
    expect(requestOrigin(from('203.0.113.7', { host: '[::1]:3000' }), { trusted: [] })).toBe('http://[::1]:3000');
  });
});
