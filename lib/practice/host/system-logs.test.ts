import { describe, expect, it } from 'vitest';
import { SeededRandom } from './noise';
import { formatLogLine, parseAuthLine, parseSyslogLine, sshAttemptLines, syslogTimestamp } from './system-logs';

/**
 * Lines and expected fields from the Filebeat system module's own tests (elastic/beats,
 * filebeat/module/system/auth/test/{test.log,secure-rhel7.log,auth-ubuntu1204.log} and their
 * -expected.json files), so the practice host parses as the real pipeline does.
 */
const INGESTED = Date.UTC(2026, 10, 24);

describe('auth.log parsing (Filebeat system/auth pipeline)', () => {
  it.each([
    [
      'Feb 21 21:54:44 localhost sshd[3402]: Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84',
      {
        'system.auth.ssh.event': 'Accepted',
        'system.auth.ssh.method': 'publickey',
        'system.auth.ssh.signature': 'RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84',
        'user.name': 'vagrant',
        'source.ip': '10.0.2.2',
        'source.port': 63673,
        'process.pid': 3402,
        'event.outcome': 'success',
        'event.category': ['authentication', 'session'],
        'event.action': 'ssh_login',
        'related.user': ['vagrant'],
        'related.hosts': ['localhost'],
      },
    ],
    [
      'Feb 20 08:35:22 slave22 sshd[5774]: Failed password for root from 202.196.224.106 port 1786 ssh2',
      {
        'system.auth.ssh.event': 'Failed',
        'system.auth.ssh.method': 'password',
        'user.name': 'root',
        'source.ip': '202.196.224.106',
        'source.port': 1786,
        'host.hostname': 'slave22',
        'event.outcome': 'failure',
        'event.category': ['authentication'],
        'event.type': ['info'],
        'related.ip': ['202.196.224.106'],
        message: undefined,
      },
    ],
    ['Feb 21 21:56:12 localhost sshd[3430]: Invalid user test from 10.0.2.2', { 'system.auth.ssh.event': 'Invalid', 'user.name': 'test', 'source.ip': '10.0.2.2', 'event.outcome': 'failure' }],
    ['Feb 19 15:30:04 slave22 sshd[18406]: Did not receive identification string from 2.125.160.217', { 'system.auth.ssh.dropped_ip': '2.125.160.217', 'source.ip': '2.125.160.217' }],
    [
      'Feb 21 23:35:33 localhost sudo: vagrant : TTY=pts/0 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls',
      {
        'user.name': 'vagrant',
        'user.effective.name': 'root',
        'system.auth.sudo.tty': 'pts/0',
        'system.auth.sudo.pwd': '/home/vagrant',
        'system.auth.sudo.user': 'root',
        'system.auth.sudo.command': '/bin/ls',
        'process.name': 'sudo',
        'process.pid': undefined,
        'related.user': ['vagrant', 'root'],
        message: undefined,
      },
    ],
    [
      'Feb 24 00:13:02 precise32 sudo:      tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls',
      { 'user.name': 'tsg', 'system.auth.sudo.error': 'user NOT in sudoers', 'system.auth.sudo.tty': 'pts/1' },
    ],
    [
      'Feb  9 21:20:08 precise32 sudo: pam_unix(sudo:session): session opened for user root by vagrant(uid=1000)',
      { message: 'pam_unix(sudo:session): session opened for user root by vagrant(uid=1000)', 'user.name': 'vagrant', 'user.id': '1000', 'user.effective.name': 'root', 'related.user': ['vagrant', 'root'] },
    ],
    ['Feb  9 21:20:08 precise32 sudo: pam_unix(sudo:session): session closed for user root', { message: 'pam_unix(sudo:session): session closed for user root', 'user.name': 'root', 'related.user': ['root'] }],
    ['Feb  9 21:20:07 precise32 sshd[8317]: subsystem request for sftp by user vagrant', { message: 'subsystem request for sftp by user vagrant', 'user.name': 'vagrant' }],
    ['Feb 22 11:47:05 localhost groupadd[6991]: new group: name=apache, GID=48', { 'group.name': 'apache', 'group.id': '48', 'event.category': ['iam'], 'event.type': ['group', 'creation'], 'event.outcome': 'success' }],
  ])('%s', (line, expected) => {
    const doc = parseAuthLine(line, '8', INGESTED, 2026);
    for (const [path, value] of Object.entries(expected)) {
      const actual = path.split('.').reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), doc);
      expect(actual, path).toEqual(value);
    }
    expect(doc['@timestamp']).toMatch(/^2026-02-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect((doc.event as Record<string, unknown>).kind).toBe('event');
  });

  it('keeps the pipeline quirk: "Failed password for invalid user X" gives user.name " X"', () => {
    const doc = parseAuthLine('Nov 24 09:00:00 lab sshd[1]: Failed password for invalid user admin from 1.2.3.4 port 4242 ssh2', '8', INGESTED, 2026);
    expect(doc.user).toEqual({ name: ' admin' });
  });

  it('7.x leaves event.ingested out; 8.x stamps it', () => {
    const line = 'Nov 24 09:00:00 lab sshd[1]: Invalid user admin from 1.2.3.4 port 4242';
    expect((parseAuthLine(line, '7', INGESTED, 2026).event as Record<string, unknown>).ingested).toBeUndefined();
    expect((parseAuthLine(line, '8', INGESTED, 2026).event as Record<string, unknown>).ingested).toBe(new Date(INGESTED).toISOString());
  });
});

describe('syslog', () => {
  it('formats rsyslog timestamps with a space-padded day', () => {
    expect(syslogTimestamp(Date.UTC(2026, 10, 4, 9, 5, 3))).toBe('Nov  4 09:05:03');
    expect(formatLogLine({ file: 'syslog', t: Date.UTC(2026, 10, 24, 9, 5, 3), program: 'CRON', pid: 42, text: '(root) CMD (true)' }, 'lab')).toBe('Nov 24 09:05:03 lab CRON[42]: (root) CMD (true)');
  });

  it('parses a syslog line into message, process and host', () => {
    const doc = parseSyslogLine('Nov 24 09:05:03 lab systemd[1]: Started Session 3 of user ubuntu.', '8', INGESTED, 2026);
    expect(doc).toMatchObject({
      '@timestamp': '2026-11-24T09:05:03.000Z',
      message: 'Started Session 3 of user ubuntu.',
      process: { name: 'systemd', pid: 1 },
      host: { hostname: 'lab' },
      related: { hosts: ['lab'] },
      event: { kind: 'event' },
    });
  });
});

describe('sshAttemptLines timing', () => {
  it('spaces a few attempts like a person retrying, and packs a brute-force burst into a few seconds', () => {
    const end = Date.UTC(2026, 10, 24, 12, 0, 0);
    const span = (count: number) => {
      const lines = sshAttemptLines({ user: 'hAx0R', sourceIp: '203.0.113.7', count }, end, new SeededRandom(1));
      const times = lines.map((l) => l.t);
      return { lines, first: Math.min(...times), last: Math.max(...times) };
    };
    const three = span(3);
    expect(three.last).toBe(end);
    expect(end - three.first).toBe(8_000);
    const burst = span(50);
    expect(burst.lines).toHaveLength(300);
    expect(burst.last).toBe(end);
    expect(end - burst.first).toBeLessThanOrEqual(9_000);
    expect(burst.lines.every((l) => l.t % 1000 === 0)).toBe(true);
  });
});
