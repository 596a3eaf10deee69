/** "Open in Kibana" for the auth log: the Logs stream (or Discover) of the attendee's own Kibana, with the panel's filter. */
import { AUTH_DATASET, AUTH_LOG_FIELDS } from './fields';

export interface KibanaLogsLink {
  url: string;
  /** Which Kibana app opens: the Logs stream (7.x, 8.x) or Discover (9.x removed the stream). */
  app: 'logs' | 'discover';
}

/** Rison string literal, as Kibana's URL state reads it: `'` and `!` are escaped with `!`. */
function risonString(text: string): string {
  return `'${text.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
}

/**
 * The handout's "Logs > Stream live" with the panel's filter, for the attendee's own Kibana. The
 * URL state changed over the years: hash routes before 7.10, `logFilter=(expression,kind)` until
 * 7.15, `(language,query)` from 7.16; 9.0 removed the stream, so 9.x opens Discover instead.
 */
export function kibanaLogsLink(
  kibanaUrl: string,
  version: { major: number; minor: number | null },
  filter?: string,
): KibanaLogsLink {
  const base = kibanaUrl.replace(/\/+$/, '');
  const dataset = `${AUTH_LOG_FIELDS.dataset}: "${AUTH_DATASET}"`;
  const refined = filter?.trim();
  const kql = refined ? `${dataset} and (${refined})` : dataset;
  const q = encodeURIComponent(risonString(kql));
  const minor = version.minor ?? 0;
  if (version.major >= 9) {
    return { url: `${base}/app/discover#/?_a=(query:(language:kuery,query:${q}))`, app: 'discover' };
  }
  if (version.major === 7 && minor < 10) {
    return { url: `${base}/app/logs#/stream?logFilter=(expression:${q},kind:kuery)`, app: 'logs' };
  }
  if (version.major === 7 && minor < 16) {
    return { url: `${base}/app/logs/stream?logFilter=(expression:${q},kind:kuery)`, app: 'logs' };
  }
  return { url: `${base}/app/logs/stream?logFilter=(language:kuery,query:${q})`, app: 'logs' };
}
