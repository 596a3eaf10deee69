import 'server-only';
import { z } from 'zod';
import { AppError } from '../errors';
import { EsError } from '../practice/engine/api';
import { parseWatch, watcherFlavour, type ParsedWatch } from '../practice/watcher';
import { isObject } from './threshold';

/**
 * A watch from the guide's editor, checked before it is saved: JSON with the line and column of a
 * syntax error, an object (zod), then the practice Watcher's own parser (Elasticsearch's rules
 * and messages for the cluster's major version) with the line of the field it names. Every
 * problem is `invalid_watch` with `reason`, `line`, `column` and `field` for the editor to point at.
 */

/** Longest watch text accepted (Kibana's editor has no limit; the handout's watch is about 1.5 kB). */
export const WATCH_TEXT_MAX = 64_000;

export const watchBodySchema = z.record(z.unknown());

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text[i] === '\n') {
      line += 1;
      column = 1;
    } else column += 1;
  }
  return { line, column };
}

function invalid(reason: string, where: { line?: number; column?: number; field?: string } = {}): AppError {
  const params: Record<string, string | number> = { reason: reason.slice(0, 400) };
  if (where.line !== undefined) params.line = where.line;
  if (where.column !== undefined) params.column = where.column;
  if (where.field !== undefined) params.field = where.field;
  return new AppError('invalid_watch', { params, detail: reason });
}

/** Parses the editor's text; a syntax error becomes `invalid_watch` at its line and column. */
export function readWatchText(text: string): Record<string, unknown> {
  if (text.length > WATCH_TEXT_MAX) throw invalid(`the watch is longer than ${WATCH_TEXT_MAX} characters`);
  if (text.trim() === '') throw invalid('the watch is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
    throw invalid(`not valid JSON: ${message.replace(/^JSON\.parse: /, '')}`, lineAndColumn(text, offset));
  }
  const parsed = watchBodySchema.safeParse(value);
  if (!parsed.success) throw invalid('a watch is a JSON object ({ ... })', { line: 1, column: 1 });
  return parsed.data;
}

/** Names Elasticsearch's messages put in brackets (`unexpected field [foo]`), minus the watch id and tokens. */
function namesIn(reason: string, id: string): string[] {
  const skip = new Set([id, 'START_OBJECT', 'START_ARRAY', 'VALUE_STRING', 'VALUE_NUMBER', 'VALUE_BOOLEAN', 'VALUE_NULL', 'END_OBJECT']);
  return [...reason.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1] as string).filter((n) => !skip.has(n) && !n.includes('/'));
}

/** The line of a key in the text (`"types":`), so the editor can point at it. */
function locateKey(text: string, name: string): { line: number; column: number } | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`"${escaped}"\\s*:`).exec(text);
  return match ? lineAndColumn(text, match.index) : undefined;
}

function esReason(error: EsError): string {
  const cause = error.causedBy;
  const nested = cause && isObject(cause.caused_by) ? `: ${String(cause.caused_by.reason ?? '')}` : '';
  return cause ? `${error.reason}: ${cause.reason}${nested}` : error.reason;
}

/**
 * Checks a watch as the cluster of that major version will: the parser's first problem as
 * `invalid_watch`, with the line of the field it names when the text has it.
 */
export function validateWatch(id: string, watch: Record<string, unknown>, options: { major: number; text?: string }): ParsedWatch {
  const flavour = watcherFlavour(String(Math.min(9, Math.max(7, options.major))));
  try {
    return parseWatch(id, watch, { flavour, warn: () => {} });
  } catch (error) {
    if (!(error instanceof EsError)) throw error;
    const reason = esReason(error);
    const text = options.text ?? JSON.stringify(watch, null, 2);
    for (const name of namesIn(reason, id).reverse()) {
      const at = locateKey(text, name);
      if (at) throw invalid(reason, { ...at, field: name });
    }
    const field = namesIn(reason, id)[0];
    throw invalid(reason, field === undefined ? {} : { field });
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Actions (and inputs) that would make the practice cluster reach the network: a webhook or HTTP
 * request to a host other than loopback, Slack, PagerDuty or Jira. The practice cluster records a
 * webhook instead of sending it, but a watch written for it should not depend on that; the guide
 * refuses such a watch for a practice deployment and says why.
 */
export function refuseNetworkActions(watch: Record<string, unknown>, text?: string): void {
  const actions = isObject(watch.actions) ? watch.actions : {};
  const where = (name: string) => (text ? locateKey(text, name) : undefined) ?? {};
  for (const [id, spec] of Object.entries(actions)) {
    if (!isObject(spec)) continue;
    for (const type of ['slack', 'pagerduty', 'jira']) {
      if (type in spec) throw invalid(`action [${id}] of type [${type}] would send to the internet; the practice cluster only delivers email (to its mailbox), logging and index actions`, { ...where(id), field: id });
    }
    const webhook = isObject(spec.webhook) ? spec.webhook : undefined;
    if (webhook) {
      const url = typeof webhook.url === 'string' ? safeHost(webhook.url) : undefined;
      const host = typeof webhook.host === 'string' ? webhook.host : url;
      if (!host || !LOOPBACK.has(host.toLowerCase())) {
        throw invalid(`action [${id}] sends a webhook to [${host ?? '?'}]; on the practice cluster a webhook may only go to localhost`, { ...where(id), field: id });
      }
    }
  }
  const input = isObject(watch.input) ? watch.input : {};
  if (isObject(input.http)) throw invalid('an [http] input would reach the network; use a [search] input', { ...where('http'), field: 'http' });
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
