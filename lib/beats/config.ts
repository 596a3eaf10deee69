/**
 * The output section of `metricbeat.yml` / `filebeat.yml` for the attendee's cluster, and the
 * `setup` command that goes with it. Pure and client-safe. Secrets never pass through here on the
 * server except a freshly made API key on its way back to the one response that shows it; a
 * password is always the placeholder the attendee replaces.
 */
import type { BeatName } from './beats';

/** What the attendee replaces with the elastic user's password; the guide never echoes the real one. */
export const PASSWORD_PLACEHOLDER = '<your password>';
/** Stands for the `id:api_key` pair until a key is made. */
export const API_KEY_PLACEHOLDER = '<id>:<api_key>';

/** Where the Beat sends: an Elastic Cloud deployment (by Cloud ID) or Elasticsearch URLs. */
export type BeatOutput = { kind: 'cloud'; cloudId: string } | { kind: 'hosts'; hosts: string[]; kibanaUrl: string | null };

/** How the Beat authenticates: an API key made for it (`id:api_key`), or a user's password (the handout's way). */
export type BeatCredentials = { kind: 'api_key'; apiKey: string | null } | { kind: 'password'; username: string };

export type BeatAuthChoice = BeatCredentials['kind'];

/** YAML double-quoted scalars are JSON strings, which escapes whatever a value holds. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/**
 * A Cloud ID equivalent to the attendee's, rebuilt from the Elasticsearch and Kibana addresses the
 * connection keeps: `label:base64(host:port$es_id$kibana_id)`. Beats decode it to exactly these
 * two URLs (ES-REFERENCE 1.1). The region host is the longest dot-suffix both addresses share.
 */
export function cloudIdOf(endpoint: { url: string; kibanaUrl: string | null; label: string | null }): string | null {
  let es: URL;
  let kibana: URL | null;
  try {
    es = new URL(endpoint.url);
    kibana = endpoint.kibanaUrl ? new URL(endpoint.kibanaUrl) : null;
  } catch {
    return null;
  }
  if (es.protocol !== 'https:') return null;
  const portOf = (url: URL) => (url.port === '' ? 443 : Number(url.port));
  const esLabels = es.hostname.split('.');
  const kibanaLabels = kibana?.hostname.split('.') ?? [];
  let shared = 0;
  if (kibana) {
    while (
      shared < esLabels.length - 1 &&
      shared < kibanaLabels.length - 1 &&
      esLabels[esLabels.length - 1 - shared] === kibanaLabels[kibanaLabels.length - 1 - shared]
    ) {
      shared += 1;
    }
  } else {
    shared = esLabels.length - 1;
  }
  if (shared < 2) return null;
  const host = esLabels.slice(esLabels.length - shared).join('.');
  const esId = esLabels.slice(0, esLabels.length - shared).join('.');
  const port = portOf(es);
  let kibanaPart = '';
  if (kibana) {
    const kibanaId = kibanaLabels.slice(0, kibanaLabels.length - shared).join('.');
    kibanaPart = portOf(kibana) === port ? kibanaId : `${kibanaId}:${portOf(kibana)}`;
  }
  const payload = btoa(`${host}:${port}$${esId}$${kibanaPart}`);
  return endpoint.label ? `${endpoint.label}:${payload}` : payload;
}

/** The section to paste into the Beat's configuration file (in place of the commented-out defaults). */
export function beatConfigYaml(output: BeatOutput, credentials: BeatCredentials): string {
  const lines: string[] = [];
  if (output.kind === 'cloud') {
    lines.push('# =============================== Elastic Cloud ================================', '', `cloud.id: ${quoted(output.cloudId)}`);
    if (credentials.kind === 'password') {
      lines.push(`cloud.auth: ${quoted(`${credentials.username}:${PASSWORD_PLACEHOLDER}`)}`);
    } else {
      lines.push(
        '',
        '# ================================== Outputs ===================================',
        '',
        'output.elasticsearch:',
        `  api_key: ${quoted(credentials.apiKey ?? API_KEY_PLACEHOLDER)}`,
      );
    }
    return lines.join('\n');
  }
  lines.push(
    '# ================================== Outputs ===================================',
    '',
    'output.elasticsearch:',
    `  hosts: [${output.hosts.map(quoted).join(', ')}]`,
  );
  if (credentials.kind === 'password') {
    lines.push(`  username: ${quoted(credentials.username)}`, `  password: ${quoted(PASSWORD_PLACEHOLDER)}`);
  } else {
    lines.push(`  api_key: ${quoted(credentials.apiKey ?? API_KEY_PLACEHOLDER)}`);
  }
  if (output.kibanaUrl) {
    lines.push('', '# =================================== Kibana ===================================', '', 'setup.kibana:', `  host: ${quoted(output.kibanaUrl)}`);
  }
  return lines.join('\n');
}

/**
 * `<beat> setup` loads templates, ILM policy, pipelines and Kibana dashboards: more than a
 * publishing key may do. With a key in the file, the one set-up run uses the elastic user given
 * on the command line instead, so the password is typed once and never stored. The key is emptied
 * for that run because Beats refuse an output with both an API key and a user name.
 * `'…'` inside `-E` values is the Beats flag syntax for a literal string (commas in a password
 * would otherwise split it into a list); the outer double quotes work in sh and PowerShell alike.
 */
export function setupCommand(beatCommand: string, output: BeatOutput, credentials: BeatCredentials, username = 'elastic'): string {
  if (credentials.kind === 'password') return `${beatCommand} setup`;
  const flags = [`-E "output.elasticsearch.api_key=''"`];
  if (output.kind === 'cloud') flags.push(`-E "cloud.auth='${username}:${PASSWORD_PLACEHOLDER}'"`);
  else flags.push(`-E "output.elasticsearch.username='${username}'"`, `-E "output.elasticsearch.password='${PASSWORD_PLACEHOLDER}'"`);
  return `${beatCommand} setup ${flags.join(' ')}`;
}

/** The Beat's configuration file name (`metricbeat.yml`). */
export function configFileName(beat: BeatName): string {
  return `${beat}.yml`;
}
