// The script evaluator moved to lib/practice/script/ (beside Watcher's Painless subset); this
// re-export keeps branches written before the move compiling until they are merged.
export { compileScript, ScriptError, type CompiledScript } from '../script/arithmetic';
