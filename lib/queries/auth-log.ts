/**
 * Auth log panel (chapter 3): a live tail of the host's `system.auth` events with SSH attempts
 * classified, and a summary of attempts per user and source IP. Pure request builders and
 * response parsers; the route runs them.
 *
 * Documents come from the Filebeat `system` module in three shapes, all read here:
 * - 7.x ECS (log input): `user.name`, `source.ip`, `event.outcome`, `log.offset`; the pipeline
 *   drops `message` from the sshd lines it parses.
 * - 8.x (log or journald input): the same ECS fields plus `message`; `source.address`; journald
 *   events have no `log.offset`; "invalid user" lines may leave a leading space in `user.name`.
 * - a line the pipeline did not parse (pipeline not loaded, or an sshd message it has no pattern
 *   for): only `message`, sometimes still the whole syslog line.
 * Pre-ECS 6.x names (`system.auth.user`, `system.auth.ssh.ip`) are read as fallbacks.
 */
import {
  aggregationsOf,
  asNumber,
  asString,
  bucketsOf,
  type Dsl,
  type Duration,
  durationMs,
  getField,
  hitsOf,
  isObject,
  metricValue,
  responseBody,
  type SearchHit,
  searchRequest,
  type SearchRequest,
} from './common';
import { compileFilter } from './filter-language';

export const AUTH_LOG_INDEX = 'filebeat-*';
export const AUTH_DATASET = 'system.auth';

/** The first page shows this much history. */
export const AUTH_FIRST_PAGE_LOOKBACK: Duration = '15m';

/**
 * Each poll re-reads this far behind the newest event already shown. Filebeat batches events and
 * the index refreshes every second, so an event can become searchable after a later one; 10 s
 * covers that at the workshop's scale without re-reading much.
 */
export const AUTH_TAIL_OVERLAP_MS = 10_000;

/**
 * At most this many `_id`s ride in the cursor (about 30 bytes each once encoded; the cursor
 * travels in the panel's query string, so it must stay well under 8 KB).
 */
export const AUTH_TAIL_MAX_SEEN = 150;

export const AUTH_TAIL_DEFAULT_SIZE = 200;
export const AUTH_TAIL_MAX_SIZE = 500;

/** What free text in the filter box searches: 7.x drops `message` from parsed sshd lines. */
export const AUTH_TEXT_FIELDS = ['message', 'user.name'];

export const AUTH_LOG_FIELDS = {
  timestamp: '@timestamp',
  host: 'host.name',
  dataset: 'event.dataset',
  sshEvent: 'system.auth.ssh.event',
  user: 'user.name',
  sourceIp: 'source.ip',
  offset: 'log.offset',
  filePath: 'log.file.path',
} as const;

const F = AUTH_LOG_FIELDS;

const SOURCE_FIELDS = [
  '@timestamp',
  'message',
  'event.original',
  'event.outcome',
  'host.name',
  'host.hostname',
  'process.name',
  'process.pid',
  'user.name',
  'user.id',
  'group.name',
  'group.id',
  'source.ip',
  'source.address',
  'source.port',
  'log.file.path',
  'log.offset',
  // A wildcard, not the object path: Beats' expected documents use dotted keys, which a
  // wildcard include matches on every engine.
  'system.auth.*',
];

/**
 * `@timestamp` alone does not order events: syslog timestamps have whole seconds, so a burst of
 * SSH attempts shares one. The log position breaks ties. `_id` cannot: 8.x refuses to sort on it
 * and 7.6+ can disable it (`indices.id_field_data.enabled`); `_shard_doc` needs a point in time,
 * which would freeze the tail. Journald events have no log position, hence `missing` values, which
 * also keep the sort values plain JSON numbers/strings (the default sentinels are 64-bit longs a
 * JavaScript number cannot carry back in `search_after`).
 */
function tailSort(order: 'asc' | 'desc'): Dsl[] {
  return [
    { [F.timestamp]: { order } },
    { [F.filePath]: { order, unmapped_type: 'keyword', missing: '' } },
    { [F.offset]: { order, unmapped_type: 'long', missing: -1 } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

export type SshOutcome = 'failed' | 'invalid_user' | 'accepted';

export interface SshAttempt {
  outcome: SshOutcome;
  user: string | null;
  sourceIp: string | null;
  sourcePort?: number;
  method?: string;
}

export interface AuthEvent {
  /** The document `_id`: unique, the list key. */
  id: string;
  /** ISO 8601 (UTC). */
  time: string;
  host: string | null;
  process: string | null;
  pid?: number;
  /** The log message; rebuilt from the parsed fields when the pipeline dropped it (7.x sshd). */
  message: string;
  ssh?: SshAttempt;
}

const SSH_EVENT_OUTCOMES: Record<string, SshOutcome> = {
  Accepted: 'accepted',
  Failed: 'failed',
  Invalid: 'invalid_user',
};

/** A whole syslog line: `Feb 21 21:54:44 host sshd[3402]: text` or with an RFC 3339 time. */
const SYSLOG_LINE =
  /^(?:[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T\S+)\s+(\S+)\s+([^\s:[]+)(?:\[(\d+)\])?:\s*([\s\S]*)$/;

/**
 * sshd messages, for lines the pipeline did not parse. "Failed … for invalid user X" stays
 * `failed`, as the pipeline files it (`system.auth.ssh.event: Failed`), so the stream and the
 * summary agree.
 */
const SSH_MESSAGES: { re: RegExp; read: (m: RegExpExecArray) => SshAttempt }[] = [
  {
    re: /^(Accepted|Failed) (\S+) for (?:invalid user )?(.*?) from (\S+) port (\d+)/,
    read: (m) => ({
      outcome: m[1] === 'Accepted' ? 'accepted' : 'failed',
      method: m[2],
      user: m[3] ?? null,
      sourceIp: m[4] ?? null,
      sourcePort: asNumber(m[5]),
    }),
  },
  {
    re: /^Invalid user (.*?) from (\S+?)(?: port (\d+))?\s*$/,
    read: (m) => ({ outcome: 'invalid_user', user: m[1] ?? null, sourceIp: m[2] ?? null, sourcePort: asNumber(m[3]) }),
  },
  {
    re: /^(?:Connection closed by|Disconnected from) invalid user (.*?) (\S+) port (\d+)/,
    read: (m) => ({ outcome: 'invalid_user', user: m[1] ?? null, sourceIp: m[2] ?? null, sourcePort: asNumber(m[3]) }),
  },
  {
    re: /^input_userauth_request: invalid user (.*?) \[preauth\]/,
    read: (m) => ({ outcome: 'invalid_user', user: m[1] ?? null, sourceIp: null }),
  },
];

function sshFromMessage(text: string): SshAttempt | undefined {
  for (const { re, read } of SSH_MESSAGES) {
    const m = re.exec(text);
    if (m) return read(m);
  }
  return undefined;
}

export function parseAuthEvent(hit: SearchHit): AuthEvent {
  const source = hit._source ?? {};
  const field = (path: string) => getField(source, path);

  let text = asString(field('message')) ?? asString(field('event.original'));
  let host = asString(field('host.name')) ?? asString(field('host.hostname')) ?? asString(field('system.auth.hostname'));
  let process = asString(field('process.name')) ?? asString(field('system.auth.program'));
  let pid = asNumber(field('process.pid')) ?? asNumber(field('system.auth.pid'));

  const line = text === undefined ? null : SYSLOG_LINE.exec(text);
  if (line) {
    host ??= line[1];
    process ??= line[2];
    pid ??= asNumber(line[3]);
    text = line[4];
  }

  const ssh = sshAttempt(source, text);
  const ms = timeOf(hit);
  const event: AuthEvent = {
    id: hit._id ?? '',
    time: ms === undefined ? (asString(field('@timestamp')) ?? '') : new Date(ms).toISOString(),
    host: host ?? null,
    process: process ?? (ssh ? 'sshd' : null),
    message: text ?? describe(source) ?? '',
  };
  if (pid !== undefined) event.pid = pid;
  if (ssh) event.ssh = ssh;
  return event;
}

function sshAttempt(source: Record<string, unknown>, text: string | undefined): SshAttempt | undefined {
  const field = (path: string) => getField(source, path);
  const fromText = text === undefined ? undefined : sshFromMessage(text);
  const outcome = SSH_EVENT_OUTCOMES[asString(field(F.sshEvent)) ?? ''];
  if (!outcome) return fromText && clean(fromText);

  const attempt: SshAttempt = {
    outcome,
    user: asString(field('user.name')) ?? asString(field('system.auth.user')) ?? fromText?.user ?? null,
    sourceIp:
      asString(field('source.ip')) ??
      asString(field('source.address')) ??
      asString(field('system.auth.ssh.ip')) ??
      fromText?.sourceIp ??
      null,
  };
  const port = asNumber(field('source.port')) ?? asNumber(field('system.auth.ssh.port')) ?? fromText?.sourcePort;
  if (port !== undefined) attempt.sourcePort = port;
  const method = asString(field('system.auth.ssh.method')) ?? fromText?.method;
  if (method !== undefined) attempt.method = method;
  return clean(attempt);
}

function clean(attempt: SshAttempt): SshAttempt {
  const user = attempt.user?.trim();
  const out: SshAttempt = { ...attempt, user: user ? user : null };
  if (out.sourcePort === undefined) delete out.sourcePort;
  if (out.method === undefined) delete out.method;
  return out;
}

/** Rebuilds the log text of a parsed event whose `message` the pipeline removed. */
function describe(source: Record<string, unknown>): string | undefined {
  const s = (path: string) => asString(getField(source, path));
  const user = (s('user.name') ?? s('system.auth.user'))?.trim();
  const ip = s('source.ip') ?? s('source.address') ?? s('system.auth.ssh.ip');
  const port = s('source.port') ?? s('system.auth.ssh.port');
  const event = s(F.sshEvent);
  if (event === 'Accepted' || event === 'Failed') {
    const signature = s('system.auth.ssh.signature');
    return (
      `${event} ${s('system.auth.ssh.method') ?? 'password'} for ${user ?? ''} from ${ip ?? '?'}` +
      `${port ? ` port ${port}` : ''} ssh2${signature ? `: ${signature}` : ''}`
    );
  }
  if (event === 'Invalid') return `Invalid user ${user ?? ''} from ${ip ?? '?'}${port ? ` port ${port}` : ''}`;
  const dropped = s('system.auth.ssh.dropped_ip');
  if (dropped) return `Did not receive identification string from ${dropped}`;
  const command = s('system.auth.sudo.command');
  if (command) {
    const error = s('system.auth.sudo.error');
    return (
      `${user ?? ''} : ${error ? `${error} ; ` : ''}TTY=${s('system.auth.sudo.tty') ?? ''} ; ` +
      `PWD=${s('system.auth.sudo.pwd') ?? ''} ; USER=${s('system.auth.sudo.user') ?? ''} ; COMMAND=${command}`
    );
  }
  const groupName = s('system.auth.groupadd.name');
  if (groupName) return `new group: name=${groupName}, GID=${s('system.auth.groupadd.gid') ?? ''}`;
  const newUser = s('system.auth.useradd.name');
  if (newUser) {
    return (
      `new user: name=${newUser}, UID=${s('system.auth.useradd.uid') ?? ''}, GID=${s('system.auth.useradd.gid') ?? ''}, ` +
      `home=${s('system.auth.useradd.home') ?? ''}, shell=${s('system.auth.useradd.shell') ?? ''}`
    );
  }
  return s('system.auth.message');
}

/** Epoch ms: the hit's first sort value (what ES compared) or its `@timestamp`. */
function timeOf(hit: SearchHit): number | undefined {
  const sorted = hit.sort?.[0];
  if (typeof sorted === 'number' && Number.isFinite(sorted)) return sorted;
  const raw = asString(getField(hit._source, '@timestamp'));
  const ms = raw === undefined ? NaN : Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}

// ---------------------------------------------------------------------------------------------
// Tail
// ---------------------------------------------------------------------------------------------

type SortValues = (string | number)[];

/** `[timestamp, ...ids]`: events already shown at one `@timestamp`. */
export type SeenGroup = [timestamp: number, ...ids: string[]];

/** `[host.name, log.file.path, log.offset]`: the furthest position shown in one host's log file. */
export type ShownPosition = [host: string | null, file: string, offset: number];

/**
 * What the browser carries between polls (base64url JSON). A cursor belongs to one filter: the
 * panel starts again without a cursor when the filter changes.
 *
 * Every event shown with `@timestamp >= floor` is excluded from the next poll, one of two ways:
 * - by `_id` (`seen`, `loose`): exact, whatever order events arrive in;
 * - up to `foldedTo`, by log position (`positions`): when more events than `AUTH_TAIL_MAX_SEEN`
 *   crowd the overlap window, the oldest timestamps give up their ids and are excluded as "this
 *   host's file up to this offset". That holds because Filebeat ships a file's lines in order.
 */
export interface AuthTailCursorState {
  v: 1;
  /** Epoch ms; the next poll reads `@timestamp >= floor`. Absent: the next call is a first page. */
  floor?: number;
  /** Newest `@timestamp` shown. */
  newest?: number;
  /** Shown events that have a log position, by timestamp, all above `foldedTo`. */
  seen: SeenGroup[];
  /** Shown events without a log position (journald input), by timestamp. */
  loose?: SeenGroup[];
  foldedTo?: number;
  positions?: ShownPosition[];
  /** The last page was full: the next call continues right after this event. */
  after?: SortValues;
}

export interface AuthTailParams {
  /** From the previous `parseAuthTail`; absent or unreadable gives the first page. */
  cursor?: string;
  /** Filter box text (KQL subset); throws `FilterSyntaxError`. */
  filter?: string;
  size?: number;
  /** Epoch ms; only the first page uses it (absolute range instead of `now-15m`). */
  now?: number;
}

export interface AuthTail {
  /** New events, newest first. A late event sorts by its own time: merge into the list by `time`. */
  events: AuthEvent[];
  cursor: string;
  /** More new events were waiting than one page holds; poll again right away. */
  more: boolean;
}

/** Log files remembered at most (a lab host has one or two: auth.log, secure, a rotated one). */
const MAX_POSITIONS = 16;

export function encodeAuthTailCursor(state: AuthTailCursorState): string {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeAuthTailCursor(cursor: string | undefined | null): AuthTailCursorState | null {
  if (!cursor || cursor.length > 16_000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let state: unknown;
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    state = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
  return isCursorState(state) ? state : null;
}

function isCursorState(value: unknown): value is AuthTailCursorState {
  if (!isObject(value) || value.v !== 1) return false;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  const optionalFinite = (n: unknown) => n === undefined || finite(n);
  const groups = (list: unknown): list is SeenGroup[] =>
    Array.isArray(list) &&
    list.every((g) => Array.isArray(g) && finite(g[0]) && g.length > 1 && g.slice(1).every((id) => typeof id === 'string'));
  const positions = (list: unknown): list is ShownPosition[] =>
    Array.isArray(list) &&
    list.length <= MAX_POSITIONS &&
    list.every((p) => Array.isArray(p) && p.length === 3 && (p[0] === null || typeof p[0] === 'string') && typeof p[1] === 'string' && finite(p[2]));
  if (!optionalFinite(value.floor) || !optionalFinite(value.newest) || !optionalFinite(value.foldedTo)) return false;
  if (!groups(value.seen) || (value.loose !== undefined && !groups(value.loose))) return false;
  if (value.positions !== undefined && !positions(value.positions)) return false;
  if (value.after !== undefined && !(Array.isArray(value.after) && value.after.every(isSortValue))) return false;
  const ids = [...value.seen, ...(value.loose ?? [])].reduce((n, g) => n + g.length - 1, 0);
  return ids <= AUTH_TAIL_MAX_SEEN;
}

function isSortValue(x: unknown): x is string | number {
  return typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
}

function authFilters(filter: string | undefined): Dsl[] {
  const filters: Dsl[] = [{ term: { [F.dataset]: AUTH_DATASET } }];
  const user = compileFilter(filter, { defaultFields: AUTH_TEXT_FIELDS });
  if (!('match_all' in user)) filters.push(user);
  return filters;
}

/** Events of one host's file up to `offset`, at or before `foldedTo`: shown, by position. */
function shownByPosition([host, file, offset]: ShownPosition, foldedTo: number): Dsl {
  const filter: Dsl[] = [
    { range: { [F.timestamp]: { lte: foldedTo } } },
    { term: { [F.filePath]: file } },
    { range: { [F.offset]: { lte: offset } } },
  ];
  if (host !== null) filter.push({ term: { [F.host]: host } });
  return { bool: { filter } };
}

/**
 * First page (no cursor): the newest `size` events of the last 15 minutes, newest first.
 * Later polls: everything from the cursor's floor (newest shown minus the overlap) upwards, oldest
 * first, minus what was shown there; after a full page the next call continues with
 * `search_after` from its last event.
 */
export function buildAuthTailRequest(params: AuthTailParams = {}): SearchRequest {
  const size = Math.min(Math.max(1, Math.floor(params.size ?? AUTH_TAIL_DEFAULT_SIZE)), AUTH_TAIL_MAX_SIZE);
  const state = decodeAuthTailCursor(params.cursor);
  const filter = authFilters(params.filter);

  if (!state || state.floor === undefined) {
    const since =
      params.now === undefined ? `now-${AUTH_FIRST_PAGE_LOOKBACK}` : params.now - durationMs(AUTH_FIRST_PAGE_LOOKBACK);
    return searchRequest(AUTH_LOG_INDEX, {
      size,
      query: { bool: { filter: [...filter, { range: { [F.timestamp]: { gte: since } } }] } },
      sort: tailSort('desc'),
      _source: SOURCE_FIELDS,
    });
  }

  const mustNot: Dsl[] = [];
  const ids = [...state.seen, ...(state.loose ?? [])].flatMap(([, ...groupIds]) => groupIds);
  if (ids.length > 0) mustNot.push({ ids: { values: ids } });
  if (state.foldedTo !== undefined) {
    for (const position of state.positions ?? []) mustNot.push(shownByPosition(position, state.foldedTo));
  }
  const bool: Dsl = { filter: [...filter, { range: { [F.timestamp]: { gte: state.floor } } }] };
  if (mustNot.length > 0) bool.must_not = mustNot;
  const body: Dsl = { size, query: { bool }, sort: tailSort('asc'), _source: SOURCE_FIELDS };
  if (state.after) body.search_after = state.after;
  return searchRequest(AUTH_LOG_INDEX, body);
}

interface Delivered {
  id: string;
  ms: number;
  position: ShownPosition | null;
}

export interface ParseAuthTailOptions {
  /**
   * Epoch ms, the same as the request's. Lets an empty first page hand over to polling (events of
   * its 15 minutes that turn up later are news), and keeps a host whose clock runs ahead from
   * pushing the floor past everyone else's events. Without it an empty page stays a first page.
   */
  now?: number;
  /** The size the request asked for: a page this full means more are waiting (when `hits.total` cannot tell). */
  size?: number;
}

export function parseAuthTail(response: unknown, previousCursor?: string, options: ParseAuthTailOptions = {}): AuthTail {
  const prev = decodeAuthTailCursor(previousCursor);
  const firstPage = !prev || prev.floor === undefined;
  const seenIds = new Set([...(prev?.seen ?? []), ...(prev?.loose ?? [])].flatMap(([, ...ids]) => ids));

  const hits = hitsOf(response);
  const events: AuthEvent[] = [];
  const delivered: Delivered[] = [];
  for (const hit of hits) {
    // Already shown (should the cluster have ignored must_not) or repeated within the page.
    if (!hit._id || seenIds.has(hit._id)) continue;
    seenIds.add(hit._id);
    events.push(parseAuthEvent(hit));
    const ms = timeOf(hit);
    if (ms !== undefined) delivered.push({ id: hit._id, ms, position: logPosition(hit) });
  }
  // Polls read oldest first; the panel shows newest first.
  if (!firstPage) events.reverse();

  // `hits.total` counts every match, also those before `search_after`: such a page can only tell
  // by being full.
  const total = prev?.after ? undefined : totalHits(response);
  const pageFull =
    total === undefined ? hits.length >= (options.size ?? AUTH_TAIL_DEFAULT_SIZE) : total > hits.length;

  const state = nextCursorState(prev, delivered, { firstPage, pageFull, now: options.now });
  // Continue a full page by sort position. Without a log position the ids do it: equal sort
  // values would make search_after skip the rest of that millisecond.
  const last = hits.at(-1);
  const lastSort = sortValues(last?.sort);
  if (!firstPage && pageFull && last && lastSort && logPosition(last)) state.after = lastSort;
  // A full first page left older events behind, which are history rather than news.
  return { events, cursor: encodeAuthTailCursor(state), more: pageFull && !firstPage };
}

function nextCursorState(
  prev: AuthTailCursorState | null,
  delivered: Delivered[],
  ctx: { firstPage: boolean; pageFull: boolean; now: number | undefined },
): AuthTailCursorState {
  let newest = prev?.newest;
  for (const d of delivered) newest = newest === undefined ? d.ms : Math.max(newest, d.ms);
  if (newest === undefined) {
    // Nothing shown yet: whatever turns up from the first page's window on is news.
    const floor = prev?.floor ?? (ctx.now === undefined ? undefined : ctx.now - durationMs(AUTH_FIRST_PAGE_LOOKBACK));
    return floor === undefined ? { v: 1, seen: [] } : { v: 1, floor, seen: [] };
  }

  const reference = ctx.now === undefined ? newest : Math.min(newest, ctx.now);
  let floor = Math.max(prev?.floor ?? -Infinity, reference - AUTH_TAIL_OVERLAP_MS);
  // A full first page stopped at its oldest event; older ones were never shown and are not news.
  if (ctx.firstPage && ctx.pageFull && delivered.length > 0) {
    floor = Math.max(floor, Math.min(...delivered.map((d) => d.ms)));
  }
  let foldedTo = prev?.foldedTo;

  const positions = new Map<string, ShownPosition>();
  for (const p of prev?.positions ?? []) positions.set(JSON.stringify([p[0], p[1]]), p);
  const seen = groupsMap(prev?.seen);
  const loose = groupsMap(prev?.loose);
  for (const d of delivered) {
    if (d.position) {
      const key = JSON.stringify([d.position[0], d.position[1]]);
      const known = positions.get(key);
      if (!known || known[2] < d.position[2]) positions.set(key, d.position);
      // At or before foldedTo the position already excludes it.
      if (foldedTo === undefined || d.ms > foldedTo) addTo(seen, d.ms, d.id);
    } else {
      addTo(loose, d.ms, d.id);
    }
  }

  const dropBelowFloor = () => {
    for (const map of [seen, loose]) for (const ms of map.keys()) if (ms < floor) map.delete(ms);
    if (foldedTo !== undefined && foldedTo < floor) foldedTo = undefined;
  };
  dropBelowFloor();

  if (positions.size > MAX_POSITIONS) {
    // More log files than a lab host has: carry none rather than trust a partial list; everything
    // up to the newest event counts as shown.
    floor = newest + 1;
    positions.clear();
    foldedTo = undefined;
    dropBelowFloor();
  }

  // Too many ids for the cursor: fold the oldest timestamps of positioned events into positions;
  // then give up the oldest unpositioned ones, raising the floor past them (the documented loss).
  const count = () => [...seen.values(), ...loose.values()].reduce((n, ids) => n + ids.length, 0);
  while (count() > AUTH_TAIL_MAX_SEEN) {
    if (seen.size > 0) {
      const oldest = Math.min(...seen.keys());
      seen.delete(oldest);
      foldedTo = Math.max(foldedTo ?? -Infinity, oldest);
    } else {
      floor = Math.min(...loose.keys()) + 1;
      dropBelowFloor();
    }
  }

  const state: AuthTailCursorState = { v: 1, floor, newest, seen: groupsList(seen) };
  if (loose.size > 0) state.loose = groupsList(loose);
  if (foldedTo !== undefined) state.foldedTo = foldedTo;
  if (positions.size > 0) state.positions = [...positions.values()];
  return state;
}

function groupsMap(groups: SeenGroup[] | undefined): Map<number, string[]> {
  return new Map((groups ?? []).map(([ms, ...ids]) => [ms, ids]));
}

function addTo(groups: Map<number, string[]>, ms: number, id: string): void {
  const ids = groups.get(ms);
  if (ids) ids.push(id);
  else groups.set(ms, [id]);
}

function groupsList(groups: Map<number, string[]>): SeenGroup[] {
  return [...groups.entries()]
    .filter(([, ids]) => ids.length > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([ms, ids]) => [ms, ...ids] as SeenGroup);
}

function sortValues(sort: unknown[] | undefined): SortValues | undefined {
  return Array.isArray(sort) && sort.every(isSortValue) ? (sort as SortValues) : undefined;
}

/** Where the event sits in its host's log file; journald events have no position. */
function logPosition(hit: SearchHit): ShownPosition | null {
  const file = asString(getField(hit._source, F.filePath));
  const offset = asNumber(getField(hit._source, F.offset));
  if (file === undefined || file === '' || offset === undefined) return null;
  return [asString(getField(hit._source, F.host)) ?? null, file, offset];
}

function totalHits(response: unknown): number | undefined {
  const hits = responseBody(response).hits;
  if (!isObject(hits)) return undefined;
  const total = hits.total;
  if (typeof total === 'number') return total;
  if (!isObject(total) || typeof total.value !== 'number') return undefined;
  // `gte`: the count stopped at track_total_hits, so there are at least that many.
  return total.relation === 'gte' ? Number.MAX_SAFE_INTEGER : total.value;
}

// ---------------------------------------------------------------------------------------------
// SSH attempts summary
// ---------------------------------------------------------------------------------------------

/** The ranges the panel offers for the summary. */
export const SSH_SUMMARY_RANGES = ['15m', '1h', '24h'] as const satisfies readonly Duration[];
export type SshSummaryRange = (typeof SSH_SUMMARY_RANGES)[number];

export interface SshSummaryParams {
  /** How far back; defaults to the first page's 15 minutes. */
  range?: Duration;
  /** Epoch ms; absolute range when given, ES date math otherwise. */
  now?: number;
}

export interface SshAttemptCounts {
  failed: number;
  invalidUser: number;
  accepted: number;
  total: number;
}

export interface SshAttemptRow extends SshAttemptCounts {
  user: string | null;
  sourceIp: string | null;
}

export interface SshSummary {
  /** Per user and source IP, most attempts first. */
  rows: SshAttemptRow[];
  totals: SshAttemptCounts;
}

const OUTCOME_FILTERS = {
  failed: { term: { [F.sshEvent]: 'Failed' } },
  invalid_user: { term: { [F.sshEvent]: 'Invalid' } },
  accepted: { term: { [F.sshEvent]: 'Accepted' } },
} as const;

function outcomeAggs(): Dsl {
  return Object.fromEntries(Object.entries(OUTCOME_FILTERS).map(([name, filter]) => [name, { filter }]));
}

export function buildSshSummaryRequest(params: SshSummaryParams = {}): SearchRequest {
  const range = params.range ?? AUTH_FIRST_PAGE_LOOKBACK;
  const time =
    params.now === undefined
      ? { gte: `now-${range}`, lte: 'now' }
      : { gte: params.now - durationMs(range), lte: params.now };
  return searchRequest(AUTH_LOG_INDEX, {
    size: 0,
    query: {
      bool: {
        filter: [
          { term: { [F.dataset]: AUTH_DATASET } },
          { terms: { [F.sshEvent]: ['Accepted', 'Failed', 'Invalid'] } },
          { range: { [F.timestamp]: time } },
        ],
      },
    },
    aggs: {
      ...outcomeAggs(),
      users: {
        terms: { field: F.user, size: 50 },
        aggs: { sources: { terms: { field: F.sourceIp, size: 50 }, aggs: outcomeAggs() } },
      },
    },
  });
}

export function parseSshSummary(response: unknown): SshSummary {
  const aggs = aggregationsOf(response);
  const rows = new Map<string, SshAttemptRow>();
  for (const userBucket of bucketsOf(aggs.users)) {
    // 8.x can index "invalid user" names with a leading space; rows merge on the trimmed name.
    const user = asString(userBucket.key)?.trim() || null;
    for (const ipBucket of bucketsOf(userBucket.sources)) {
      const sourceIp = asString(ipBucket.key) ?? null;
      const key = JSON.stringify([user, sourceIp]);
      const row = rows.get(key) ?? { user, sourceIp, failed: 0, invalidUser: 0, accepted: 0, total: 0 };
      addCounts(row, countsOf(ipBucket));
      rows.set(key, row);
    }
  }
  return {
    rows: [...rows.values()].sort(
      (a, b) => b.total - a.total || (a.user ?? '').localeCompare(b.user ?? '') || (a.sourceIp ?? '').localeCompare(b.sourceIp ?? ''),
    ),
    totals: countsOf(aggs),
  };
}

function countsOf(aggs: Record<string, unknown>): SshAttemptCounts {
  const count = (name: string) => {
    const agg = aggs[name];
    return isObject(agg) ? (asNumber(agg.doc_count) ?? metricValue(agg) ?? 0) : 0;
  };
  const failed = count('failed');
  const invalidUser = count('invalid_user');
  const accepted = count('accepted');
  return { failed, invalidUser, accepted, total: failed + invalidUser + accepted };
}

function addCounts(into: SshAttemptCounts, add: SshAttemptCounts): void {
  into.failed += add.failed;
  into.invalidUser += add.invalidUser;
  into.accepted += add.accepted;
  into.total += add.total;
}

// ---------------------------------------------------------------------------------------------
// Filebeat system module status
// ---------------------------------------------------------------------------------------------

/**
 * `filebeat setup` (and a Filebeat start that finds them missing) loads the module's ingest
 * pipelines, one set per Filebeat version: `filebeat-7.6.2-system-auth-pipeline`,
 * `filebeat-8.15.0-system-auth-pipeline`. Without the auth one, sshd lines arrive unparsed.
 */
export const AUTH_PIPELINE_PATTERN = 'filebeat-*-system-auth-pipeline';

export interface AuthPipeline {
  id: string;
  /** The Filebeat version that installed it, read from the id. */
  version: string | null;
}

export interface FilebeatModuleStatus {
  /** The `system` module's auth pipeline is installed (the newest version first). */
  installed: boolean;
  pipelines: AuthPipeline[];
}

const PIPELINE_ID = /^filebeat-(\d+\.\d+\.\d+(?:-[\w.]+)?)-system-auth-pipeline$/;

/** Reads `GET _ingest/pipeline/filebeat-*-system-auth-pipeline` (null or `{}` when none matched). */
export function parseFilebeatModuleStatus(response: unknown): FilebeatModuleStatus {
  const body = isObject(response) ? responseBody(response) : {};
  const pipelines = Object.keys(body)
    .filter((id) => isObject(body[id]))
    .map((id) => ({ id, version: PIPELINE_ID.exec(id)?.[1] ?? null }))
    .sort((a, b) => compareVersions(b.version, a.version) || a.id.localeCompare(b.id));
  return { installed: pipelines.length > 0, pipelines };
}

function compareVersions(a: string | null, b: string | null): number {
  const parts = (v: string | null) => (v ?? '').split(/[.-]/).map((p) => Number(p) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Kibana link
// ---------------------------------------------------------------------------------------------

export interface KibanaLogsLink {
  url: string;
  /** Which Kibana app opens: the Logs stream (7.x, 8.x) or Discover (9.x removed the stream). */
  app: 'logs' | 'discover';
}

/** Rison string literal, as Kibana's URL state reads it: `'` and `!` are escaped with `!`. */
function risonString(text: string): string {
  return `'${text.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
}

/**
 * The handout's "Logs > Stream live" with the panel's filter, for the attendee's own Kibana. The
 * URL state changed over the years: hash routes before 7.10, `logFilter=(expression,kind)` until
 * 7.15, `(language,query)` from 7.16; 9.0 removed the stream, so 9.x opens Discover instead.
 */
export function kibanaLogsLink(
  kibanaUrl: string,
  version: { major: number; minor: number | null },
  filter?: string,
): KibanaLogsLink {
  const base = kibanaUrl.replace(/\/+$/, '');
  const dataset = `${AUTH_LOG_FIELDS.dataset}: "${AUTH_DATASET}"`;
  const refined = filter?.trim();
  const kql = refined ? `${dataset} and (${refined})` : dataset;
  const q = encodeURIComponent(risonString(kql));
  const minor = version.minor ?? 0;
  if (version.major >= 9) {
    return { url: `${base}/app/discover#/?_a=(query:(language:kuery,query:${q}))`, app: 'discover' };
  }
  if (version.major === 7 && minor < 10) {
    return { url: `${base}/app/logs#/stream?logFilter=(expression:${q},kind:kuery)`, app: 'logs' };
  }
  if (version.major === 7 && minor < 16) {
    return { url: `${base}/app/logs/stream?logFilter=(expression:${q},kind:kuery)`, app: 'logs' };
  }
  return { url: `${base}/app/logs/stream?logFilter=(language:kuery,query:${q})`, app: 'logs' };
}
