/**
 * One auth event as the panel shows it, read from any of the document shapes in `fields.ts`: the
 * log line (rebuilt when the pipeline dropped it) and, for sshd lines, the attempt's outcome, user
 * and source.
 */
import { asNumber, asString, getField, type SearchHit } from '../common';
import type { SortValues } from './cursor';
import { AUTH_LOG_FIELDS } from './fields';

const F = AUTH_LOG_FIELDS;

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
  /**
   * Where the event sits in the stream's sort (`@timestamp`, log file, offset: see `authLogSort`):
   * the browser pages older events from its oldest one (`olderCursorOf`).
   */
  sort?: SortValues;
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
export function timeOf(hit: SearchHit): number | undefined {
  const sorted = hit.sort?.[0];
  if (typeof sorted === 'number' && Number.isFinite(sorted)) return sorted;
  const raw = asString(getField(hit._source, '@timestamp'));
  const ms = raw === undefined ? NaN : Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}
