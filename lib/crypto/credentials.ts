import 'server-only';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export { redact, redactString, REDACTED } from './redact';

/**
 * Encryption at rest for cluster credentials: AES-256-GCM with a 32-byte key from
 * CREDENTIALS_KEY (the caller reads the environment and passes the key in).
 *
 * Sealed form: `v1.<key id>.<iv>.<ciphertext>.<tag>`, each part base64url. The key id (a keyed
 * hash of the key, not the key) lets decryption say "wrong key" instead of a vague failure and
 * leaves room for key rotation; it and an optional caller context (e.g. the connection id) are
 * authenticated as additional data, so a blob copied to another row does not open there.
 */
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class CredentialsKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsKeyError';
  }
}

export type CredentialsDecryptProblem = 'format' | 'version' | 'wrong_key' | 'tampered';

export class CredentialsDecryptError extends Error {
  constructor(
    readonly problem: CredentialsDecryptProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialsDecryptError';
  }
}

export interface CredentialsKey {
  readonly id: string;
  /** Kept off enumerable properties so the key does not end up in a log by accident. */
  readonly bytes: Buffer;
}

const KEY_HELP = 'CREDENTIALS_KEY must be 32 random bytes written as 64 hex characters or 44 base64 characters (for example: openssl rand -base64 32)';

export function parseCredentialsKey(raw: string): CredentialsKey {
  const text = raw.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    bytes = Buffer.from(text, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const decoded = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    // Buffer's base64 decoder skips bad characters silently; re-encoding proves the text was exact.
    const canonical = decoded.toString('base64').replace(/=+$/, '');
    if (canonical === text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')) bytes = decoded;
  }
  if (bytes === undefined) throw new CredentialsKeyError(`${KEY_HELP}; the value given is neither.`);
  if (bytes.length !== KEY_BYTES) {
    throw new CredentialsKeyError(`${KEY_HELP}; the value given decodes to ${bytes.length} bytes.`);
  }
  if (bytes.every((byte) => byte === bytes[0])) {
    throw new CredentialsKeyError(`${KEY_HELP}; the value given is a placeholder (all bytes equal).`);
  }
  return makeKey(bytes);
}

export function generateCredentialsKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

export function encryptCredentials(plaintext: string, key: CredentialsKey, context = ''): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(key.id, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, key.id, b64url(iv), b64url(ciphertext), b64url(tag)].join('.');
}

/** `keys` may list the current key and retired ones; the blob's key id picks the right one. */
export function decryptCredentials(
  sealed: string,
  keys: CredentialsKey | readonly CredentialsKey[],
  context = '',
): string {
  const parts = sealed.split('.');
  if (parts.length !== 5) throw new CredentialsDecryptError('format', 'Encrypted credentials are not in the expected format.');
  const [version, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
  if (version !== VERSION) {
    throw new CredentialsDecryptError('version', `Encrypted credentials have an unknown format version "${version.slice(0, 8)}".`);
  }
  const key = (Array.isArray(keys) ? keys : [keys as CredentialsKey]).find((candidate) => candidate.id === keyId);
  if (key === undefined) {
    throw new CredentialsDecryptError(
      'wrong_key',
      'The credentials were encrypted with a different CREDENTIALS_KEY; restore that key or ask the attendee to connect again.',
    );
  }
  const iv = fromB64url(ivText);
  const tag = fromB64url(tagText);
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new CredentialsDecryptError('format', 'Encrypted credentials are not in the expected format.');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(keyId, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(fromB64url(ciphertextText)), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialsDecryptError(
      'tampered',
      'Encrypted credentials failed verification: they were modified, are corrupt, or belong to another record.',
    );
  }
}

function makeKey(bytes: Buffer): CredentialsKey {
  const id = b64url(createHmac('sha256', bytes).update('elastic-logging-lab credentials key id').digest().subarray(0, 6));
  const key = { id } as { id: string; bytes: Buffer };
  Object.defineProperty(key, 'bytes', { value: bytes, enumerable: false });
  return Object.freeze(key);
}

function additionalData(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}\u0000${context}`, 'utf8');
}

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function fromB64url(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}
