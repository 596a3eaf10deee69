import type { Flavor } from '../engine/api';
import { lookupIp } from './geoip';
import type { HostIdentity } from './identity';
import { noise, SeededRandom } from './noise';

/**
 * The host's /var/log/auth.log and /var/log/syslog, and what Filebeat's `system` module ingest
 * pipelines make of each line. The parser below follows the module's pipelines
 * (filebeat/module/system/{auth,syslog}/ingest in elastic/beats) step by step, including their
 * quirks: a parsed sshd or sudo line loses `message` (the raw text goes to event.original, which is
 * then removed), and "Failed password for invalid user X" yields `user.name` " X" with a leading
 * space (the grok pattern has no space after "invalid user"; elastic/integrations#12174).
 */

export type LogFile = 'auth' | 'syslog';

export interface LogLine {
  file: LogFile;
  /** Whole seconds: syslog timestamps have no fraction. */
  t: number;
  program: string;
  pid?: number;
  text: string;
}

export const LOG_PATHS: Record<LogFile, string> = { auth: '/var/log/auth.log', syslog: '/var/log/syslog' };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** rsyslog's traditional format: `Nov  4 09:05:03` (day padded with a space), host time = UTC. */
export function syslogTimestamp(t: number): string {
  const d = new Date(t);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${day} ${hh}:${mm}:${ss}`;
}

export function formatLogLine(line: LogLine, hostname: string): string {
  const proc = line.pid === undefined ? line.program : `${line.program}[${line.pid}]`;
  return `${syslogTimestamp(line.t)} ${hostname} ${proc}: ${line.text}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing, as the ingest pipelines do it

const IPORHOST = '((?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+|[0-9A-Za-z][0-9A-Za-z.-]*)';
const HEADER = /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+)? ?(.*?)(?:\[(\d+)\])?:\s*([\s\S]*)$/;
const SSH_LOGIN = new RegExp(`^(.*?) (.*?) for (?:invalid user)?(.*?) from ${IPORHOST} port (\\d+) ssh2(?:: (.*))?`);
const SSH_USER_FROM = new RegExp(`^(.*?) user (.*?) from ${IPORHOST}`);
const SSH_DROPPED = new RegExp(`^Did not receive identification string from ${IPORHOST}`);
const SUDO = /^(.*?) :(?: (.*?) ;)? TTY=(.*?) ; PWD=(.*?) ; USER=(.*?) ; COMMAND=(.*)/;
const GROUPADD = /^new group: name=(.*?), GID=(\d+)/;
const USERADD = /^new user: name=(.*?), UID=(\d+), GID=(\d+), home=(.*?), shell=(.*?)$/;
const PAM_FOR_BY = /for user "?(.*?)"? by "?(.*?)"?(?:\(uid=(\d+)\))?$/;
const PAM_FOR = /for user "?(.*?)"?$/;
const PAM_BY = /by user "?(.*?)"?$/;
const PAM_QUOTED = /(?<! ) user ['"](.*?)['"]/;

type Doc = Record<string, unknown>;

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Doc = doc;
  for (let i = 0; i < parts.length - 1; i += 1) {
    const key = parts[i] as string;
    const next = node[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Doc;
    else {
      const created: Doc = {};
      node[key] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1] as string] = value;
}

function getPath(doc: Doc, path: string): unknown {
  let node: unknown = doc;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Doc)[key];
  }
  return node;
}

/** The ingest `rename` processor: fails (and, with ignore_failure, does nothing) if the target exists. */
function renameIfAbsent(doc: Doc, temp: Record<string, string>, key: string, target: string): void {
  const value = temp[key];
  if (value === undefined || getPath(doc, target) !== undefined) return;
  setPath(doc, target, value);
  delete temp[key];
}

function appendUnique(doc: Doc, path: string, value: unknown): void {
  const current = getPath(doc, path);
  const list = Array.isArray(current) ? current : [];
  if (!list.includes(value)) list.push(value);
  setPath(doc, path, list);
}

/** The fields the `system/auth` pipeline produces for one raw auth.log line (without Beats' envelope). */
export function parseAuthLine(raw: string, flavor: Flavor, ingestedAt: number, year: number): Doc {
  const doc: Doc = {};
  const header = HEADER.exec(raw);
  if (!header) {
    setPath(doc, 'message', raw);
    setPath(doc, 'error.message', 'Provided Grok expressions do not match field value: [' + raw + ']');
    return doc;
  }
  const [, timestamp = '', hostname, program = '', pid, rest = ''] = header;
  if (hostname) setPath(doc, 'host.hostname', hostname);
  setPath(doc, 'process.name', program);
  if (pid !== undefined) setPath(doc, 'process.pid', Number(pid));

  let m: RegExpExecArray | null;
  if ((m = SSH_LOGIN.exec(rest))) {
    setPath(doc, 'system.auth.ssh.event', m[1]);
    setPath(doc, 'system.auth.ssh.method', m[2]);
    setPath(doc, 'user.name', m[3]);
    setPath(doc, 'source.ip', m[4]);
    setPath(doc, 'source.port', Number(m[5]));
    if (m[6] !== undefined) setPath(doc, 'system.auth.ssh.signature', m[6]);
  } else if ((m = SSH_USER_FROM.exec(rest))) {
    setPath(doc, 'system.auth.ssh.event', m[1]);
    setPath(doc, 'user.name', m[2]);
    setPath(doc, 'source.ip', m[3]);
  } else if ((m = SSH_DROPPED.exec(rest))) {
    setPath(doc, 'system.auth.ssh.dropped_ip', m[1]);
  } else if ((m = SUDO.exec(rest))) {
    setPath(doc, 'user.name', m[1]);
    if (m[2] !== undefined) setPath(doc, 'system.auth.sudo.error', m[2]);
    setPath(doc, 'system.auth.sudo.tty', m[3]);
    setPath(doc, 'system.auth.sudo.pwd', m[4]);
    setPath(doc, 'system.auth.sudo.user', m[5]);
    setPath(doc, 'system.auth.sudo.command', m[6]);
  } else if ((m = GROUPADD.exec(rest))) {
    setPath(doc, 'group.name', m[1]);
    setPath(doc, 'group.id', m[2]);
  } else if ((m = USERADD.exec(rest))) {
    setPath(doc, 'user.name', m[1]);
    setPath(doc, 'user.id', m[2]);
    setPath(doc, 'group.id', m[3]);
    setPath(doc, 'system.auth.useradd.home', m[4]);
    setPath(doc, 'system.auth.useradd.shell', m[5]);
  } else {
    setPath(doc, 'message', rest);
  }

  // PAM user names, from lines left in `message`.
  const message = doc.message;
  if (typeof message === 'string' && message !== '') {
    const temp: Record<string, string> = {};
    let pam: RegExpExecArray | null;
    if ((pam = PAM_FOR_BY.exec(message))) {
      temp.foruser = pam[1] ?? '';
      temp.byuser = pam[2] ?? '';
      if (pam[3] !== undefined) temp.byuid = pam[3];
    } else if ((pam = PAM_FOR.exec(message))) {
      temp.foruser = pam[1] ?? '';
    } else if ((pam = PAM_BY.exec(message))) {
      temp.byuser = pam[1] ?? '';
    } else if (flavor !== '7' && (pam = PAM_QUOTED.exec(message))) {
      temp.user = pam[1] ?? '';
    }
    renameIfAbsent(doc, temp, 'byuser', 'user.name');
    renameIfAbsent(doc, temp, 'byuid', 'user.id');
    const userName = () => getPath(doc, 'user.name');
    if (userName() === undefined || userName() === '') renameIfAbsent(doc, temp, 'foruser', 'user.name');
    if (userName() === undefined || userName() === '') renameIfAbsent(doc, temp, 'user', 'user.name');
    if (userName() !== undefined) renameIfAbsent(doc, temp, 'foruser', 'user.effective.name');
  }

  const sudoUser = getPath(doc, 'system.auth.sudo.user');
  if (typeof sudoUser === 'string' && getPath(doc, 'user.effective.name') === undefined) setPath(doc, 'user.effective.name', sudoUser);
  const dropped = getPath(doc, 'system.auth.ssh.dropped_ip');
  if (typeof dropped === 'string') setPath(doc, 'source.ip', dropped);

  setPath(doc, '@timestamp', new Date(parseSyslogTimestamp(timestamp, year)).toISOString());
  const sourceIp = getPath(doc, 'source.ip');
  if (typeof sourceIp === 'string') {
    const { geo, as } = lookupIp(sourceIp);
    setPath(doc, 'source.geo', geo);
    setPath(doc, 'source.as', as);
  }
  setPath(doc, 'event.kind', 'event');

  const sshEvent = getPath(doc, 'system.auth.ssh.event');
  if (sshEvent === 'Accepted') {
    setPath(doc, 'event.type', ['info']);
    setPath(doc, 'event.category', ['authentication', 'session']);
    setPath(doc, 'event.action', 'ssh_login');
    setPath(doc, 'event.outcome', 'success');
  } else if (sshEvent === 'Invalid' || sshEvent === 'Failed') {
    setPath(doc, 'event.type', ['info']);
    setPath(doc, 'event.category', ['authentication']);
    setPath(doc, 'event.action', 'ssh_login');
    setPath(doc, 'event.outcome', 'failure');
  }
  if (['groupadd', 'groupdel', 'groupmod', 'useradd', 'userdel', 'usermod'].includes(program)) {
    appendUnique(doc, 'event.category', 'iam');
    setPath(doc, 'event.outcome', 'success');
    appendUnique(doc, 'event.type', program.startsWith('user') ? 'user' : 'group');
    if (program.endsWith('add')) appendUnique(doc, 'event.type', 'creation');
  }

  const user = getPath(doc, 'user.name');
  if (typeof user === 'string' && user !== '') appendUnique(doc, 'related.user', user);
  const effective = getPath(doc, 'user.effective.name');
  if (typeof effective === 'string' && effective !== '') appendUnique(doc, 'related.user', effective);
  if (typeof sourceIp === 'string' && sourceIp !== '') appendUnique(doc, 'related.ip', sourceIp);
  if (hostname) appendUnique(doc, 'related.hosts', hostname);
  if (flavor !== '7') setPath(doc, 'event.ingested', new Date(ingestedAt).toISOString());
  return doc;
}

/** The fields the `system/syslog` pipeline produces for one raw syslog line. */
export function parseSyslogLine(raw: string, flavor: Flavor, ingestedAt: number, year: number): Doc {
  const doc: Doc = {};
  const header = HEADER.exec(raw);
  if (!header) {
    setPath(doc, 'message', raw);
    return doc;
  }
  const [, timestamp = '', hostname, program = '', pid, rest = ''] = header;
  if (hostname) setPath(doc, 'host.hostname', hostname);
  setPath(doc, 'process.name', program);
  if (pid !== undefined) setPath(doc, 'process.pid', Number(pid));
  setPath(doc, 'message', rest);
  setPath(doc, '@timestamp', new Date(parseSyslogTimestamp(timestamp, year)).toISOString());
  setPath(doc, 'event.kind', 'event');
  if (hostname) setPath(doc, 'related.hosts', [hostname]);
  if (flavor !== '7') setPath(doc, 'event.ingested', new Date(ingestedAt).toISOString());
  return doc;
}

function parseSyslogTimestamp(value: string, year: number): number {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)$/.exec(value);
  if (!m) return NaN;
  const month = MONTHS.indexOf(m[1] ?? '');
  return Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

// ---------------------------------------------------------------------------------------------
// What the host writes

const HOUR = 3_600_000;
const TEN_MINUTES = 600_000;

function cronPid(identity: HostIdentity, t: number, channel: number): number {
  return 20_000 + Math.floor(noise(identity.seed, t / 1000, channel) * 40_000);
}

function cronSession(identity: HostIdentity, t: number, command: string, channel: number): LogLine[] {
  const pid = cronPid(identity, t, channel);
  return [
    { file: 'auth', t, program: 'CRON', pid, text: 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)' },
    { file: 'syslog', t, program: 'CRON', pid, text: `(root) CMD (${command})` },
    { file: 'auth', t, program: 'CRON', pid, text: 'pam_unix(cron:session): session closed for user root' },
  ];
}

const SYSTEMD_CHATTER: readonly (readonly [string, string])[] = [
  ['systemd[1]', 'Starting Message of the Day...'],
  ['systemd[1]', 'motd-news.service: Deactivated successfully.'],
  ['systemd[1]', 'Starting Refresh fwupd metadata and update motd...'],
  ['systemd[1]', 'fwupd-refresh.service: Deactivated successfully.'],
  ['systemd-resolved[498]', 'Clock change detected. Flushing caches.'],
  ['systemd[1]', 'Starting Daily apt download activities...'],
  ['systemd[1]', 'apt-daily.service: Deactivated successfully.'],
  ['systemd[1]', 'Finished Daily apt download activities.'],
  ['systemd-timesyncd[476]', 'Network configuration changed, trying to establish connection.'],
  ['snapd[612]', 'storehelpers.go:769: cannot refresh: snap has no updates available: "core20", "lxd", "snapd"'],
];

const SUDO_COMMANDS = [
  '/usr/bin/systemctl status metricbeat',
  '/usr/bin/tail -n 50 /var/log/auth.log',
  '/usr/bin/apt list --upgradable',
  '/usr/bin/journalctl -u filebeat --since today',
  '/usr/bin/du -sh /var/log',
];

/** A sudo invocation by the attendee's user: the command line and the PAM session around it. */
export function sudoLines(identity: HostIdentity, t: number, command: string): LogLine[] {
  const user = identity.loginUser;
  return [
    { file: 'auth', t, program: 'sudo', text: `  ${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${command}` },
    { file: 'auth', t, program: 'sudo', text: `pam_unix(sudo:session): session opened for user root(uid=0) by ${user}(uid=1000)` },
    { file: 'auth', t: t + 1000, program: 'sudo', text: 'pam_unix(sudo:session): session closed for user root' },
  ];
}

/** Lines a quiet Ubuntu VM writes by itself in (from, to]: cron sessions, systemd timers, some sudo. */
export function backgroundLines(identity: HostIdentity, from: number, to: number): LogLine[] {
  const out: LogLine[] = [];
  const seed = identity.seed;
  // sysstat's debian-sa1 every 10 minutes (at :x5), cron.hourly at :17.
  for (let slot = Math.floor(from / TEN_MINUTES) * TEN_MINUTES; slot <= to; slot += TEN_MINUTES) {
    const sa1 = slot + 5 * 60_000 + 1000;
    if (sa1 > from && sa1 <= to) out.push(...cronSession(identity, sa1, 'command -v debian-sa1 > /dev/null && debian-sa1 1 1', 61));
  }
  for (let hour = Math.floor(from / HOUR) * HOUR; hour <= to; hour += HOUR) {
    const hourly = hour + 17 * 60_000 + 1000;
    if (hourly > from && hourly <= to) out.push(...cronSession(identity, hourly, '   cd / && run-parts --report /etc/cron.hourly', 62));
  }
  // systemd chatter and the attendee's sudo use, decided per 5- and 30-minute bucket.
  for (let bucket = Math.floor(from / 300_000) * 300_000; bucket <= to; bucket += 300_000) {
    if (noise(seed, bucket / 300_000, 63) < 0.75) continue;
    const t = bucket + Math.floor(noise(seed, bucket / 300_000, 64) * 299) * 1000;
    if (t <= from || t > to) continue;
    const [proc, text] = SYSTEMD_CHATTER[Math.floor(noise(seed, bucket / 300_000, 65) * SYSTEMD_CHATTER.length)] ?? SYSTEMD_CHATTER[0]!;
    const m = /^(.*)\[(\d+)\]$/.exec(proc);
    out.push({ file: 'syslog', t, program: m ? (m[1] ?? proc) : proc, pid: m ? Number(m[2]) : undefined, text });
  }
  for (let bucket = Math.floor(from / 1_800_000) * 1_800_000; bucket <= to; bucket += 1_800_000) {
    if (noise(seed, bucket / 1_800_000, 66) < 0.8) continue;
    const t = bucket + Math.floor(noise(seed, bucket / 1_800_000, 67) * 1_700) * 1000;
    if (t <= from || t > to) continue;
    const command = SUDO_COMMANDS[Math.floor(noise(seed, bucket / 1_800_000, 68) * SUDO_COMMANDS.length)] ?? '/usr/bin/true';
    out.push(...sudoLines(identity, t, command).filter((l) => l.t <= to));
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The attendee's own SSH login to the VM (publickey), shortly before the lab starts. */
export function adminLoginLines(identity: HostIdentity, t: number): LogLine[] {
  const random = new SeededRandom(identity.seed ^ 0x5eed);
  const pid = random.int(1_000, 9_999);
  const port = random.int(49_152, 65_000);
  const user = identity.loginUser;
  return [
    { file: 'auth', t, program: 'sshd', pid, text: `Accepted publickey for ${user} from ${identity.adminIp} port ${port} ssh2: ED25519 SHA256:q0Vm3bXo7Ra4xkQd0cEihqvB6o0Y2P4sKj8zA3lK1wE` },
    { file: 'auth', t, program: 'sshd', pid, text: `pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)` },
    { file: 'auth', t, program: 'systemd-logind', pid: 731, text: `New session 1 of user ${user}.` },
  ];
}

export interface SshAttempt {
  user: string;
  sourceIp: string;
  count: number;
}

const EXISTING_USERS = new Set(['root', 'ubuntu']);

/**
 * The lines one or more failed password logins write, ending at `end`. For a user that does not
 * exist sshd first logs "Invalid user" (and OpenSSH before 8.x the input_userauth_request line).
 * A person retrying by hand leaves about 3 s between attempts; many attempts at once come from a
 * brute-force tool firing in parallel, so a burst shares a few seconds (as a real one does, and as
 * a live tail reading the last seconds expects) instead of reaching minutes into the past.
 */
export function sshAttemptLines(attempt: SshAttempt, end: number, random: SeededRandom): LogLine[] {
  const out: LogLine[] = [];
  const spacing = Math.min(3000, Math.floor(6000 / Math.max(1, attempt.count - 1)));
  const start = end - (attempt.count - 1) * spacing - 2000;
  for (let i = 0; i < attempt.count; i += 1) {
    const t0 = Math.floor((start + i * spacing) / 1000) * 1000;
    const pid = random.int(10_000, 60_000);
    const port = random.int(32_768, 60_999);
    const { user, sourceIp: ip } = attempt;
    const line = (dt: number, text: string): LogLine => ({ file: 'auth', t: t0 + dt, program: 'sshd', pid, text });
    if (EXISTING_USERS.has(user)) {
      out.push(
        line(2000, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`),
        line(2000, `Failed password for ${user} from ${ip} port ${port} ssh2`),
        line(2000, `Connection closed by authenticating user ${user} ${ip} port ${port} [preauth]`),
      );
    } else {
      out.push(
        line(0, `Invalid user ${user} from ${ip} port ${port}`),
        line(0, `input_userauth_request: invalid user ${user} [preauth]`),
        line(2000, 'pam_unix(sshd:auth): check pass; user unknown'),
        line(2000, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}`),
        line(2000, `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`),
        line(2000, `Connection closed by invalid user ${user} ${ip} port ${port} [preauth]`),
      );
    }
  }
  return out;
}

/** Lines systemd and sudo write when the attendee runs a Beat command on the VM. */
export function beatCommandLines(identity: HostIdentity, t: number, beat: 'metricbeat' | 'filebeat', action: 'setup' | 'start' | 'stop'): LogLine[] {
  const t0 = Math.floor(t / 1000) * 1000;
  const command = action === 'setup' ? `/usr/bin/${beat} setup -e` : `/usr/bin/systemctl ${action} ${beat}`;
  const lines = sudoLines(identity, t0, command).map((l) => ({ ...l, t: Math.min(l.t, t0) }));
  const description = beat === 'metricbeat' ? 'Metricbeat is a lightweight shipper for metrics.' : 'Filebeat sends log files to Logstash or directly to Elasticsearch.';
  if (action === 'start') lines.push({ file: 'syslog', t: t0, program: 'systemd', pid: 1, text: `Started ${description}` });
  if (action === 'stop') {
    lines.push(
      { file: 'syslog', t: t0, program: 'systemd', pid: 1, text: `Stopping ${description}..` },
      { file: 'syslog', t: t0, program: 'systemd', pid: 1, text: `${beat}.service: Deactivated successfully.` },
      { file: 'syslog', t: t0, program: 'systemd', pid: 1, text: `Stopped ${description}` },
    );
  }
  return lines;
}
