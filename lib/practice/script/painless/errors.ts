import { EsError } from '../../engine/api';

/**
 * How Elasticsearch reports a failing Painless script: a `script_exception` carrying the source,
 * a `script_stack` (a snippet and a `^---- HERE` pointer), the `position` and the Java exception as
 * `caused_by` (Painless' `PainlessScriptEngine.convertToScriptException` for compile errors and
 * `PainlessScript.convertToScriptException` for runtime errors, elastic/elasticsearch
 * modules/lang-painless).
 */

/** A compile error at a character offset (parse errors, unknown symbols, what the subset leaves out). */
export class PainlessCompileError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** The Java exception type ES reports as `caused_by`. */
    readonly causeType = 'illegal_argument_exception',
  ) {
    super(message);
    this.name = 'PainlessCompileError';
  }
}

/** A runtime error at the offset of the node being evaluated; `causeType` is the Java exception ES names. */
export class PainlessRuntimeError extends Error {
  offset = -1;
  constructor(
    readonly causeType: string,
    readonly causeReason: string,
  ) {
    super(causeReason);
    this.name = 'PainlessRuntimeError';
  }
}

export const nullPointer = (reason: string) => new PainlessRuntimeError('null_pointer_exception', reason);
export const classCast = (reason: string) => new PainlessRuntimeError('class_cast_exception', reason);
export const illegalArgument = (reason: string) => new PainlessRuntimeError('illegal_argument_exception', reason);
export const arithmetic = (reason: string) => new PainlessRuntimeError('arithmetic_exception', reason);
export const indexOutOfBounds = (reason: string) => new PainlessRuntimeError('index_out_of_bounds_exception', reason);
export const unsupportedOperation = (reason: string) => new PainlessRuntimeError('unsupported_operation_exception', reason);
export const numberFormat = (reason: string) => new PainlessRuntimeError('number_format_exception', reason);

/** What the subset leaves out: a compile error that says so, never a guess. */
export function notInSubset(what: string, offset: number): PainlessCompileError {
  return new PainlessCompileError(`${what} is not supported by the practice cluster's Painless`, offset, 'illegal_argument_exception');
}

const SNIPPET = 25;

/** ES' compile-error snippet: 25 characters either side of the offset, with `... ` marks where cut. */
export function compileScriptException(source: string, e: PainlessCompileError): EsError {
  const offset = Math.max(0, Math.min(e.offset, source.length));
  const start = Math.max(0, offset - SNIPPET);
  const end = Math.min(source.length, offset + SNIPPET);
  let snippet = source.slice(start, end);
  let pointer = ' '.repeat(offset - start);
  if (start > 0) {
    snippet = `... ${snippet}`;
    pointer = `    ${pointer}`;
  }
  if (end < source.length) snippet = `${snippet} ...`;
  return new EsError(
    400,
    'script_exception',
    'compile error',
    { script_stack: [snippet, `${pointer}^---- HERE`], script: source, lang: 'painless', position: { offset, start, end } },
    { type: e.causeType, reason: e.message },
  );
}

/**
 * ES' runtime-error snippet: from the start of the statement that holds the failing expression to
 * the start of the next statement, with the pointer under the expression.
 */
export function runtimeScriptException(source: string, e: PainlessRuntimeError, statementStarts: readonly number[]): EsError {
  const offset = Math.max(0, e.offset);
  let start = 0;
  for (const s of statementStarts) if (s <= offset && s > start) start = s;
  let end = source.length;
  for (const s of statementStarts) if (s > start && s < end) end = s;
  const snippet = source.slice(start, end);
  return new EsError(
    400,
    'script_exception',
    'runtime error',
    { script_stack: [snippet, `${' '.repeat(offset - start)}^---- HERE`], script: source, lang: 'painless', position: { offset, start, end } },
    { type: e.causeType, reason: e.causeReason },
  );
}
