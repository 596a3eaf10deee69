import type { EsError } from '../../engine/api';
import type { Program } from './ast';
import { PainlessCompileError, PainlessRuntimeError, compileScriptException, runtimeScriptException } from './errors';
import { Interpreter } from './interpreter';
import { parseProgram } from './parser';
import { toPlain } from './values';

/**
 * The practice cluster's Painless: the subset Kibana's threshold watches, the workshop's watches
 * and typical hand-written watch scripts use (see README.md beside this file). Anything outside it
 * is a `script_exception` ("compile error" or "runtime error") shaped as Elasticsearch's, never a
 * guessed answer.
 */

export { JDouble, JavaDate, javaHashMapOrder, javaToString, javaDoubleString, javaInstantString, toPlain } from './values';

export class CompiledPainless {
  private readonly interpreter: Interpreter;

  constructor(
    readonly source: string,
    private readonly program: Program,
  ) {
    this.interpreter = new Interpreter(program);
  }

  /**
   * Runs the script with its globals (`params`, `ctx`, ...) and returns what it returned, as plain
   * JSON-like values. Throws the runtime `script_exception` EsError.
   */
  execute(globals: Record<string, unknown>): unknown {
    return toPlain(this.executeRaw(globals));
  }

  /** As `execute`, keeping Java-typed values (boxed doubles, dates), for callers that check types. */
  executeRaw(globals: Record<string, unknown>): unknown {
    try {
      return this.interpreter.run(globals);
    } catch (e) {
      if (e instanceof PainlessRuntimeError) throw runtimeScriptException(this.source, e, this.program.statementStarts);
      if (e instanceof RangeError) {
        // Deep recursion in the interpreter: ES reports a StackOverflowError the same way.
        throw runtimeScriptException(this.source, Object.assign(new PainlessRuntimeError('stack_overflow_error', e.message), { offset: 0 }), this.program.statementStarts);
      }
      throw e;
    }
  }
}

/** Compiles a script whose globals are `globals` (Watcher scripts see `ctx` and `params`). Throws the compile `script_exception` EsError. */
export function compilePainless(source: string, globals: readonly string[] = ['params', 'ctx']): CompiledPainless {
  try {
    return new CompiledPainless(source, parseProgram(source, globals));
  } catch (e) {
    if (e instanceof PainlessCompileError) throw compileScriptException(source, e);
    throw e;
  }
}

export function isScriptException(e: unknown): e is EsError {
  return e instanceof Error && e.name === 'EsError' && (e as EsError).type === 'script_exception';
}
