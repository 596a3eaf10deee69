import { AppError } from '../errors';

/**
 * Parsing of what the attendee types into the connect form: a Cloud ID or a URL. Pure functions,
 * no network and no Node APIs (usable in the browser too); the endpoint policy decides afterwards
 * whether the address may be contacted.
 */

/** Where Elasticsearch answers, normalised: lower-case host, IPv6 without brackets, explicit port. */
export interface ClusterEndpoint {
  /** Origin of Elasticsearch, e.g. `https://cec6f2….us-east-1.aws.found.io:443`. */
  url: string;
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** Known from a Cloud ID; for a URL only if the attendee gives it. */
  kibanaUrl: string | null;
  source: 'cloud-id' | 'url';
}

export interface ParsedCloudId {
  /** The deployment name before the colon, if any (ignored for connecting). */
  label: string | null;
  /** The region host, e.g. `us-east-1.aws.found.io`. */
  host: string;
  port: number;
  esUuid: string;
  kibanaUuid: string | null;
  esUrl: string;
  kibanaUrl: string | null;
  endpoint: ClusterEndpoint;
}

export type CloudIdProblem =
  | 'empty'
  | 'looks_like_url'
  | 'no_colon'
  | 'not_base64'
  | 'wrong_parts'
  | 'empty_uuid'
  | 'bad_uuid'
  | 'bad_host'
  | 'bad_port';

export type UrlProblem = 'empty' | 'malformed' | 'scheme' | 'credentials' | 'path' | 'kibana';

const DEFAULT_CLOUD_PORT = 443;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function cloudIdError(reason: CloudIdProblem, extra: Record<string, string | number> = {}, detail?: string): AppError {
  return new AppError('invalid_cloud_id', { params: { reason, ...extra }, detail });
}

function urlError(reason: UrlProblem, field = 'url'): AppError {
  return new AppError(field === 'url' ? 'invalid_url' : 'invalid_request', {
    params: field === 'url' ? { reason } : { field, reason },
  });
}

/**
 * Decodes `[label:]base64(host[:port]$es_id[:port]$kibana_id[:port][$…])` the way Beats does
 * (ES-REFERENCE 1.1): the text after the last colon is the payload, so labels may contain colons
 * and the label may be missing; ports default to the host's, which defaults to 443. The JS
 * clients' own `cloud.id` parsing gets both cases wrong, so connections use `endpoint.url`.
 */
export function parseCloudId(input: string): ParsedCloudId {
  const text = input.trim();
  if (text === '') throw cloudIdError('empty');
  if (HAS_SCHEME.test(text)) throw cloudIdError('looks_like_url');

  const colon = text.lastIndexOf(':');
  const label = colon > 0 ? text.slice(0, colon).trim() : null;
  // A Cloud ID copied across a line break arrives with whitespace in the payload.
  const payload = text.slice(colon + 1).replace(/\s+/g, '');

  const decoded = decodeBase64Text(payload);
  if (decoded === null) throw cloudIdError(colon < 0 ? 'no_colon' : 'not_base64');
  const parts = decoded.split('$');
  if (parts.length < 3) {
    throw cloudIdError(colon < 0 ? 'no_colon' : 'wrong_parts', { partCount: parts.length });
  }
  const [hostPart, esPart, kibanaPart] = parts as [string, string, string];

  const { name: host, port } = splitPort(hostPart, DEFAULT_CLOUD_PORT);
  if (!HOSTNAME.test(host)) throw cloudIdError('bad_host');
  const es = splitPort(esPart, port);
  if (es.name === '') throw cloudIdError('empty_uuid');
  if (!HOSTNAME.test(es.name)) throw cloudIdError('bad_uuid');
  const kibana = splitPort(kibanaPart, port);
  if (kibana.name !== '' && !HOSTNAME.test(kibana.name)) throw cloudIdError('bad_uuid');

  const hostname = `${es.name}.${host}`.toLowerCase();
  const esUrl = `https://${hostname}:${es.port}`;
  const kibanaUrl = kibana.name === '' ? null : `https://${kibana.name}.${host}:${kibana.port}`.toLowerCase();
  return {
    label: label === '' ? null : label,
    host: host.toLowerCase(),
    port,
    esUuid: es.name,
    kibanaUuid: kibana.name === '' ? null : kibana.name,
    esUrl,
    kibanaUrl,
    endpoint: { url: esUrl, protocol: 'https:', hostname, port: es.port, kibanaUrl, source: 'cloud-id' },
  };
}

function decodeBase64Text(payload: string): string | null {
  if (payload === '' || !BASE64.test(payload) || payload.replace(/=+$/, '').length % 4 === 1) return null;
  // atob rather than Buffer so the connect form can run the same check in the browser.
  let decoded: string;
  try {
    decoded = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return null;
  }
  // Random text that happens to be base64 decodes to binary; a Cloud ID decodes to printable ASCII.
  return /^[\x21-\x7e]+$/.test(decoded) ? decoded : null;
}

function splitPort(part: string, defaultPort: number): { name: string; port: number } {
  const colon = part.lastIndexOf(':');
  if (colon < 0) return { name: part, port: defaultPort };
  const portText = part.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) throw cloudIdError('bad_port');
  return { name: part.slice(0, colon), port };
}

/**
 * Validates an Elasticsearch URL: http or https only, no user:password@ (they belong in their
 * own fields and would otherwise be stored in clear), and nothing but the origin, so no path,
 * query or fragment can smuggle a different target past the policy. A missing scheme means https.
 */
export function parseClusterUrl(input: string): ClusterEndpoint {
  const url = parseUrl(input, 'url');
  if (url.pathname !== '/' && url.pathname !== '') throw urlError(looksLikeKibana(url) ? 'kibana' : 'path');
  if (looksLikeKibana(url)) throw urlError('kibana');
  if (/[?#]/.test(input)) throw urlError('path');
  const protocol = url.protocol as 'http:' | 'https:';
  const port = url.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(url.port);
  const hostname = stripBrackets(url.hostname);
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return { url: `${protocol}//${host}:${port}`, protocol, hostname, port, kibanaUrl: null, source: 'url' };
}

/** A Kibana address the attendee gives beside a plain URL; a path (e.g. a space) is allowed. */
export function parseKibanaUrl(input: string): string {
  const url = parseUrl(input, 'kibanaUrl');
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/$/, '');
}

function parseUrl(input: string, field: string): URL {
  const text = input.trim();
  if (text === '') throw urlError('empty', field);
  // Backslashes and control characters are where URL parsers disagree with each other.
  if (/[\s\\\u0000-\u001f\u007f]/.test(text)) throw urlError('malformed', field);
  let url: URL;
  try {
    url = new URL(HAS_SCHEME.test(text) ? text : `https://${text}`);
  } catch {
    throw urlError('malformed', field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw urlError('scheme', field);
  if (url.username !== '' || url.password !== '' || text.includes('@')) throw urlError('credentials', field);
  if (url.hostname === '') throw urlError('malformed', field);
  return url;
}

function looksLikeKibana(url: URL): boolean {
  return url.hostname.includes('.kb.') || url.port === '5601' || /^\/(app|s|spaces|login)(\/|$)/.test(url.pathname);
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
