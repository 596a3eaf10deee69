import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CredentialsDecryptError,
  CredentialsKeyError,
  decryptCredentials,
  encryptCredentials,
  generateCredentialsKey,
  parseCredentialsKey,
  redact,
} from './credentials';

const key = parseCredentialsKey(generateCredentialsKey());
const secret = JSON.stringify({ kind: 'basic', username: 'elastic', password: 'pa55-w0rd!' });

function flip(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('credentials encryption', () => {
  it('round-trips and never contains the plaintext', () => {
    const sealed = encryptCredentials(secret, key, 'connection-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain('pa55');
    expect(decryptCredentials(sealed, key, 'connection-1')).toBe(secret);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptCredentials(secret, key)).not.toBe(encryptCredentials(secret, key));
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const sealed = encryptCredentials(secret, key);
    for (const part of [2, 3, 4]) {
      expect(() => decryptCredentials(flip(sealed, part), key)).toThrow(CredentialsDecryptError);
      try {
        decryptCredentials(flip(sealed, part), key);
      } catch (error) {
        expect((error as CredentialsDecryptError).problem).toBe('tampered');
      }
    }
  });

  it('refuses a blob moved to another record', () => {
    const sealed = encryptCredentials(secret, key, 'connection-1');
    expect(() => decryptCredentials(sealed, key, 'connection-2')).toThrow(/modified|another record/);
  });

  it('says clearly when the key is the wrong one, and accepts a retired key in the list', () => {
    const other = parseCredentialsKey(randomBytes(32).toString('hex'));
    const sealed = encryptCredentials(secret, key);
    expect(() => decryptCredentials(sealed, other)).toThrow(/different CREDENTIALS_KEY/);
    expect(decryptCredentials(sealed, [other, key])).toBe(secret);
  });

  it('rejects malformed blobs and unknown versions', () => {
    expect(() => decryptCredentials('not-a-blob', key)).toThrow(/format/);
    const sealed = encryptCredentials(secret, key).replace(/^v1/, 'v9');
    expect(() => decryptCredentials(sealed, key)).toThrow(/version/);
  });

  it('keeps the key bytes out of JSON and logs', () => {
    expect(JSON.stringify(key)).not.toContain(key.bytes.toString('hex'));
    expect(Object.keys(key)).toEqual(['id']);
  });
});

describe('parseCredentialsKey', () => {
  it('accepts 32 bytes as hex, base64 or base64url', () => {
    const bytes = randomBytes(32);
    const fromHex = parseCredentialsKey(bytes.toString('hex'));
    expect(parseCredentialsKey(bytes.toString('base64')).id).toBe(fromHex.id);
    expect(parseCredentialsKey(` ${bytes.toString('base64url')}\n`).id).toBe(fromHex.id);
  });

  it('rejects other lengths, junk and placeholders with a message naming the variable', () => {
    expect(() => parseCredentialsKey(randomBytes(16).toString('base64'))).toThrow(/CREDENTIALS_KEY.*16 bytes/);
    expect(() => parseCredentialsKey('correct horse battery staple')).toThrow(CredentialsKeyError);
    expect(() => parseCredentialsKey('0'.repeat(64))).toThrow(/placeholder/);
    expect(() => parseCredentialsKey('')).toThrow(/CREDENTIALS_KEY/);
  });
});

describe('redact', () => {
  it('removes authorization values, passwords, API keys, URL credentials and sealed blobs', () => {
    const sealed = encryptCredentials(secret, key);
    const text = redact(
      `Authorization: ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw== ` +
        `https://elastic:hunter2@host:9243 {"password":"hunter2","api_key":"abc"} password=hunter2 ${sealed}`,
    ) as string;
    expect(text).not.toMatch(/hunter2|VnVhQ2ZH|"abc"/);
    expect(text).not.toContain(sealed);
  });

  it('copies objects with secret-looking keys replaced', () => {
    const value = redact({ username: 'elastic', password: 'x', nested: { apiKey: 'y', headers: { authorization: 'Basic z' } }, list: ['ok'] });
    expect(value).toEqual({ username: 'elastic', password: '[redacted]', nested: { apiKey: '[redacted]', headers: { authorization: '[redacted]' } }, list: ['ok'] });
  });
});
