import 'server-only';
import { z } from 'zod';
import { decryptCredentials, encryptCredentials, type CredentialsKey } from '../crypto/credentials';
import { AppError } from '../errors';

/**
 * How the server authenticates to an attendee's cluster (ES-REFERENCE 1.3): the elastic user's
 * password, or an Elasticsearch API key, kept in its encoded form (base64 of `id:api_key`).
 */
export type ClusterAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'api_key'; apiKey: string };

export const clusterAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }),
  z.object({ kind: z.literal('api_key'), apiKey: z.string().min(1) }),
]);

export interface ClusterAuthInput {
  username?: string;
  password?: string;
  apiKey?: string;
}

/** From the connect form's fields; throws `invalid_request` naming the field that is wrong. */
export function clusterAuthFrom(input: ClusterAuthInput): ClusterAuth {
  const apiKey = input.apiKey?.trim();
  if (apiKey !== undefined && apiKey !== '') {
    if (input.password !== undefined && input.password !== '') {
      throw new AppError('invalid_request', { params: { field: 'apiKey' }, detail: 'both password and API key given' });
    }
    return { kind: 'api_key', apiKey: normaliseApiKey(apiKey) };
  }
  const username = (input.username ?? 'elastic').trim() || 'elastic';
  const password = input.password ?? '';
  if (password === '') throw new AppError('invalid_request', { params: { field: 'password' }, detail: 'no password or API key' });
  if (username.includes(':')) throw new AppError('invalid_request', { params: { field: 'username' } });
  return { kind: 'basic', username, password };
}

/**
 * Accepts what Kibana and the API show: the `encoded` value, or `id:api_key` (what Beats take).
 * Elastic Cloud console keys (`essu_…`) are for the Cloud API, not Elasticsearch.
 */
export function normaliseApiKey(raw: string): string {
  const text = raw.trim().replace(/^ApiKey\s+/i, '');
  const invalid = (detail: string) => new AppError('invalid_request', { params: { field: 'apiKey' }, detail });
  if (/^essu_/i.test(text)) throw invalid('Elastic Cloud console API key given instead of an Elasticsearch API key');
  if (text.includes(':')) {
    const [id, key] = [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1)];
    if (!/^[\x21-\x7e]+$/.test(id) || !/^[\x21-\x7e]+$/.test(key)) throw invalid('id:api_key with an empty or odd part');
    return Buffer.from(`${id}:${key}`, 'utf8').toString('base64');
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw invalid('API key is neither base64 nor id:api_key');
  const decoded = Buffer.from(text, 'base64').toString('latin1');
  if (!/^[\x21-\x7e]+:[\x21-\x7e]+$/.test(decoded)) throw invalid('encoded API key does not decode to id:api_key');
  return text;
}

export function authorizationHeader(auth: ClusterAuth): string {
  return auth.kind === 'api_key'
    ? `ApiKey ${auth.apiKey}`
    : `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

/** Seals credentials for the database; `context` binds the blob to its row (e.g. the connection id). */
export function sealClusterAuth(auth: ClusterAuth, key: CredentialsKey, context: string): string {
  return encryptCredentials(JSON.stringify(auth), key, context);
}

export function openClusterAuth(sealed: string, keys: CredentialsKey | readonly CredentialsKey[], context: string): ClusterAuth {
  return clusterAuthSchema.parse(JSON.parse(decryptCredentials(sealed, keys, context)));
}
