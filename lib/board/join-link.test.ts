import { describe, expect, it } from 'vitest';
import { PEER_ADDRESS_HEADER, parseTrustedProxies } from '../server/client-address';
import { joinUrl, pointsToThisComputer } from './join-link';
import { publicOrigin } from './public-origin';

const noProxy = { NEXTAUTH_URL: undefined, TRUSTED_PROXIES: [] };

describe('join link', () => {
  it('prefers the configured public URL', () => {
    expect(publicOrigin({ ...noProxy, NEXTAUTH_URL: 'https://lab.example.com/some/path' }, new Headers({ host: '10.0.0.5:3000' }))).toBe('https://lab.example.com');
  });

  it('else uses the address the instructor came in by', () => {
    expect(publicOrigin(noProxy, new Headers({ host: '192.168.0.10:3000', [PEER_ADDRESS_HEADER]: '192.168.0.23' }))).toBe('http://192.168.0.10:3000');
  });

  it('follows X-Forwarded-Host only from a trusted proxy', () => {
    const forwarded = { host: 'internal:3000', 'x-forwarded-host': 'lab.school.kr', 'x-forwarded-proto': 'https' };
    expect(publicOrigin(noProxy, new Headers({ ...forwarded, [PEER_ADDRESS_HEADER]: '203.0.113.9' }))).toBe('http://internal:3000');
    const behindProxy = { NEXTAUTH_URL: undefined, TRUSTED_PROXIES: parseTrustedProxies('10.0.0.2') };
    expect(publicOrigin(behindProxy, new Headers({ ...forwarded, [PEER_ADDRESS_HEADER]: '203.0.113.9' }))).toBe('http://internal:3000');
    expect(publicOrigin(behindProxy, new Headers({ ...forwarded, [PEER_ADDRESS_HEADER]: '10.0.0.2' }))).toBe('https://lab.school.kr');
  });

  it('fills the code into the join page', () => {
    expect(joinUrl('http://192.168.0.10:3000', 'ko', 'K7Q2PM')).toBe('http://192.168.0.10:3000/ko/join?code=K7Q2PM');
  });

  it('knows a link that only this computer can open', () => {
    for (const url of ['http://127.0.0.1:3000/ko/join', 'http://localhost:3000/x', 'http://LAB.localhost/', 'http://[::1]:3000/', 'http://0.0.0.0:3000/', 'http://127.8.9.10/']) {
      expect(pointsToThisComputer(url), url).toBe(true);
    }
    for (const url of ['http://192.168.0.10:3000/ko/join', 'https://lab.school.kr/', 'http://[2001:db8::1]/', 'not a url']) expect(pointsToThisComputer(url), url).toBe(false);
  });
});
