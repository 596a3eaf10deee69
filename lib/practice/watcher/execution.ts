import { randomUUID } from 'node:crypto';
import type { Engine, SearchParams } from '../engine/api';
import { EsError } from '../engine/api';
import { resolveDateMath } from '../engine/dates';
import { esErrorBody, isPlainObject } from '../engine/errors';
import { JavaDate } from '../script/painless';
import { PainlessRuntimeError, runtimeScriptException } from '../script/painless/errors';
import type { WatcherFlavour } from './flavours';
import { renderJsonTemplate, renderTemplate } from './mustache';
import { onActionResult, onCheck, statusJson, type WatchStatus } from './status';
import { esDate, formatTimeValue, isoDateTime } from './time';
import type { ActionDef, CompareOp, ConditionDef, InputDef, ParsedWatch, ScriptDef, SearchRequestDef, TransformDef } from './watch-parser';

/**
 * One watch execution, step for step as ES' `ExecutionService.executeInner` (ES-WATCHER-REFERENCE
 * §8): input (or `alternative_input`) → condition (or `always` when `ignore_condition`) → when met,
 * the watch transform (if there are actions) and each action (throttle → action condition →
 * action transform → action). It returns the watch record (`WatchRecord.toXContent`) and updates
 * the status it was given; the caller decides whether that status and record are kept.
 */

export type ActionMode = 'simulate' | 'force_simulate' | 'execute' | 'force_execute' | 'skip';

export interface MailboxEntry {
  watch_id: string;
  action_id: string;
  to: string[];
  subject: string;
  body: string;
  sent_at: string;
}

export interface LoggedEntry {
  watch_id: string;
  action_id: string;
  level: string;
  text: string;
  logged_at: string;
}

export interface WebhookEntry {
  watch_id: string;
  action_id: string;
  request: Record<string, unknown>;
  recorded_at: string;
}

export interface ExecutionEnv {
  engine: Engine;
  flavour: WatcherFlavour;
  nodeId: string;
  user: string;
  now: () => number;
  /** False on a licence that does not allow actions: they are throttled, as after a licence expiry. */
  actionsAllowed: boolean;
  defaultThrottleMs: number;
  deliver(mail: MailboxEntry): void;
  log(entry: LoggedEntry): void;
  webhook(entry: WebhookEntry): void;
}

export interface TriggerEvent {
  type: 'schedule' | 'manual';
  triggeredTime: number;
  scheduledTime: number;
}

export interface ExecutionRequest {
  watch: ParsedWatch;
  /** Updated in place: onCheck, action results, execution state. */
  status: WatchStatus;
  version: number;
  trigger: TriggerEvent;
  ignoreCondition?: boolean;
  alternativeInput?: Record<string, unknown>;
  /** Manual executions only; scheduled runs execute every action. */
  actionModes?: Record<string, ActionMode>;
}

export interface ExecutionOutcome {
  id: string;
  state: string;
  record: Record<string, unknown>;
  conditionMet: boolean | undefined;
}

/** The practice mail account's name in action results. */
export const PRACTICE_EMAIL_ACCOUNT = 'practice-mailbox';

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** `ObjectPath.eval`: dotted keys through maps, numeric indexes through lists. */
export function evalPath(path: string, model: unknown): unknown {
  if (path === '') return model;
  let cur: unknown = model;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return null;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part)) return null;
      cur = cur[Number(part)];
    } else if (isPlainObject(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : null;
    } else return null;
  }
  return cur === undefined ? null : cur;
}

function errorBody(e: unknown): Record<string, unknown> {
  if (e instanceof EsError) return esErrorBody(e);
  const reason = e instanceof Error ? e.message : String(e);
  return { root_cause: [{ type: 'exception', reason }], type: 'exception', reason };
}

/** An exception as `ElasticsearchException.toXContent` writes it into a failed record's `exception`. */
function exceptionBody(e: unknown): Record<string, unknown> {
  if (e instanceof EsError) {
    const out: Record<string, unknown> = { type: e.type, reason: e.reason, ...e.extra };
    if (e.causedBy) out.caused_by = e.causedBy;
    return out;
  }
  return { type: 'exception', reason: e instanceof Error ? e.message : String(e) };
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

interface Ctx {
  wid: string;
  watch: ParsedWatch;
  executionTime: number;
  trigger: TriggerEvent;
  payload: Record<string, unknown>;
  vars: Record<string, unknown>;
  mailCounter: number;
}

/** `Variables.createCtxParamsMap`: what scripts and templates see as `ctx`. */
function ctxModel(c: Ctx, payload: Record<string, unknown> = c.payload): Record<string, unknown> {
  return {
    ctx: {
      id: c.wid,
      watch_id: c.watch.id,
      execution_time: new JavaDate(c.executionTime),
      trigger: { triggered_time: new JavaDate(c.trigger.triggeredTime), scheduled_time: new JavaDate(c.trigger.scheduledTime) },
      metadata: c.watch.metadata ? clone(c.watch.metadata) : null,
      payload: clone(payload),
      vars: c.vars,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Search (input and transform)

function renderRequest(req: SearchRequestDef, model: Record<string, unknown>): { body: Record<string, unknown> | undefined; json: Record<string, unknown> } {
  let body: Record<string, unknown> | undefined;
  try {
    if (req.body) body = renderJsonTemplate(req.body, model) as Record<string, unknown>;
    else if (req.template) {
      const source = typeof req.template.source === 'string' ? req.template.source : JSON.stringify(req.template.source);
      const rendered = renderTemplate(source, { ...req.template.params, ...model }, 'json');
      body = JSON.parse(rendered) as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof SyntaxError) throw new EsError(400, 'parse_exception', `failed to parse the rendered search request: ${e.message}`);
    throw e;
  }
  const json: Record<string, unknown> = { ...req.json };
  if (body) json.body = body;
  if (req.template) delete json.template;
  return { body, json };
}

function runSearch(env: ExecutionEnv, req: SearchRequestDef, body: Record<string, unknown> | undefined): Record<string, unknown> {
  const params: SearchParams = { restTotalHitsAsInt: req.restTotalHitsAsInt };
  const o = req.indicesOptions;
  if (o) {
    if (o.ignore_unavailable !== undefined) params.ignoreUnavailable = String(o.ignore_unavailable) === 'true';
    if (o.allow_no_indices !== undefined) params.allowNoIndices = String(o.allow_no_indices) === 'true';
    if (o.expand_wildcards !== undefined) params.expandWildcards = Array.isArray(o.expand_wildcards) ? o.expand_wildcards.join(',') : String(o.expand_wildcards);
  }
  const target = req.indices.length > 0 ? req.indices.join(',') : undefined;
  return clone(env.engine.search(target, body, params));
}

/** `extract`: keeps only the listed dotted paths of the payload. */
function extractPaths(payload: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    const v = evalPath(p, payload);
    if (v === null) continue;
    const parts = p.split('.');
    let cur = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) cur[part] = v;
      else cur = (cur[part] = isPlainObject(cur[part]) ? cur[part] : {}) as Record<string, unknown>;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Input

interface InputResult {
  json: Record<string, unknown>;
  ok: boolean;
  payload: Record<string, unknown>;
}

function runInput(env: ExecutionEnv, c: Ctx, input: InputDef): InputResult {
  switch (input.type) {
    case 'none':
      return { ok: true, payload: {}, json: { type: 'none', status: 'success', payload: {} } };
    case 'simple':
      return { ok: true, payload: clone(input.payload), json: { type: 'simple', status: 'success', payload: clone(input.payload) } };
    case 'search': {
      let rendered: Record<string, unknown> = clone(input.request.json);
      try {
        const r = renderRequest(input.request, ctxModel(c));
        rendered = r.json;
        let payload = runSearch(env, input.request, r.body);
        if (input.extract) payload = extractPaths(payload, input.extract);
        return { ok: true, payload, json: { type: 'search', status: 'success', payload: clone(payload), search: { request: rendered } } };
      } catch (e) {
        return { ok: false, payload: {}, json: { type: 'search', status: 'failure', error: errorBody(e), search: { request: rendered } } };
      }
    }
    case 'chain': {
      const payload: Record<string, unknown> = {};
      const results: Record<string, unknown>[] = [];
      for (const [name, inner] of input.inputs) {
        // Later inputs template on what earlier ones returned (`ctx.payload.first`).
        const r = runInput(env, { ...c, payload }, inner);
        results.push({ [name]: r.json });
        if (!r.ok) return { ok: false, payload: {}, json: { type: 'chain', status: 'failure', error: { type: 'exception', reason: `input [${name}] of the chain failed` }, chain: results } };
        payload[name] = r.payload;
      }
      return { ok: true, payload, json: { type: 'chain', status: 'success', payload: clone(payload), chain: results } };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Conditions

/** `LenientCompare.compare`: the configured value's type decides how the actual value is read. */
function lenientCompare(actual: unknown, configured: unknown): number | undefined {
  if (actual === undefined) actual = null;
  if (configured === undefined) configured = null;
  if (actual === configured) return 0;
  if (actual === null || configured === null) return undefined;
  if (Number.isNaN(actual) || Number.isNaN(configured)) return undefined;
  if (typeof configured === 'number') {
    let a: number;
    if (typeof actual === 'number') a = actual;
    else {
      const s = typeof actual === 'string' ? actual.trim() : String(actual);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?(Infinity|NaN)$/.test(s)) return undefined;
      a = Number(s);
    }
    return a > configured ? 1 : a < configured ? -1 : 0;
  }
  if (typeof configured === 'string') {
    const a = typeof actual === 'string' ? actual : JSON.stringify(actual);
    return a < configured ? -1 : a > configured ? 1 : 0;
  }
  if (configured instanceof JavaDate) {
    let ms: number | undefined;
    if (actual instanceof JavaDate) ms = actual.ms;
    else if (typeof actual === 'number') ms = actual;
    else if (typeof actual === 'string') {
      const parsed = Date.parse(actual);
      ms = Number.isNaN(parsed) ? undefined : parsed;
    }
    if (ms === undefined) return undefined;
    return ms > configured.ms ? 1 : ms < configured.ms ? -1 : 0;
  }
  if (typeof actual === 'boolean' && typeof configured === 'boolean') return actual === configured ? 0 : actual ? 1 : -1;
  return undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function compareOp(op: CompareOp, actual: unknown, configured: unknown): boolean {
  if ((op === 'eq' || op === 'not_eq') && (typeof configured === 'object' && configured !== null && !(configured instanceof JavaDate))) {
    return op === 'eq' ? deepEqual(actual, configured) : !deepEqual(actual, configured);
  }
  const c = lenientCompare(actual, configured);
  switch (op) {
    case 'eq':
      return c === 0;
    case 'not_eq':
      return c === undefined || c !== 0;
    case 'gt':
      return c !== undefined && c > 0;
    case 'gte':
      return c !== undefined && c >= 0;
    case 'lt':
      return c !== undefined && c < 0;
    case 'lte':
      return c !== undefined && c <= 0;
  }
}

/** `AbstractCompareCondition.resolveConfiguredValue`: `<{now-5m}>` date math and `{{ctx.path}}`. */
function resolveConfigured(value: unknown, model: Record<string, unknown>, resolved: Record<string, unknown>, now: number): unknown {
  if (typeof value !== 'string') return value;
  const dateMath = /^<\{(.+)\}>$/.exec(value);
  if (dateMath) {
    const expr = dateMath[1] as string;
    const ms = resolveDateMath(expr, { now });
    resolved[expr] = esDate(ms);
    return new JavaDate(ms);
  }
  const path = /^\{\{(.+)\}\}$/.exec(value);
  if (path) {
    const p = path[1] as string;
    const v = evalPath(p, model);
    resolved[p] = v;
    return v;
  }
  return value;
}

function runScript(script: ScriptDef, model: Record<string, unknown>): unknown {
  return script.compiled.executeRaw({ ctx: model.ctx, params: clone(script.params) });
}

/** Runs a condition; throws what ES lets escape (script errors, a non-list array path). */
function runCondition(env: ExecutionEnv, c: Ctx, cond: ConditionDef): { met: boolean; json: Record<string, unknown> } {
  const model = ctxModel(c);
  switch (cond.type) {
    case 'always':
    case 'never': {
      const met = cond.type === 'always';
      return { met, json: { type: cond.type, status: 'success', met } };
    }
    case 'compare': {
      const resolved: Record<string, unknown> = {};
      const configured = resolveConfigured(cond.value, model, resolved, env.now());
      const actual = evalPath(cond.path, model);
      resolved[cond.path] = actual;
      const met = compareOp(cond.op, actual, configured);
      return { met, json: { type: 'compare', status: 'success', met, compare: { resolved_values: resolved } } };
    }
    case 'array_compare': {
      const resolved: Record<string, unknown> = {};
      const configured = resolveConfigured(cond.value, model, resolved, env.now());
      const arr = evalPath(cond.arrayPath, model);
      if (arr !== null && !Array.isArray(arr)) throw new EsError(500, 'illegal_state_exception', `array path ${cond.arrayPath} did not evaluate to array, was ${JSON.stringify(arr)}`);
      const values = (arr ?? []).map((item) => evalPath(cond.path, item));
      resolved[cond.arrayPath] = arr ?? [];
      const met = cond.quantifier === 'all' ? values.every((v) => compareOp(cond.op, v, configured)) : values.some((v) => compareOp(cond.op, v, configured));
      return { met, json: { type: 'array_compare', status: 'success', met, array_compare: { resolved_values: resolved } } };
    }
    case 'script': {
      const out = runScript(cond.script, model);
      if (typeof out !== 'boolean') {
        // WatcherConditionScript.execute() returns a boolean: anything else fails the cast.
        const cause = out === null || out === undefined ? new PainlessRuntimeError('null_pointer_exception', 'Cannot invoke "java.lang.Boolean.booleanValue()" because the return value is null') : new PainlessRuntimeError('class_cast_exception', `Cannot cast ${typeof out === 'number' ? 'java.lang.Integer' : typeof out === 'string' ? 'java.lang.String' : 'java.lang.Object'} to java.lang.Boolean`);
        cause.offset = 0;
        throw runtimeScriptException(cond.script.source, cause, [0]);
      }
      return { met: out, json: { type: 'script', status: 'success', met: out } };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Transforms

interface TransformResult {
  ok: boolean;
  payload: Record<string, unknown>;
  json: Record<string, unknown>;
}

function runTransform(env: ExecutionEnv, c: Ctx, t: TransformDef, payload: Record<string, unknown>): TransformResult {
  switch (t.type) {
    case 'script':
      try {
        const out = t.script.compiled.execute({ ctx: ctxModel(c, payload).ctx, params: clone(t.script.params) });
        // ExecutableScriptTransform: a returned map is the payload, anything else goes under `_value`.
        const next = isPlainObject(out) ? out : { _value: out };
        return { ok: true, payload: next, json: { type: 'script', status: 'success', payload: clone(next) } };
      } catch (e) {
        return { ok: false, payload: {}, json: { type: 'script', status: 'failure', reason: e instanceof EsError ? e.reason : String(e), error: errorBody(e) } };
      }
    case 'search': {
      let rendered: Record<string, unknown> = clone(t.request.json);
      try {
        const r = renderRequest(t.request, ctxModel(c, payload));
        rendered = r.json;
        const next = runSearch(env, t.request, r.body);
        return { ok: true, payload: next, json: { type: 'search', status: 'success', payload: clone(next), search: { request: rendered } } };
      } catch (e) {
        return { ok: false, payload: {}, json: { type: 'search', status: 'failure', reason: e instanceof EsError ? e.reason : String(e), error: errorBody(e), search: { request: rendered } } };
      }
    }
    case 'chain': {
      let current = payload;
      const results: Record<string, unknown>[] = [];
      for (const inner of t.transforms) {
        const r = runTransform(env, c, inner, current);
        results.push(r.json);
        if (!r.ok) return { ok: false, payload: {}, json: { type: 'chain', status: 'failure', reason: 'Failed to execute a transform of the chain', chain: results } };
        current = r.payload;
      }
      return { ok: true, payload: current, json: { type: 'chain', status: 'success', payload: clone(current), chain: results } };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Actions

function renderText(template: unknown, model: Record<string, unknown>): string {
  if (typeof template === 'string') return renderTemplate(template, model);
  if (isPlainObject(template)) {
    const source = String(template.source ?? template.inline ?? '');
    const params = isPlainObject(template.params) ? template.params : {};
    return renderTemplate(source, { ...params, ...model });
  }
  return '';
}

interface ActionOutcome {
  status: string;
  reason?: string;
  json: Record<string, unknown>;
}

const NOTIFICATION_SETTINGS: Record<string, string> = { slack: 'xpack.notification.slack', pagerduty: 'xpack.notification.pagerduty', jira: 'xpack.notification.jira' };

function performAction(env: ExecutionEnv, c: Ctx, a: ActionDef, payload: Record<string, unknown>, simulate: boolean): Record<string, unknown> & { status: string } {
  const model = ctxModel(c, payload);
  const now = env.now();
  const b = a.body;
  switch (a.type) {
    case 'logging': {
      const text = renderText(b.text, model);
      if (!simulate) env.log({ watch_id: c.watch.id, action_id: a.id, level: String(b.level ?? 'info'), text, logged_at: esDate(now) });
      return { status: simulate ? 'simulated' : 'success', logging: { logged_text: text } };
    }
    case 'email': {
      c.mailCounter += 1;
      const message: Record<string, unknown> = { id: `${a.id}_${c.wid}_${c.mailCounter}` };
      if (b.from !== undefined) message.from = renderText(b.from, model);
      if (b.reply_to !== undefined) message.reply_to = (b.reply_to as unknown[]).map((x) => renderText(x, model));
      if (b.priority !== undefined) message.priority = b.priority;
      message.sent_date = esDate(now);
      for (const k of ['to', 'cc', 'bcc'] as const) if (b[k] !== undefined) message[k] = (b[k] as unknown[]).map((x) => renderText(x, model));
      const subject = b.subject === undefined ? undefined : renderText(b.subject, model);
      if (subject !== undefined) message.subject = subject;
      let text: string | undefined;
      let html: string | undefined;
      if (isPlainObject(b.body)) {
        const body: Record<string, unknown> = {};
        if (b.body.text !== undefined) body.text = text = renderText(b.body.text, model);
        if (b.body.html !== undefined) body.html = html = renderText(b.body.html, model);
        message.body = body;
      }
      if (simulate) return { status: 'simulated', email: { message } };
      env.deliver({ watch_id: c.watch.id, action_id: a.id, to: (message.to as string[] | undefined) ?? [], subject: subject ?? '', body: text ?? html ?? '', sent_at: esDate(now) });
      return { status: 'success', email: { account: String(b.account ?? PRACTICE_EMAIL_ACCOUNT), message } };
    }
    case 'index': {
      const source: Record<string, unknown> = clone(payload);
      const docs = Array.isArray(source._doc) ? (source._doc as unknown[]) : [isPlainObject(source._doc) ? source._doc : source];
      const built = docs.map((d) => {
        const doc = isPlainObject(d) ? clone(d) : {};
        const index = String(doc._index ?? b.index ?? '');
        const id = doc._id !== undefined ? String(doc._id) : (b.doc_id as string | undefined);
        delete doc._index;
        delete doc._id;
        if (b.execution_time_field !== undefined) doc[String(b.execution_time_field)] = esDate(c.executionTime);
        return { index, id, doc };
      });
      if (built.some((d) => d.index === '')) {
        return { status: 'failure', error: errorBody(new EsError(400, 'illegal_argument_exception', `failed to execute [index] action for watch [${c.watch.id}]: no index was set`)) };
      }
      if (simulate) {
        const requests = built.map((d) => ({ index: d.index, ...(d.id !== undefined ? { doc_id: d.id } : {}), source: d.doc }));
        return { status: 'simulated', index: { request: requests.length === 1 && !Array.isArray(source._doc) ? requests[0] : requests } };
      }
      const responses = built.map((d) => {
        const r = env.engine.index(d.index, d.doc, { ...(d.id !== undefined ? { id: d.id } : {}), opType: (b.op_type as 'index' | 'create' | undefined) ?? 'index', refresh: b.refresh !== undefined && b.refresh !== 'false' });
        const resp: Record<string, unknown> = { created: r.result === 'created', result: r.result, id: r._id, version: r._version };
        if (r._type) resp.type = r._type;
        resp.index = r._index;
        return resp;
      });
      return { status: 'success', index: { response: Array.isArray(source._doc) ? responses : responses[0] } };
    }
    case 'webhook': {
      const request: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(b)) request[k] = k === 'body' || k === 'path' ? renderText(v, model) : v;
      // The practice cluster never sends a request off the machine: it records it and reports it simulated.
      env.webhook({ watch_id: c.watch.id, action_id: a.id, request, recorded_at: esDate(now) });
      return { status: 'simulated', webhook: { request } };
    }
    default: {
      const setting = NOTIFICATION_SETTINGS[a.type] ?? `xpack.notification.${a.type}`;
      return { status: 'failure', error: errorBody(new EsError(400, 'illegal_argument_exception', `no accounts of type [${a.type}] configured. Please set up an account using the [${setting}] settings`)) };
    }
  }
}

function runAction(env: ExecutionEnv, c: Ctx, req: ExecutionRequest, a: ActionDef): ActionOutcome {
  const mode: ActionMode = req.actionModes ? (req.actionModes._all ?? req.actionModes[a.id] ?? 'simulate') : 'execute';
  const now = env.now();
  const base = { id: a.id, type: a.type };
  if (mode === 'skip') return { status: 'throttled', reason: `action [${a.id}] was skipped`, json: { ...base, status: 'throttled', reason: `action [${a.id}] was skipped` } };
  const force = mode === 'force_simulate' || mode === 'force_execute';
  const status = req.status.actions[a.id];
  if (!force) {
    // ActionThrottler: licence, then the period since the last successful run, then acknowledgement.
    let throttle: { status: string; reason: string } | undefined;
    const period = a.throttlePeriodMs ?? req.watch.throttlePeriodMs ?? env.defaultThrottleMs;
    if (!env.actionsAllowed) throttle = { status: 'throttled', reason: 'watcher license does not allow action execution' };
    else if (status?.lastSuccessfulExecution && now - status.lastSuccessfulExecution.timestamp <= period) {
      throttle = { status: 'throttled', reason: `throttling interval is set to [${formatTimeValue(period)}] but time elapsed since last execution is [${formatTimeValue(now - status.lastSuccessfulExecution.timestamp)}]` };
    } else if (status?.ack.state === 'acked') {
      throttle = { status: 'acknowledged', reason: `action [${a.id}] was acked at [${esDate(status.ack.timestamp)}]` };
    }
    if (throttle) return { ...throttle, json: { ...base, status: throttle.status, reason: throttle.reason } };
  }
  let conditionJson: Record<string, unknown> | undefined;
  if (a.condition) {
    try {
      const r = runCondition(env, c, a.condition);
      conditionJson = r.json;
      if (!r.met) {
        if (status) status.ack = { timestamp: now, state: 'awaits_successful_execution' };
        const reason = 'condition not met. skipping';
        return { status: 'condition_failed', reason, json: { ...base, status: 'condition_failed', condition: conditionJson, reason } };
      }
    } catch (e) {
      const reason = `condition failed. skipping: ${e instanceof Error ? e.message : String(e)}`;
      return { status: 'condition_failed', reason, json: { ...base, status: 'condition_failed', reason } };
    }
  }
  let payload = c.payload;
  let transformJson: Record<string, unknown> | undefined;
  if (a.transform) {
    const r = runTransform(env, c, a.transform, payload);
    transformJson = r.json;
    if (!r.ok) {
      const reason = 'Failed to transform payload';
      const json: Record<string, unknown> = { ...base, status: 'failure' };
      if (conditionJson) json.condition = conditionJson;
      json.transform = transformJson;
      json.reason = reason;
      return { status: 'failure', reason, json };
    }
    payload = r.payload;
  }
  const simulate = mode === 'simulate' || mode === 'force_simulate';
  let result: Record<string, unknown> & { status: string };
  try {
    result = performAction(env, c, a, payload, simulate);
  } catch (e) {
    result = { status: 'failure', error: errorBody(e) };
  }
  const { status: resultStatus, ...rest } = result;
  const json: Record<string, unknown> = { ...base, status: resultStatus };
  if (conditionJson) json.condition = conditionJson;
  if (transformJson) json.transform = transformJson;
  Object.assign(json, rest);
  // A failure carrying an exception leaves an empty reason in the action status (ActionStatus.update).
  return { status: resultStatus, reason: typeof rest.reason === 'string' ? rest.reason : '', json };
}

// ---------------------------------------------------------------------------------------------
// The record

function triggerEventJson(t: TriggerEvent): Record<string, unknown> {
  if (t.type === 'manual') return { type: 'manual', triggered_time: esDate(t.triggeredTime), manual: { schedule: { scheduled_time: esDate(t.scheduledTime) } } };
  return { type: 'schedule', triggered_time: esDate(t.triggeredTime), schedule: { scheduled_time: esDate(t.scheduledTime) } };
}

function recordHead(env: ExecutionEnv, watchId: string, state: string, trigger: TriggerEvent): Record<string, unknown> {
  const head: Record<string, unknown> = { watch_id: watchId, node: env.nodeId, state };
  if (env.flavour.recordTimestamp) head['@timestamp'] = esDate(trigger.triggeredTime);
  return head;
}

export function newRecordId(watchId: string, executionTime: number): string {
  return `${watchId}_${randomUUID()}-${isoDateTime(executionTime)}`;
}

/** `abortBeforeExecution`: a record with no input, condition or result (an inactive watch, for one). */
export function messageOnlyRecord(env: ExecutionEnv, watchId: string, trigger: TriggerEvent, state: string, message: string): ExecutionOutcome {
  const id = newRecordId(watchId, env.now());
  const record = { ...recordHead(env, watchId, state, trigger), trigger_event: triggerEventJson(trigger), messages: [message] };
  return { id, state, record, conditionMet: undefined };
}

export function executeWatch(env: ExecutionEnv, req: ExecutionRequest): ExecutionOutcome {
  const started = performance.now();
  const executionTime = env.now();
  const c: Ctx = { wid: newRecordId(req.watch.id, executionTime), watch: req.watch, executionTime, trigger: req.trigger, payload: {}, vars: {}, mailCounter: 0 };
  const result: Record<string, unknown> = { execution_time: esDate(executionTime), execution_duration: 0 };
  const actions: Record<string, unknown>[] = [];
  let conditionMet: boolean | undefined;
  let message: string | undefined;
  let exception: unknown;
  let anyAcked = false;
  let anyThrottled = false;

  const finish = (): ExecutionOutcome => {
    result.execution_duration = Math.round(performance.now() - started);
    result.actions = actions;
    const state = conditionMet === undefined ? 'failed' : !conditionMet ? 'execution_not_needed' : anyAcked ? 'acknowledged' : anyThrottled ? 'throttled' : 'executed';
    req.status.executionState = state;
    const record: Record<string, unknown> = { ...recordHead(env, req.watch.id, state, req.trigger) };
    if (env.user) record.user = env.user;
    record.status = statusJson(req.status, req.version);
    record.trigger_event = triggerEventJson(req.trigger);
    record.input = clone(req.watch.json.input);
    record.condition = clone(req.watch.json.condition);
    if (req.watch.metadata) record.metadata = clone(req.watch.metadata);
    record.result = result;
    if (exception !== undefined) record.exception = exceptionBody(exception);
    else record.messages = message === undefined ? [] : [message];
    return { id: c.wid, state, record, conditionMet };
  };

  // Input
  let input: InputResult;
  if (req.alternativeInput) {
    const payload = clone(req.alternativeInput);
    input = { ok: true, payload, json: { type: 'simple', status: 'success', payload: clone(payload) } };
  } else {
    input = runInput(env, c, req.watch.input);
  }
  result.input = input.json;
  if (!input.ok) {
    message = 'failed to execute watch input';
    return finish();
  }
  c.payload = input.payload;

  // Condition
  try {
    const cond = req.ignoreCondition ? { met: true, json: { type: 'always', status: 'success', met: true } } : runCondition(env, c, req.watch.condition);
    result.condition = cond.json;
    conditionMet = cond.met;
    onCheck(req.status, cond.met, executionTime);
  } catch (e) {
    exception = e;
    return finish();
  }
  if (!conditionMet) return finish();

  // Transform (only when there is something to act on)
  if (req.watch.actions.length > 0 && req.watch.transform) {
    const t = runTransform(env, c, req.watch.transform, c.payload);
    result.transform = t.json;
    if (!t.ok) {
      // ES keeps the condition result, so the record state stays `executed` with this message.
      message = 'failed to execute watch transform';
      return finish();
    }
    c.payload = t.payload;
  }

  // Actions
  for (const a of req.watch.actions) {
    const outcome = runAction(env, c, req, a);
    actions.push(outcome.json);
    if (outcome.status === 'acknowledged') anyAcked = true;
    if (outcome.status === 'throttled') anyThrottled = true;
    onActionResult(req.status, a.id, executionTime, outcome.status, outcome.reason);
  }
  return finish();
}
