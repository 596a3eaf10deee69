/**
 * The query DSL: `parse.ts` validates a request's query and builds an index-independent tree;
 * `bind.ts` binds that tree to one index as a matcher; `query-string.ts` parses the
 * `query_string` / `simple_query_string` syntax.
 */
export { bindQuery, type Bound, type Matcher } from './bind';
export { didYouMean, QueryParser, type QueryNode } from './parse';
