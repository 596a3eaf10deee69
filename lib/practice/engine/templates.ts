import type { Mappings } from './api';
import { EsError } from './api';
import { actionValidation, illegalArgument, isPlainObject, locate, xContentParse } from './errors';
import { MappingState, normalizeMappings } from './mapping';
import { simpleMatch } from './wildcard';

/**
 * Index templates: composable (`_index_template`, with `composed_of`, `priority`, `data_stream`),
 * component (`_component_template`) and legacy (`_template`, with `order`), and how ES picks and
 * merges them when an index or data stream is created.
 */

export interface ComposableTemplate {
  name: string;
  body: Record<string, unknown>;
  patterns: string[];
  priority: number;
  composedOf: string[];
  dataStream?: { hidden: boolean };
}

export interface LegacyTemplate {
  name: string;
  body: Record<string, unknown>;
  patterns: string[];
  order: number;
}

const COMPOSABLE_KEYS = ['index_patterns', 'template', 'composed_of', 'priority', 'version', '_meta', 'data_stream', 'allow_auto_create', 'ignore_missing_component_templates', 'deprecated'];
const TEMPLATE_KEYS = ['settings', 'mappings', 'aliases', 'lifecycle', 'data_stream_options'];

function patternsOf(v: unknown): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim());
  if (Array.isArray(v)) return v.map(String);
  return [];
}

export function parseComposable(name: string, body: Record<string, unknown>, components: Map<string, Record<string, unknown>>): ComposableTemplate {
  if (!isPlainObject(body)) throw actionValidation('index patterns are missing');
  for (const k of Object.keys(body)) {
    if (!COMPOSABLE_KEYS.includes(k)) throw xContentParse(locate(body, [k]), `[index_template] unknown field [${k}]`);
  }
  const patterns = patternsOf(body.index_patterns);
  if (patterns.length === 0) throw actionValidation('index patterns are missing');
  if (isPlainObject(body.template)) {
    for (const k of Object.keys(body.template)) {
      if (!TEMPLATE_KEYS.includes(k)) throw xContentParse(locate(body, ['template', k]), `[template] unknown field [${k}]`);
    }
    if (body.template.mappings !== undefined) new MappingState(normalizeMappings(body.template.mappings as Mappings));
  }
  const composedOf = Array.isArray(body.composed_of) ? body.composed_of.map(String) : [];
  const missing = composedOf.filter((c) => !components.has(c));
  if (missing.length > 0 && body.ignore_missing_component_templates === undefined) {
    throw new EsError(400, 'invalid_index_template_exception', `index_template [${name}] invalid, cause [index template [${name}] specifies component templates [${missing.join(', ')}] that do not exist]`, { name });
  }
  const priority = body.priority === undefined ? 0 : Number(body.priority);
  if (!Number.isInteger(priority) || priority < 0) throw illegalArgument('index template priority must be >= 0');
  const t: ComposableTemplate = { name, body: structuredClone(body), patterns, priority, composedOf };
  if (body.data_stream !== undefined && body.data_stream !== null) {
    const ds = body.data_stream;
    t.dataStream = { hidden: isPlainObject(ds) && ds.hidden === true };
  }
  return t;
}

/** Glob patterns overlap when some name could match both (approximated on their literal prefixes). */
function overlaps(a: string, b: string): boolean {
  if (simpleMatch(a, b) || simpleMatch(b, a)) return true;
  const pa = a.split('*')[0] as string;
  const pb = b.split('*')[0] as string;
  if (!a.includes('*') && !b.includes('*')) return a === b;
  if (!a.includes('*')) return simpleMatch(b, a);
  if (!b.includes('*')) return simpleMatch(a, b);
  return pa.startsWith(pb) || pb.startsWith(pa);
}

export function checkPriorityConflicts(t: ComposableTemplate, existing: Map<string, ComposableTemplate>): void {
  const clashes: ComposableTemplate[] = [];
  for (const other of existing.values()) {
    if (other.name === t.name || other.priority !== t.priority) continue;
    if (t.patterns.some((p) => other.patterns.some((q) => overlaps(p, q)))) clashes.push(other);
  }
  if (clashes.length === 0) return;
  const names = clashes.map((c) => c.name).join(', ');
  const detail = clashes.map((c) => `${c.name} => [${c.patterns.join(', ')}]`).join(', ');
  throw illegalArgument(
    `index template [${t.name}] has index patterns [${t.patterns.join(', ')}] matching patterns from existing templates [${names}] with patterns (${detail}) that have the same priority [${t.priority}], multiple index templates may not match during index creation, please use a different priority`,
  );
}

/** The composable template ES would use for `name` (highest priority wins), if any. */
export function findComposable(name: string, templates: Map<string, ComposableTemplate>, hiddenIndex: boolean): ComposableTemplate | undefined {
  let best: ComposableTemplate | undefined;
  for (const t of templates.values()) {
    // Global templates (`*`) never apply to hidden indices.
    if (hiddenIndex && t.patterns.includes('*')) continue;
    if (!t.patterns.some((p) => simpleMatch(p, name))) continue;
    if (!best || t.priority > best.priority) best = t;
  }
  return best;
}

export function findLegacy(name: string, templates: Map<string, LegacyTemplate>): LegacyTemplate[] {
  return [...templates.values()].filter((t) => t.patterns.some((p) => simpleMatch(p, name))).sort((a, b) => a.order - b.order);
}

export interface Resolved {
  settings: Record<string, unknown>;
  mappings: Mappings[];
  aliases: Record<string, unknown>;
}

/** Settings, mappings (in merge order) and aliases a composable template contributes. */
export function resolveComposable(t: ComposableTemplate, components: Map<string, Record<string, unknown>>): Resolved {
  const out: Resolved = { settings: {}, mappings: [], aliases: {} };
  const add = (tmpl: unknown) => {
    if (!isPlainObject(tmpl)) return;
    if (isPlainObject(tmpl.settings)) Object.assign(out.settings, flattenSettings(tmpl.settings));
    if (tmpl.mappings !== undefined) out.mappings.push(normalizeMappings(tmpl.mappings as Mappings));
    if (isPlainObject(tmpl.aliases)) Object.assign(out.aliases, tmpl.aliases);
  };
  for (const c of t.composedOf) {
    const comp = components.get(c);
    if (comp) add(comp.template);
  }
  add(t.body.template);
  return out;
}

export function resolveLegacy(list: LegacyTemplate[]): Resolved {
  const out: Resolved = { settings: {}, mappings: [], aliases: {} };
  for (const t of list) {
    if (isPlainObject(t.body.settings)) Object.assign(out.settings, flattenSettings(t.body.settings));
    if (t.body.mappings !== undefined) out.mappings.push(normalizeMappings(t.body.mappings as Mappings));
    if (isPlainObject(t.body.aliases)) Object.assign(out.aliases, t.body.aliases);
  }
  return out;
}

/** `{index: {number_of_shards: 1}}`, `{"index.number_of_shards": 1}` and `{number_of_shards: 1}` all mean `index.number_of_shards: "1"`. */
export function flattenSettings(s: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) Object.assign(out, flattenSettings(v, key));
    else if (v === null || v === undefined) continue;
    else out[key.startsWith('index.') || prefix.startsWith('index') ? key : `index.${key}`] = Array.isArray(v) ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** Flat settings back into ES's nested `{ index: {...} }` output. */
export function nestSettings(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.');
    let cur = out;
    for (let i = 0; i < parts.length - 1; i += 1) {
      const p = parts[i] as string;
      if (!isPlainObject(cur[p])) cur[p] = {};
      cur = cur[p] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1] as string;
    let value: unknown = v;
    if (v.startsWith('[')) {
      try {
        value = JSON.parse(v);
      } catch {
        value = v;
      }
    }
    cur[last] = value;
  }
  return out;
}

export function parseLegacy(name: string, body: Record<string, unknown>): LegacyTemplate {
  if (!isPlainObject(body)) throw actionValidation('index patterns are missing');
  const patterns = patternsOf(body.index_patterns ?? body.template);
  if (patterns.length === 0) throw actionValidation('index patterns are missing');
  for (const k of Object.keys(body)) {
    if (!['index_patterns', 'template', 'order', 'settings', 'mappings', 'aliases', 'version'].includes(k)) {
      throw illegalArgument(`unknown key [${k}] in the template `);
    }
  }
  if (body.mappings !== undefined) new MappingState(normalizeMappings(body.mappings as Mappings));
  return { name, body: structuredClone(body), patterns, order: typeof body.order === 'number' ? body.order : 0 };
}
