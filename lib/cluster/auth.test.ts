import { describe, expect, it } from 'vitest';
import { parseCredentialsKey, generateCredentialsKey } from '../crypto/credentials';
import { authorizationHeader, clusterAuthFrom, normaliseApiKey, openClusterAuth, sealClusterAuth } from './auth';

const ENCODED = Buffer.from('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw').toString('base64');

describe('clusterAuthFrom', () => {
  it('takes a password for the elastic user by default', () => {
    expect(clusterAuthFrom({ password: 'pw' })).toEqual({ kind: 'basic', username: 'elastic', password: 'pw' });
    expect(clusterAuthFrom({ username: ' reader ', password: 'pw' })).toEqual({ kind: 'basic', username: 'reader', password: 'pw' });
  });

  it('takes an API key in either form Kibana shows', () => {
    expect(clusterAuthFrom({ apiKey: ENCODED })).toEqual({ kind: 'api_key', apiKey: ENCODED });
    expect(normaliseApiKey('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw')).toBe(ENCODED);
    expect(normaliseApiKey(`ApiKey ${ENCODED}`)).toBe(ENCODED);
  });

  it.each([
    [{}, 'password'],
    [{ password: 'a', apiKey: ENCODED }, 'apiKey'],
    [{ apiKey: 'essu_Vm1s...' }, 'apiKey'],
    [{ apiKey: 'not base64 at all!' }, 'apiKey'],
    [{ apiKey: Buffer.from('no-colon').toString('base64') }, 'apiKey'],
    [{ username: 'a:b', password: 'x' }, 'username'],
  ])('names the wrong field for %j', (input, field) => {
    expect(() => clusterAuthFrom(input)).toThrow(expect.objectContaining({ code: 'invalid_request', params: { field } }));
  });
});

describe('authorizationHeader', () => {
  it('builds Basic and ApiKey headers', () => {
    expect(authorizationHeader({ kind: 'basic', username: 'elastic', password: 'pw' })).toBe(`Basic ${Buffer.from('elastic:pw').toString('base64')}`);
    expect(authorizationHeader({ kind: 'api_key', apiKey: ENCODED })).toBe(`ApiKey ${ENCODED}`);
  });
});

describe('sealClusterAuth', () => {
  it('round-trips through AES-GCM bound to the connection', () => {
    const key = parseCredentialsKey(generateCredentialsKey());
    const sealed = sealClusterAuth({ kind: 'basic', username: 'elastic', password: 'secret-pw' }, key, 'conn-1');
    expect(sealed).not.toContain('secret-pw');
    expect(openClusterAuth(sealed, key, 'conn-1')).toEqual({ kind: 'basic', username: 'elastic', password: 'secret-pw' });
    expect(() => openClusterAuth(sealed, key, 'conn-2')).toThrow();
  });
});
