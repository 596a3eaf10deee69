/**
 * Path routing as Elasticsearch's RestController does it: literal segments win over `{param}`
 * segments, and the first path that matches decides: if it has no handler for the method, the
 * answer is 405 listing the methods it has (so `PUT /_search` is a 405, not an index named
 * "_search"). Path segments are URL-decoded, so `%2C` and `%2A` work in index names. A parameter
 * may have a rule its value must meet to match at all (an `{index}` never starts with `_`, the
 * prefix of Elasticsearch's own endpoints), so an unknown endpoint is no handler, not a name.
 */

export type RouteMatch<H> =
  | { kind: 'match'; handler: H; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

interface PathEntry<H> {
  segments: string[];
  specificity: string;
  handlers: Map<string, H>;
}

export type ParamRules = Readonly<Record<string, (value: string) => boolean>>;

export class Router<H> {
  private readonly paths: PathEntry<H>[] = [];
  private sorted = true;

  constructor(private readonly rules: ParamRules = {}) {}

  /** Throws when the path already has a handler for the method: a feature cannot replace another's route by accident. */
  add(methods: string | readonly string[], pattern: string, handler: H): this {
    const segments = splitPath(pattern);
    let entry = this.paths.find((p) => p.segments.join('/') === segments.join('/'));
    if (!entry) {
      entry = { segments, specificity: segments.map((s) => (s.startsWith('{') ? '1' : '0')).join(''), handlers: new Map() };
      this.paths.push(entry);
      this.sorted = false;
    }
    for (const method of typeof methods === 'string' ? [methods] : methods) {
      if (entry.handlers.has(method)) throw new Error(`route ${method} ${pattern} is registered twice`);
      entry.handlers.set(method, handler);
    }
    return this;
  }

  match(method: string, rawPath: string): RouteMatch<H> {
    if (!this.sorted) {
      this.paths.sort((a, b) => (a.specificity < b.specificity ? -1 : a.specificity > b.specificity ? 1 : 0));
      this.sorted = true;
    }
    let segments: string[];
    try {
      segments = splitPath(rawPath).map((s) => decodeURIComponent(s));
    } catch {
      return { kind: 'not_found' };
    }
    for (const entry of this.paths) {
      if (entry.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length; i += 1) {
        const pattern = entry.segments[i] as string;
        const value = segments[i] as string;
        if (pattern.startsWith('{')) {
          const name = pattern.slice(1, -1);
          const rule = this.rules[name];
          if (value === '' || (rule && !rule(value))) {
            ok = false;
            break;
          }
          params[name] = value;
        } else if (pattern !== value) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const handler = entry.handlers.get(method);
      if (handler) return { kind: 'match', handler, params };
      return { kind: 'method_not_allowed', allowed: [...entry.handlers.keys()] };
    }
    return { kind: 'not_found' };
  }
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}
