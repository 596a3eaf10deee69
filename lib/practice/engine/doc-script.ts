import { type CompiledPainless, compilePainless, toPlain } from '../script/painless';
import { EsError } from './api';
import { illegalArgument, isPlainObject } from './errors';

/**
 * The `script` of `_update`, `_update_by_query` and `_reindex`: Painless (the practice cluster's
 * subset in lib/practice/script/painless) run with `ctx` (`_source`, `op`, `_index`, `_id`,
 * `_version`, `_routing`, `_now`) and `params`, as ES's UpdateHelper and the by-query workers
 * run it. Inline scripts only: stored scripts (`id`) and other languages are refused by name.
 */

export interface DocScript {
  compiled: CompiledPainless;
  params: Record<string, unknown>;
}

const compiled = new Map<string, CompiledPainless>();

export function parseDocScript(value: unknown): DocScript {
  const spec = typeof value === 'string' ? { source: value } : value;
  if (!isPlainObject(spec)) throw new EsError(400, 'parse_exception', 'expected one of [source] or [id] fields, but found none');
  for (const k of Object.keys(spec)) {
    if (!['source', 'inline', 'lang', 'params', 'id', 'options'].includes(k)) throw new EsError(400, 'parse_exception', `[script] unknown field [${k}]`);
  }
  if (spec.id !== undefined) throw illegalArgument('stored scripts are not supported by the practice cluster; give the script inline as [source]');
  const lang = spec.lang ?? 'painless';
  if (lang !== 'painless') throw illegalArgument(`script_lang not supported [${String(lang)}]`);
  const source = spec.source ?? spec.inline;
  if (typeof source !== 'string') throw new EsError(400, 'parse_exception', 'expected one of [source] or [id] fields, but found none');
  if (spec.params !== undefined && !isPlainObject(spec.params)) throw new EsError(400, 'parse_exception', 'Value must be of type object: [params]');
  let c = compiled.get(source);
  if (!c) {
    c = compilePainless(source, ['params', 'ctx']);
    if (compiled.size > 500) compiled.clear();
    compiled.set(source, c);
  }
  return { compiled: c, params: (spec.params as Record<string, unknown> | undefined) ?? {} };
}

/** Runs `script` on `ctx` (changed in place, as Painless scripts change it) and returns it as plain JSON. */
export function runDocScript(script: DocScript, ctx: Record<string, unknown>): Record<string, unknown> {
  script.compiled.execute({ ctx, params: structuredClone(script.params) });
  return toPlain(ctx) as Record<string, unknown>;
}
