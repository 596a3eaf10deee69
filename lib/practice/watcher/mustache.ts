import Mustache from 'mustache';
import { isPlainObject } from '../engine/errors';
import { JDouble, JavaDate, javaHashMapOrder, javaToString } from '../script/painless';

/**
 * Mustache as Watcher renders it (ES `TextTemplateEngine`, `CustomMustacheFactory`; ES-WATCHER-
 * REFERENCE §9), on the `mustache` package, adjusted where mustache.java differs from mustache.js:
 * - values print with Java's `toString()`: maps as `{k=v, ...}` in HashMap order, lists as
 *   `[a, b]`, doubles as `0.5`/`1.0E-5`, dates as `2024-05-01T10:05Z`;
 * - no HTML escaping: action texts render as text/plain, search bodies with JSON string escaping
 *   (and a `__json__::` prefix switches a text template to JSON escaping);
 * - `{{#x}}` renders for `0` and `""` (only null, false and empty lists skip a section in Java);
 * - the functions `{{#toJson}}path{{/toJson}}`, `{{#join}}path{{/join}}`,
 *   `{{#join delimiter=' | '}}path{{/join delimiter=' | '}}` and `{{#url}}text{{/url}}`.
 * Dotted list indexes (`hits.hits.0._source`) and `{{.}}` work in mustache.js as in mustache.java.
 */

export type Escaping = 'text' | 'json';

const JSON_PREFIX = '__json__::';

function jsonEscape(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** JSON as ES' XContentBuilder writes a parsed map: HashMap key order, Java numbers. */
export function javaJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof JDouble) return Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
  if (v instanceof JavaDate) return JSON.stringify(v.toJSON());
  if (Array.isArray(v)) return `[${v.map(javaJson).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = javaHashMapOrder(Object.keys(v).filter((k) => v[k] !== undefined));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${javaJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

type MustacheContext = { view: unknown; lookup(name: string): unknown; push(view: unknown): MustacheContext };
type Token = [string, string, number, number, Token[]?, number?];
interface WriterLike {
  templateCache: unknown;
  render(template: string, view: unknown, partials?: unknown, config?: unknown): string;
  parse(template: string): Token[];
  renderTokens(tokens: Token[] | undefined, context: MustacheContext, partials: unknown, originalTemplate: string, config: unknown): string;
  renderSection(token: Token, context: MustacheContext, partials: unknown, originalTemplate: string, config: unknown): string | undefined;
  renderInverted(token: Token, context: MustacheContext, partials: unknown, originalTemplate: string, config: unknown): string | undefined;
  unescapedValue(token: Token, context: MustacheContext): unknown;
}

function makeWriter(): WriterLike {
  const writer = new (Mustache as unknown as { Writer: new () => WriterLike }).Writer();
  // Templates differ per watch and per deployment: parse each time rather than grow a cache.
  writer.templateCache = undefined;
  const renderSection = writer.renderSection.bind(writer);
  writer.renderSection = (token, context, partials, originalTemplate, config) => {
    const value = context.lookup(token[1]);
    if (value === 0 || value === '') return writer.renderTokens(token[4], context.push(value), partials, originalTemplate, config);
    return renderSection(token, context, partials, originalTemplate, config);
  };
  const renderInverted = writer.renderInverted.bind(writer);
  writer.renderInverted = (token, context, partials, originalTemplate, config) => {
    const value = context.lookup(token[1]);
    if (value === 0) return undefined;
    return renderInverted(token, context, partials, originalTemplate, config);
  };
  writer.unescapedValue = (token, context) => {
    const value = context.lookup(token[1]);
    return value === null || value === undefined ? undefined : javaToString(value);
  };
  return writer;
}

const writer = makeWriter();

/** Looks a dotted path up in the model the way mustache.java resolves `ctx.payload.hits.0`. */
function resolvePath(model: unknown, path: string): unknown {
  let cur: unknown = model;
  for (const part of path.trim().split('.')) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = /^\d+$/.test(part) ? cur[Number(part)] : undefined;
    else if (isPlainObject(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

function collectJoinDelimiters(tokens: Token[], out: Set<string>): void {
  for (const t of tokens) {
    if (t[0] === '#' && /^join delimiter=/.test(t[1])) out.add(t[1]);
    if (t[4]) collectJoinDelimiters(t[4], out);
  }
}

/** Renders one template against the model (`{ctx: ...}`), escaping values as text or JSON strings. */
export function renderTemplate(template: string, model: Record<string, unknown>, escaping: Escaping = 'text'): string {
  let source = template;
  let mode = escaping;
  if (source.startsWith(JSON_PREFIX)) {
    source = source.slice(JSON_PREFIX.length);
    mode = 'json';
  }
  const escape = (v: unknown) => (mode === 'json' ? jsonEscape(javaToString(v)) : javaToString(v));
  const lookup = (path: string) => resolvePath(model, path);
  const join = (delimiter: string) => () => (text: string) => {
    const v = lookup(text);
    return Array.isArray(v) ? v.map(escape).join(delimiter) : v === undefined || v === null ? '' : escape(v);
  };
  const view: Record<string, unknown> = {
    ...model,
    toJson: () => (text: string) => {
      const v = lookup(text);
      return v === undefined ? '' : javaJson(v);
    },
    join: join(','),
    url: () => (text: string, render: (t: string) => string) => encodeURIComponent(render(text)),
  };
  const delimiters = new Set<string>();
  collectJoinDelimiters(writer.parse(source), delimiters);
  for (const d of delimiters) {
    const m = /^join delimiter='(.*)'$/.exec(d) ?? /^join delimiter="(.*)"$/.exec(d);
    view[d] = join(m ? (m[1] as string) : ',');
  }
  return writer.render(source, view, undefined, { escape });
}

/**
 * A JSON body as a mustache template (search input/transform bodies): serialised, rendered with
 * JSON escaping, parsed back. Throws a parse_exception-like Error when the result is not JSON.
 */
export function renderJsonTemplate(body: unknown, model: Record<string, unknown>): unknown {
  const rendered = renderTemplate(JSON.stringify(body), model, 'json');
  return JSON.parse(rendered) as unknown;
}
