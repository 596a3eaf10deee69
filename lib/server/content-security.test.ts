import { describe, expect, it } from 'vitest';
import { makeNonce, pageContentSecurityPolicy } from './content-security';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split('; ').map((part) => {
    const [name = '', ...values] = part.split(' ');
    return [name, values];
  }));
}

describe('the page CSP', () => {
  it('allows scripts and style elements only with the nonce in production, and never eval', () => {
    const policy = directives(pageContentSecurityPolicy('abc123', { dev: false }));
    expect(policy.get('script-src')).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(policy.get('style-src')).toEqual(["'self'", "'nonce-abc123'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
  });

  it('lets development’s hot reload run', () => {
    const policy = directives(pageContentSecurityPolicy('n', { dev: true }));
    expect(policy.get('script-src')).toContain("'unsafe-eval'");
    expect(policy.get('connect-src')).toContain('ws:');
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const a = makeNonce();
    expect(Buffer.from(a, 'base64')).toHaveLength(16);
    expect(makeNonce()).not.toBe(a);
  });
});
