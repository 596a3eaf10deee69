import { EsError } from '../engine/api';
import { isPlainObject, tokenName } from '../engine/errors';
import { compilePainless, type CompiledPainless } from '../script/painless';
import { causeOf, parseError } from './errors';
import type { WatcherFlavour } from './flavours';
import { parseTrigger, type Schedule } from './schedule';
import { formatTimeValue, parseTimeValue } from './time';

/**
 * Parses and validates a watch as ES' `WatchParser` does, with its exact parse errors
 * (ES-WATCHER-REFERENCE §2, §11.2), and builds the normalised form ES stores and GET returns
 * (`Watch.toXContent`, §2.3): key order trigger, input, condition, transform,
 * throttle_period_in_millis, actions, metadata; search requests with `search_type`,
 * `rest_total_hits_as_int`; scripts with `lang`; email `to` as a list.
 */

export interface ScriptDef {
  source: string;
  params: Record<string, unknown>;
  compiled: CompiledPainless;
  json: Record<string, unknown>;
}

export interface SearchRequestDef {
  indices: string[];
  searchType: string;
  body?: Record<string, unknown>;
  template?: { source?: unknown; id?: string; params: Record<string, unknown> };
  indicesOptions?: Record<string, unknown>;
  restTotalHitsAsInt: boolean;
  types?: string[];
  json: Record<string, unknown>;
}

export type InputDef =
  | { type: 'none' }
  | { type: 'simple'; payload: Record<string, unknown> }
  | { type: 'search'; request: SearchRequestDef; extract?: string[]; timeoutMs?: number }
  | { type: 'chain'; inputs: [string, InputDef][] };

export type CompareOp = 'eq' | 'not_eq' | 'lt' | 'lte' | 'gt' | 'gte';

export type ConditionDef =
  | { type: 'always' }
  | { type: 'never' }
  | { type: 'compare'; path: string; op: CompareOp; value: unknown }
  | { type: 'array_compare'; arrayPath: string; path: string; op: CompareOp; value: unknown; quantifier: 'some' | 'all' }
  | { type: 'script'; script: ScriptDef };

export type TransformDef = { type: 'script'; script: ScriptDef } | { type: 'search'; request: SearchRequestDef; timeoutMs?: number } | { type: 'chain'; transforms: TransformDef[] };

export interface ActionDef {
  id: string;
  type: string;
  condition?: ConditionDef;
  transform?: TransformDef;
  throttlePeriodMs?: number;
  /** The normalised action body (`{"to": [...], "subject": ...}` for email). */
  body: Record<string, unknown>;
  /** The action as GET returns it (`ActionWrapper.toXContent`). */
  json: Record<string, unknown>;
}

export interface ParsedWatch {
  id: string;
  schedule: Schedule;
  input: InputDef;
  condition: ConditionDef;
  transform?: TransformDef;
  throttlePeriodMs?: number;
  actions: ActionDef[];
  metadata?: Record<string, unknown>;
  /** What ES stores and GET returns under `watch`. */
  json: Record<string, unknown>;
}

export interface ParseOptions {
  flavour: WatcherFlavour;
  /** Deprecation warnings ES would send as `Warning` headers. */
  warn: (message: string) => void;
}

const TOP_LEVEL = new Set(['trigger', 'input', 'condition', 'transform', 'actions', 'metadata', 'throttle_period', 'throttle_period_in_millis', 'status']);
const COMPARE_OPS = new Set<CompareOp>(['eq', 'not_eq', 'lt', 'lte', 'gt', 'gte']);
const ACTION_TYPES = new Set(['email', 'logging', 'index', 'webhook', 'slack', 'pagerduty', 'jira']);

function tokenOf(v: unknown): string {
  return tokenName(v);
}

export function parseWatch(id: string, body: unknown, opts: ParseOptions): ParsedWatch {
  if (!isPlainObject(body)) throw parseError(`could not parse watch [${id}]. expected an object but found [${tokenOf(body)}] instead`);
  let schedule: Schedule | undefined;
  let input: InputDef = { type: 'none' };
  let inputJson: Record<string, unknown> = { none: {} };
  let condition: ConditionDef = { type: 'always' };
  let conditionJson: Record<string, unknown> = { always: {} };
  let transform: { def: TransformDef; json: Record<string, unknown> } | undefined;
  let throttlePeriodMs: number | undefined;
  let actionsSpec: unknown;
  let metadata: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (!TOP_LEVEL.has(key)) throw parseError(`could not parse watch [${id}]. unexpected field [${key}]`);
    switch (key) {
      case 'trigger':
        schedule = parseTrigger(id, value);
        break;
      case 'input': {
        const r = parseInput(id, value, opts);
        input = r.def;
        inputJson = r.json;
        break;
      }
      case 'condition': {
        const r = parseCondition(id, value);
        condition = r.def;
        conditionJson = r.json;
        break;
      }
      case 'transform':
        transform = parseTransform(id, value, opts);
        break;
      case 'throttle_period':
      case 'throttle_period_in_millis': {
        const ms = parseTimeValue(value);
        if (ms === undefined) throw parseError(`could not parse watch [${id}]. failed to parse time value for field [${key}]`);
        throttlePeriodMs = ms;
        break;
      }
      case 'actions':
        actionsSpec = value;
        break;
      case 'metadata':
        if (value !== null && !isPlainObject(value)) throw parseError(`could not parse watch [${id}]. expected an object for field [metadata] but found [${tokenOf(value)}] instead`);
        if (isPlainObject(value)) metadata = structuredClone(value);
        break;
      case 'status':
        // Ignored on PUT: the status is the cluster's, not the author's.
        break;
    }
  }
  if (!schedule) throw parseError(`could not parse watch [${id}]. missing required field [trigger]`);
  const actions = parseActions(id, actionsSpec, opts);
  const json: Record<string, unknown> = { trigger: { schedule: schedule.json }, input: inputJson, condition: conditionJson };
  if (transform) json.transform = transform.json;
  if (throttlePeriodMs !== undefined) json.throttle_period_in_millis = throttlePeriodMs;
  json.actions = Object.fromEntries(actions.map((a) => [a.id, a.json]));
  if (metadata) json.metadata = metadata;
  const out: ParsedWatch = { id, schedule, input, condition, actions, json };
  if (transform) out.transform = transform.def;
  if (throttlePeriodMs !== undefined) out.throttlePeriodMs = throttlePeriodMs;
  if (metadata) out.metadata = metadata;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Inputs

function singleKey(what: string, id: string, v: unknown): [string, unknown] {
  if (!isPlainObject(v)) throw parseError(`could not parse ${what} for watch [${id}]. expected an object representing the ${what}, but found [${tokenOf(v)}] instead`);
  const entries = Object.entries(v);
  if (entries.length === 0) throw parseError(`could not parse ${what} for watch [${id}]. expected field indicating the ${what} type, but found an empty object instead`);
  if (entries.length > 1) throw parseError(`could not parse ${what} for watch [${id}]. expected an object with a single ${what} type, but found [${entries.map(([k]) => k).join(', ')}]`);
  return entries[0] as [string, unknown];
}

function parseInput(id: string, spec: unknown, opts: ParseOptions): { def: InputDef; json: Record<string, unknown> } {
  const [type, value] = singleKey('input', id, spec);
  switch (type) {
    case 'none':
      return { def: { type: 'none' }, json: { none: {} } };
    case 'simple':
      if (!isPlainObject(value)) throw parseError(`could not parse [simple] input for watch [${id}]. expected an object but found [${tokenOf(value)}] instead`);
      return { def: { type: 'simple', payload: structuredClone(value) }, json: { simple: structuredClone(value) } };
    case 'search': {
      if (!isPlainObject(value)) throw parseError(`could not parse [search] input for watch [${id}]. expected an object but found [${tokenOf(value)}] instead`);
      let request: SearchRequestDef | undefined;
      let extract: string[] | undefined;
      let timeoutMs: number | undefined;
      for (const [k, v] of Object.entries(value)) {
        if (k === 'request') {
          try {
            request = parseSearchRequest(v, opts);
          } catch (e) {
            if (e instanceof EsError) throw parseError(`could not parse [search] input for watch [${id}]. failed to parse [request]`, causeOf(e));
            throw e;
          }
        } else if (k === 'extract') {
          if (!Array.isArray(v)) throw parseError(`could not parse [search] input for watch [${id}]. expected an array for [extract] but found [${tokenOf(v)}] instead`);
          extract = v.map(String);
        } else if (k === 'timeout' || k === 'timeout_in_millis') {
          const ms = parseTimeValue(v);
          if (ms === undefined) throw parseError(`could not parse [search] input for watch [${id}]. failed to parse time value for field [${k}]`);
          timeoutMs = ms;
        } else {
          throw parseError(`could not parse [search] input for watch [${id}]. unexpected token [${k}]`);
        }
      }
      if (!request) throw parseError(`could not parse [search] input for watch [${id}]. missing required [request] field`);
      const json: Record<string, unknown> = { request: request.json };
      if (extract) json.extract = extract;
      if (timeoutMs !== undefined) json.timeout_in_millis = timeoutMs;
      const def: InputDef = { type: 'search', request };
      if (extract) def.extract = extract;
      if (timeoutMs !== undefined) def.timeoutMs = timeoutMs;
      return { def, json: { search: json } };
    }
    case 'chain': {
      const inputs = isPlainObject(value) ? value.inputs : undefined;
      if (!Array.isArray(inputs)) throw parseError(`could not parse [chain] input for watch [${id}]. expected an array for field [inputs]`);
      const parsed: [string, InputDef][] = [];
      const json: Record<string, unknown>[] = [];
      for (const item of inputs) {
        const [name, inner] = singleKey('input', id, item);
        const r = parseInput(id, inner, opts);
        parsed.push([name, r.def]);
        json.push({ [name]: r.json });
      }
      return { def: { type: 'chain', inputs: parsed }, json: { chain: { inputs: json } } };
    }
    case 'http':
      throw parseError(`could not parse input for watch [${id}]. the practice cluster does not run [http] inputs: they would reach the network; use a [search] input`);
    default:
      throw parseError(`could not parse input for watch [${id}]. unknown input type [${type}]`);
  }
}

/** `WatcherSearchTemplateRequest.fromXContent` with its errors, and the form `toXContent` writes. */
function parseSearchRequest(spec: unknown, opts: ParseOptions): SearchRequestDef {
  if (!isPlainObject(spec)) throw parseError(`could not read search request. expected an object but found [${tokenOf(spec)}] instead`);
  let indices: string[] = [];
  let types: string[] | undefined;
  let searchType = 'query_then_fetch';
  let body: Record<string, unknown> | undefined;
  let template: SearchRequestDef['template'];
  let indicesOptions: Record<string, unknown> | undefined;
  let restTotalHitsAsInt = true;
  for (const [k, v] of Object.entries(spec)) {
    const kind = Array.isArray(v) ? 'array' : isPlainObject(v) ? 'object' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'number' : 'null';
    if (k === 'indices' && (kind === 'array' || kind === 'string')) {
      indices = kind === 'array' ? (v as unknown[]).map(String) : String(v).split(',').map((s) => s.trim()).filter(Boolean);
    } else if (k === 'types' && (kind === 'array' || kind === 'string')) {
      const list = kind === 'array' ? (v as unknown[]).map(String) : String(v).split(',').map((s) => s.trim()).filter(Boolean);
      if (opts.flavour.types === 'refuse') throw parseError(`could not read search request. unexpected ${kind} field [types]`);
      if (opts.flavour.types === 'empty-only') {
        if (list.length > 0) throw parseError('could not read search request. unsupported non-empty array field [types]');
        opts.warn('[types removal] Specifying empty types array in a watcher search request is deprecated.');
      } else {
        if (list.length > 0) opts.warn('[types removal] Specifying types in a watcher search request is deprecated.');
        types = list;
      }
    } else if (k === 'search_type' && kind === 'string') {
      const t = String(v).toLowerCase();
      if (t !== 'query_then_fetch' && t !== 'dfs_query_then_fetch') throw new EsError(400, 'illegal_argument_exception', `No search type for [${String(v)}]`);
      searchType = t;
    } else if (k === 'body' && kind === 'object') {
      body = structuredClone(v as Record<string, unknown>);
    } else if (k === 'template' && kind === 'object') {
      const t = v as Record<string, unknown>;
      const source = t.source ?? t.inline;
      if (source === undefined && typeof t.id !== 'string') throw parseError('could not read search request. template must specify either [source] or [id]');
      if (typeof t.id === 'string') throw new EsError(404, 'resource_not_found_exception', `unable to find script [${t.id}] in cluster state`);
      template = { source, params: isPlainObject(t.params) ? structuredClone(t.params) : {} };
    } else if (k === 'indices_options' && kind === 'object') {
      indicesOptions = structuredClone(v as Record<string, unknown>);
    } else if (k === 'rest_total_hits_as_int' && kind === 'boolean') {
      restTotalHitsAsInt = v as boolean;
    } else {
      throw parseError(`could not read search request. unexpected ${kind} field [${k}]`);
    }
  }
  const json: Record<string, unknown> = { search_type: searchType, indices };
  if (types !== undefined) json.types = types;
  if (indicesOptions) json.indices_options = indicesOptions;
  json.rest_total_hits_as_int = restTotalHitsAsInt;
  if (body) json.body = body;
  if (template) json.template = { source: template.source, lang: 'mustache', params: template.params };
  const def: SearchRequestDef = { indices, searchType, restTotalHitsAsInt, json };
  if (types !== undefined) def.types = types;
  if (body) def.body = body;
  if (template) def.template = template;
  if (indicesOptions) def.indicesOptions = indicesOptions;
  return def;
}

// ---------------------------------------------------------------------------------------------
// Scripts, conditions and transforms

/** `Script.parse` plus compilation (ES compiles watch scripts when the watch is parsed). */
export function parseScript(spec: unknown, wrap: (cause: EsError) => EsError): ScriptDef {
  let source: string;
  let params: Record<string, unknown> = {};
  if (typeof spec === 'string') {
    source = spec;
  } else if (isPlainObject(spec)) {
    for (const k of Object.keys(spec)) {
      if (!['source', 'inline', 'id', 'lang', 'params', 'options'].includes(k)) throw wrap(parseError(`[script] unknown field [${k}]`));
    }
    if (typeof spec.id === 'string') throw new EsError(404, 'resource_not_found_exception', `unable to find script [${spec.id}] in cluster state`);
    const s = spec.source ?? spec.inline;
    if (typeof s !== 'string') throw wrap(parseError('must specify either [source] for an inline script or [id] for a stored script'));
    if (spec.lang !== undefined && spec.lang !== 'painless') {
      throw new EsError(400, 'illegal_argument_exception', spec.lang === 'mustache' || spec.lang === 'expression' ? `script_lang [${String(spec.lang)}] cannot be used here: the practice cluster runs watch scripts in [painless]` : `script_lang not supported [${String(spec.lang)}]`);
    }
    source = s;
    if (spec.params !== undefined) {
      if (!isPlainObject(spec.params)) throw wrap(parseError(`[script] params must be an object but found [${tokenOf(spec.params)}]`));
      params = structuredClone(spec.params);
    }
  } else {
    throw wrap(parseError(`expected a script value (a string or an object) but found [${tokenOf(spec)}]`));
  }
  const compiled = compilePainless(source);
  const json: Record<string, unknown> = { source, lang: 'painless' };
  if (Object.keys(params).length > 0) json.params = params;
  return { source, params, compiled, json };
}

export function parseCondition(id: string, spec: unknown): { def: ConditionDef; json: Record<string, unknown> } {
  const [type, value] = singleKey('condition', id, spec);
  switch (type) {
    case 'always':
    case 'never':
      if (!isPlainObject(value) || Object.keys(value).length > 0) throw parseError(`could not parse [${type}] condition for watch [${id}]. expected an empty object but found [${isPlainObject(value) ? Object.keys(value)[0] : tokenOf(value)}]`);
      return { def: { type }, json: { [type]: {} } };
    case 'compare': {
      if (!isPlainObject(value)) throw parseError(`could not parse [compare] condition for watch [${id}]. expected an object but found [${tokenOf(value)}] instead`);
      const entries = Object.entries(value);
      if (entries.length !== 1) throw parseError(`could not parse [compare] condition for watch [${id}]. expected exactly one field indicating the compared path, but found [${entries.length}]`);
      const [path, opSpec] = entries[0] as [string, unknown];
      if (!isPlainObject(opSpec) || Object.keys(opSpec).length !== 1) throw parseError(`could not parse [compare] condition for watch [${id}]. expected an object for field [${path}] but found [${tokenOf(opSpec)}] instead`);
      const [opName, compared] = Object.entries(opSpec)[0] as [string, unknown];
      const op = opName.toLowerCase() as CompareOp;
      if (!COMPARE_OPS.has(op)) throw parseError(`could not parse [compare] condition for watch [${id}]. unknown comparison operator [${opName}]`);
      if (op !== 'eq' && op !== 'not_eq' && compared !== null && typeof compared === 'object') {
        throw parseError(`could not parse [compare] condition for watch [${id}]. compared value for [${path}] with operation [${op}] must either be a numeric, string, boolean or null value, but found [${tokenOf(compared)}] instead`);
      }
      return { def: { type: 'compare', path, op, value: structuredClone(compared) }, json: { compare: { [path]: { [op]: structuredClone(compared) } } } };
    }
    case 'array_compare': {
      if (!isPlainObject(value)) throw parseError(`could not parse [array_compare] condition for watch [${id}]. expected an object but found [${tokenOf(value)}] instead`);
      const entries = Object.entries(value);
      if (entries.length !== 1) throw parseError(`could not parse [array_compare] condition for watch [${id}]. expected a field indicating the compared path, but found [${entries.length}]`);
      const [arrayPath, specObj] = entries[0] as [string, unknown];
      if (!isPlainObject(specObj)) throw parseError(`could not parse [array_compare] condition for watch [${id}]. expected an object for field [${arrayPath}] but found [${tokenOf(specObj)}] instead`);
      let path = '';
      let op: CompareOp | undefined;
      let compared: unknown = null;
      let quantifier: 'some' | 'all' = 'some';
      for (const [k, v] of Object.entries(specObj)) {
        if (k === 'path') {
          path = String(v);
          continue;
        }
        const candidate = k.toLowerCase() as CompareOp;
        if (!COMPARE_OPS.has(candidate)) throw parseError(`could not parse [array_compare] condition for watch [${id}]. unknown comparison operator [${k}]`);
        op = candidate;
        if (!isPlainObject(v)) throw parseError(`could not parse [array_compare] condition for watch [${id}]. expected an object for field [${candidate}] but found [${tokenOf(v)}] instead`);
        for (const [f, fv] of Object.entries(v)) {
          if (f === 'value') {
            if (candidate !== 'eq' && candidate !== 'not_eq' && fv !== null && typeof fv === 'object') {
              throw parseError(`could not parse [array_compare] condition for watch [${id}]. compared value for [${path}] with operation [${candidate}] must either be a numeric, string, boolean or null value, but found [${tokenOf(fv)}] instead`);
            }
            compared = structuredClone(fv);
          } else if (f === 'quantifier') {
            const q = String(fv).toLowerCase();
            if (q !== 'some' && q !== 'all') throw parseError(`could not parse [array_compare] condition for watch [${id}]. unknown comparison quantifier [${String(fv)}]`);
            quantifier = q;
          } else {
            throw parseError(`could not parse [array_compare] condition for watch [${id}]. expected a field indicating the comparison value or comparison quantifier, but found [${f}] instead`);
          }
        }
      }
      if (!op) throw parseError(`could not parse [array_compare] condition for watch [${id}]. missing comparison operator`);
      return {
        def: { type: 'array_compare', arrayPath, path, op, value: compared, quantifier },
        json: { array_compare: { [arrayPath]: { path, [op]: { value: compared, quantifier } } } },
      };
    }
    case 'script': {
      const script = parseScript(value, (cause) => parseError(`could not parse [script] condition for watch [${id}]. failed to parse script`, causeOf(cause)));
      return { def: { type: 'script', script }, json: { script: script.json } };
    }
    default:
      throw parseError(`could not parse condition for watch [${id}]. unknown condition type [${type}]`);
  }
}

function parseTransform(id: string, spec: unknown, opts: ParseOptions): { def: TransformDef; json: Record<string, unknown> } {
  const [type, value] = singleKey('transform', id, spec);
  switch (type) {
    case 'script': {
      const script = parseScript(value, (cause) => parseError(`could not parse [script] transform for watch [${id}]. failed to parse script`, causeOf(cause)));
      return { def: { type: 'script', script }, json: { script: script.json } };
    }
    case 'search': {
      if (!isPlainObject(value)) throw parseError(`could not parse [search] transform for watch [${id}]. expected an object but found [${tokenOf(value)}] instead`);
      let request: SearchRequestDef | undefined;
      let timeoutMs: number | undefined;
      for (const [k, v] of Object.entries(value)) {
        if (k === 'request') {
          try {
            request = parseSearchRequest(v, opts);
          } catch (e) {
            if (e instanceof EsError) throw parseError(`could not parse [search] transform for watch [${id}]. failed to parse [request]`, causeOf(e));
            throw e;
          }
        } else if (k === 'timeout' || k === 'timeout_in_millis') {
          timeoutMs = parseTimeValue(v);
        } else {
          throw parseError(`could not parse [search] transform for watch [${id}]. unexpected field [${k}]`);
        }
      }
      if (!request) throw parseError(`could not parse [search] transform for watch [${id}]. missing required [request] field`);
      const json: Record<string, unknown> = { request: request.json };
      if (timeoutMs !== undefined) json.timeout_in_millis = timeoutMs;
      const def: TransformDef = { type: 'search', request };
      if (timeoutMs !== undefined) def.timeoutMs = timeoutMs;
      return { def, json: { search: json } };
    }
    case 'chain': {
      if (!Array.isArray(value)) throw parseError(`could not parse [chain] transform for watch [${id}]. expected an array but found [${tokenOf(value)}] instead`);
      const parsed = value.map((t) => parseTransform(id, t, opts));
      return { def: { type: 'chain', transforms: parsed.map((p) => p.def) }, json: { chain: parsed.map((p) => p.json) } };
    }
    default:
      throw parseError(`could not parse transform for watch [${id}], unknown transform type [${type}]`);
  }
}

// ---------------------------------------------------------------------------------------------
// Actions

function parseActions(id: string, spec: unknown, opts: ParseOptions): ActionDef[] {
  if (spec === undefined || spec === null) return [];
  if (!isPlainObject(spec)) throw parseError(`could not parse actions for watch [${id}]. expected an object but found [${tokenOf(spec)}] instead`);
  return Object.entries(spec).map(([actionId, a]) => parseAction(id, actionId, a, opts));
}

function parseAction(watchId: string, actionId: string, spec: unknown, opts: ParseOptions): ActionDef {
  if (!isPlainObject(spec)) throw parseError(`could not parse action [${watchId}/${actionId}]. expected an object but found [${tokenOf(spec)}] instead`);
  let condition: { def: ConditionDef; json: Record<string, unknown> } | undefined;
  let transform: { def: TransformDef; json: Record<string, unknown> } | undefined;
  let throttlePeriodMs: number | undefined;
  let type: string | undefined;
  let body: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'condition') condition = parseCondition(watchId, v);
    else if (k === 'transform') transform = parseTransform(watchId, v, opts);
    else if (k === 'throttle_period' || k === 'throttle_period_in_millis') {
      const ms = parseTimeValue(v);
      if (ms === undefined) throw parseError(`could not parse action [${watchId}/${actionId}]. failed to parse field [${k}] as time value`);
      throttlePeriodMs = ms;
    } else if (k === 'foreach' || k === 'max_iterations') {
      throw parseError(`could not parse action [${watchId}/${actionId}]. [${k}] is not supported by the practice cluster`);
    } else {
      if (!ACTION_TYPES.has(k)) throw parseError(`could not parse action [${watchId}/${actionId}]. unknown action type [${k}]`);
      type = k;
      body = parseActionBody(watchId, actionId, k, v);
    }
  }
  if (!type || !body) throw parseError(`could not parse watch action [${watchId}/${actionId}]. missing action type`);
  // ActionWrapper.toXContent: throttle period, condition, transform, then the action.
  const json: Record<string, unknown> = {};
  if (throttlePeriodMs !== undefined) json.throttle_period_in_millis = throttlePeriodMs;
  if (condition) json.condition = condition.json;
  if (transform) json.transform = transform.json;
  json[type] = body;
  const def: ActionDef = { id: actionId, type, body, json };
  if (condition) def.condition = condition.def;
  if (transform) def.transform = transform.def;
  if (throttlePeriodMs !== undefined) def.throttlePeriodMs = throttlePeriodMs;
  return def;
}

function textTemplate(watchId: string, actionId: string, field: string, v: unknown): unknown {
  if (typeof v === 'string') return v;
  if (isPlainObject(v) && typeof (v.source ?? v.inline) === 'string') return structuredClone(v);
  throw parseError(`could not parse [${field}] of action [${watchId}/${actionId}]. expected a string template but found [${tokenOf(v)}] instead`);
}

/** The action body as the action's `toXContent` writes it. */
function parseActionBody(watchId: string, actionId: string, type: string, v: unknown): Record<string, unknown> {
  if (!isPlainObject(v)) throw parseError(`could not parse [${type}] action [${watchId}/${actionId}]. expected an object but found [${tokenOf(v)}] instead`);
  const err = (msg: string) => parseError(`failed to parse [${type}] action [${watchId}/${actionId}]. ${msg}`);
  switch (type) {
    case 'logging': {
      for (const k of Object.keys(v)) if (!['text', 'level', 'category'].includes(k)) throw err(`unexpected token [${k}]`);
      if (v.text === undefined) throw err('missing required [text] field');
      const level = v.level === undefined ? 'info' : String(v.level).toLowerCase();
      if (!['error', 'warn', 'info', 'debug', 'trace'].includes(level)) throw err(`unknown logging level [${String(v.level)}]`);
      const out: Record<string, unknown> = {};
      if (v.category !== undefined) out.category = String(v.category);
      out.level = level;
      out.text = textTemplate(watchId, actionId, 'text', v.text);
      return out;
    }
    case 'email': {
      const allowed = ['account', 'profile', 'from', 'reply_to', 'priority', 'to', 'cc', 'bcc', 'subject', 'body', 'attachments', 'attach_data'];
      for (const k of Object.keys(v)) if (!allowed.includes(k)) throw err(`unexpected string field [${k}]`);
      if (v.attachments !== undefined || v.attach_data !== undefined) throw err('attachments are not supported by the practice cluster');
      const out: Record<string, unknown> = {};
      if (v.account !== undefined) out.account = String(v.account);
      if (v.profile !== undefined) {
        const profile = String(v.profile).toLowerCase();
        if (!['standard', 'outlook', 'gmail', 'mac'].includes(profile)) throw err(`unknown email profile [${String(v.profile)}]`);
        out.profile = profile;
      }
      if (v.from !== undefined) out.from = String(v.from);
      for (const k of ['reply_to', 'to', 'cc', 'bcc'] as const) {
        if (v[k] === undefined) continue;
        const list = Array.isArray(v[k]) ? (v[k] as unknown[]) : String(v[k]).split(',');
        out[k] = list.map((x) => String(x).trim()).filter(Boolean);
      }
      if (v.priority !== undefined) out.priority = String(v.priority).toLowerCase();
      if (out.to === undefined && out.cc === undefined && out.bcc === undefined) throw err('missing required [to] field');
      if (v.subject !== undefined) out.subject = textTemplate(watchId, actionId, 'subject', v.subject);
      if (v.body !== undefined) {
        if (typeof v.body === 'string') out.body = { text: v.body };
        else if (isPlainObject(v.body)) {
          const body: Record<string, unknown> = {};
          for (const [bk, bv] of Object.entries(v.body)) {
            if (bk !== 'text' && bk !== 'html') throw err(`unexpected body field [${bk}]`);
            body[bk] = textTemplate(watchId, actionId, `body.${bk}`, bv);
          }
          out.body = body;
        } else throw err(`expected a string or an object for [body] but found [${tokenOf(v.body)}]`);
      }
      return out;
    }
    case 'index': {
      const allowed = ['index', 'doc_id', 'op_type', 'execution_time_field', 'timeout', 'timeout_in_millis', 'refresh'];
      for (const k of Object.keys(v)) if (!allowed.includes(k)) throw err(`unexpected string field [${k}]`);
      const out: Record<string, unknown> = {};
      if (v.index !== undefined) out.index = String(v.index);
      if (v.doc_id !== undefined) out.doc_id = String(v.doc_id);
      if (v.op_type !== undefined) {
        const op = String(v.op_type).toLowerCase();
        if (op !== 'index' && op !== 'create') throw err(`unknown op_type [${String(v.op_type)}]`);
        out.op_type = op;
      }
      if (v.execution_time_field !== undefined) out.execution_time_field = String(v.execution_time_field);
      if (v.timeout !== undefined || v.timeout_in_millis !== undefined) out.timeout_in_millis = parseTimeValue(v.timeout ?? v.timeout_in_millis);
      if (v.refresh !== undefined) out.refresh = String(v.refresh);
      return out;
    }
    case 'webhook': {
      if (v.host === undefined && v.url === undefined) throw err('missing required [host] field');
      const out: Record<string, unknown> = { scheme: String(v.scheme ?? 'http').toLowerCase() };
      for (const [k, x] of Object.entries(v)) if (k !== 'scheme' && k !== 'method') out[k] = structuredClone(x);
      out.method = String(v.method ?? 'get').toLowerCase();
      return out;
    }
    default:
      return structuredClone(v);
  }
}

/** `throttle_period` as ES prints it in a throttling reason. */
export function throttleText(ms: number): string {
  return formatTimeValue(ms);
}
