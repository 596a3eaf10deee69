import { describe, expect, it } from 'vitest';
import { joinUrl, publicOrigin } from './join-link';

describe('join link', () => {
  it('prefers the configured public URL', () => {
    expect(publicOrigin({ NEXTAUTH_URL: 'https://lab.example.com/some/path' }, new Headers({ host: '10.0.0.5:3000' }))).toBe('https://lab.example.com');
  });

  it('else uses the address the instructor came in by, through a proxy if there is one', () => {
    expect(publicOrigin({ NEXTAUTH_URL: undefined }, new Headers({ host: '192.168.0.10:3000' }))).toBe('http://192.168.0.10:3000');
    expect(publicOrigin({ NEXTAUTH_URL: undefined }, new Headers({ host: 'internal:3000', 'x-forwarded-host': 'lab.school.kr', 'x-forwarded-proto': 'https' }))).toBe('https://lab.school.kr');
  });

  it('fills the code into the join page', () => {
    expect(joinUrl('http://192.168.0.10:3000', 'ko', 'K7Q2PM')).toBe('http://192.168.0.10:3000/ko/join?code=K7Q2PM');
  });
});
