import { describe, expect, it } from 'vitest';
import { getField, type SearchHit } from '../common';
import { DOCS_7X, DOCS_7X_TIMESTAMP, DOCS_8X, HITS_6X, RAW_LINES } from '../testing/auth-samples';
import { referencedFields } from '../testing/fixtures';
import { encodeAuthTailCursor } from './cursor';
import { type AuthEvent, parseAuthEvent, type SshOutcome } from './events';
import { AUTH_LOG_FIELDS } from './fields';
import { buildSshSummaryRequest } from './summary';
import { buildAuthTailRequest } from './tail';

type Doc = Record<string, unknown>;

// Real samples from elastic/beats (see __fixtures__/README.md).
const OUTCOME: Record<string, SshOutcome> = { Accepted: 'accepted', Failed: 'failed', Invalid: 'invalid_user' };

const hit = (source: Doc, id = 'id-1', index = 'filebeat-7.17.0-2026.11.24'): SearchHit => ({
  _index: index,
  _id: id,
  _source: source,
});

describe('parseAuthEvent: raw auth.log lines the pipeline did not parse (test.log)', () => {
  // Such a document holds only the line in `message` (pipeline missing, `filebeat setup` not run).
  const parsed = RAW_LINES.map((line, i) =>
    parseAuthEvent(hit({ '@timestamp': '2026-02-21T21:54:44.000Z', message: line }, `raw-${i}`)),
  );

  it.each<[number, Partial<AuthEvent>]>([
    [
      0,
      {
        host: 'localhost',
        process: 'sshd',
        pid: 3402,
        message: 'Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84',
        ssh: { outcome: 'accepted', user: 'vagrant', sourceIp: '10.0.2.2', sourcePort: 63673, method: 'publickey' },
      },
    ],
    [
      1,
      {
        pid: 7483,
        ssh: { outcome: 'accepted', user: 'vagrant', sourceIp: '192.168.33.1', sourcePort: 58803, method: 'password' },
      },
    ],
    [2, { pid: 3430, ssh: { outcome: 'invalid_user', user: 'test', sourceIp: '10.0.2.2' } }],
    [
      3,
      {
        host: 'slave22',
        pid: 5774,
        ssh: { outcome: 'failed', user: 'root', sourceIp: '216.160.83.57', sourcePort: 29160, method: 'password' },
      },
    ],
    [4, { host: 'localhost', process: 'sudo', ssh: undefined }],
    [5, { process: 'sshd', pid: 18406, message: 'Did not receive identification string from 2.125.160.217', ssh: undefined }],
    [6, { process: 'sudo', ssh: undefined }],
    [7, { host: 'precise32', process: 'sudo', ssh: undefined }],
    [8, { process: 'groupadd', pid: 6991, message: 'new group: name=apache, GID=48', ssh: undefined }],
    [9, { process: 'useradd', pid: 6995, ssh: undefined }],
  ])('line %i', (i, expected) => {
    expect(RAW_LINES).toHaveLength(10);
    const event = parsed[i]!;
    expect(event).toMatchObject({ id: `raw-${i}`, time: '2026-02-21T21:54:44.000Z' });
    for (const [key, value] of Object.entries(expected)) expect(event[key as keyof AuthEvent], key).toEqual(value);
  });
});

describe('parseAuthEvent: expected documents of every Filebeat generation', () => {
  const samples = [
    ...HITS_6X.map((h) => ({ generation: '6.x hit', hit: h })),
    ...DOCS_7X.map((d, i) => ({ generation: '7.x ECS', hit: hit(d, `7x-${i}`) })),
    ...DOCS_7X_TIMESTAMP.map((d, i) => ({ generation: '7.x ECS', hit: hit(d, `7t-${i}`) })),
    ...DOCS_8X.map((d, i) => ({ generation: '8.x journald', hit: hit(d, `8x-${i}`, '.ds-filebeat-8.15.0-2026.11.24-000001') })),
  ];

  it.each(samples.map((s, i) => [i, s.generation, s.hit] as const))(
    'sample %i (%s): outcome, user and IP as the pipeline recorded them',
    (_i, _generation, sample) => {
      const source = sample._source!;
      const event = parseAuthEvent(sample);
      const sshEvent = getField(source, 'system.auth.ssh.event') as string | undefined;
      if (sshEvent === undefined) {
        expect(event.ssh).toBeUndefined();
      } else {
        const user = (getField(source, 'user.name') ?? getField(source, 'system.auth.user')) as string;
        const ip = (getField(source, 'source.ip') ?? getField(source, 'system.auth.ssh.ip')) as string;
        expect(event.ssh).toMatchObject({ outcome: OUTCOME[sshEvent], user: user.trim(), sourceIp: ip });
      }
      expect(event.id).toBe(sample._id);
      expect(event.message).not.toBe('');
    },
  );

  it('rebuilds the message the 6.x/7.x pipeline removed from parsed lines', () => {
    const byId = (id: string) => parseAuthEvent(HITS_6X.find((h) => h._id === id)!);
    expect(byId('AVpwYhxbd3MQAzSWoGjH')).toMatchObject({
      host: 'slave22',
      pid: 5774,
      process: 'sshd',
      message: 'Failed password for root from 116.31.116.24 port 29160 ssh2',
      ssh: { outcome: 'failed', user: 'root', sourceIp: '116.31.116.24', sourcePort: 29160, method: 'password' },
    });
    expect(byId('AVpwYhxbd3MQAzSWoGjG').message).toBe('Invalid user test from 10.0.2.2');
    expect(byId('AVpwYhxbd3MQAzSWoGjK').message).toBe(
      'vagrant : TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/cat /var/log/secure',
    );
    expect(byId('AVpwYhxbd3MQAzSWoGjL').message).toBe(
      'tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls',
    );
    expect(byId('AVpwYhxbd3MQAzSWoGjM').message).toBe('new group: name=apache, GID=48');
    expect(byId('AVpwYhxbd3MQAzSWoGjN').message).toBe(
      'new user: name=apache, UID=48, GID=48, home=/usr/share/httpd, shell=/sbin/nologin',
    );
    expect(byId('AVpwYhxbd3MQAzSWoGjJ').message).toBe('Did not receive identification string from 123.57.245.163');

    expect(parseAuthEvent(hit(DOCS_7X[0]!))).toMatchObject({
      host: 'slave22',
      process: 'sshd',
      pid: 2738,
      message: 'Failed password for root from 202.196.224.106 port 1786 ssh2',
      ssh: { outcome: 'failed', user: 'root', sourceIp: '202.196.224.106', sourcePort: 1786, method: 'password' },
    });
  });

  it('reads the 8.x journald shape and fills the port from the message when only it has one', () => {
    const events = DOCS_8X.map((d) => parseAuthEvent(hit(d)));
    expect(events.map((e) => e.ssh?.outcome ?? null)).toEqual([
      'accepted',
      'accepted',
      'invalid_user',
      'failed',
      'failed',
      'failed',
      null,
      null,
      null,
    ]);
    expect(events[2]).toMatchObject({
      host: 'vagrant-debian-12',
      process: 'sshd',
      pid: 1721,
      message: 'Invalid user test from 192.168.42.119 port 48890',
      ssh: { outcome: 'invalid_user', user: 'test', sourceIp: '192.168.42.119', sourcePort: 48890 },
    });
    expect(events[0]!.ssh).toEqual({
      outcome: 'accepted',
      user: 'vagrant',
      sourceIp: '10.0.2.2',
      sourcePort: 48274,
      method: 'publickey',
    });
  });

  // Hand-made lines (not from a sample) for the sshd messages of an attempt like the handout's
  // `ssh hAx0R@IP`, as a document holds them when the pipeline did not parse them.
  it.each<[string, Partial<AuthEvent['ssh']>]>([
    ['Invalid user hAx0R from 203.0.113.7 port 52144', { outcome: 'invalid_user', user: 'hAx0R', sourceIp: '203.0.113.7', sourcePort: 52144 }],
    ['Invalid user  from 203.0.113.7', { outcome: 'invalid_user', user: null, sourceIp: '203.0.113.7' }],
    ['input_userauth_request: invalid user hAx0R [preauth]', { outcome: 'invalid_user', user: 'hAx0R', sourceIp: null }],
    [
      'Failed password for invalid user hAx0R from 203.0.113.7 port 52144 ssh2',
      { outcome: 'failed', user: 'hAx0R', sourceIp: '203.0.113.7', sourcePort: 52144, method: 'password' },
    ],
    [
      'Failed none for invalid user hAx0R from 2001:db8::7 port 52144 ssh2',
      { outcome: 'failed', user: 'hAx0R', sourceIp: '2001:db8::7', method: 'none' },
    ],
    [
      'Connection closed by invalid user hAx0R 203.0.113.7 port 52144 [preauth]',
      { outcome: 'invalid_user', user: 'hAx0R', sourceIp: '203.0.113.7', sourcePort: 52144 },
    ],
    [
      'Disconnected from invalid user hAx0R 203.0.113.7 port 52144 [preauth]',
      { outcome: 'invalid_user', user: 'hAx0R', sourceIp: '203.0.113.7' },
    ],
    [
      'Accepted password for ubuntu from 198.51.100.20 port 50022 ssh2',
      { outcome: 'accepted', user: 'ubuntu', sourceIp: '198.51.100.20', method: 'password' },
    ],
  ])('message fallback: %s', (message, ssh) => {
    expect(parseAuthEvent(hit({ '@timestamp': '2026-11-24T12:00:00Z', message, process: { name: 'sshd' } })).ssh).toMatchObject(
      ssh!,
    );
  });

  it('trims the leading space 8.x leaves on "invalid user" names', () => {
    const event = parseAuthEvent(
      hit({
        message: 'Failed password for invalid user admin from 203.0.113.7 port 4242 ssh2',
        user: { name: ' admin' },
        source: { ip: '203.0.113.7', port: 4242 },
        system: { auth: { ssh: { event: 'Failed', method: 'password' } } },
      }),
    );
    expect(event.ssh).toEqual({ outcome: 'failed', user: 'admin', sourceIp: '203.0.113.7', sourcePort: 4242, method: 'password' });
  });
});

describe('auth log requests read fields real Filebeat documents have', () => {
  it('every referenced field is in a sample, except host.name which Beats samples omit', () => {
    const docs: Doc[] = [...HITS_6X.map((h) => h._source!), ...DOCS_7X, ...DOCS_7X_TIMESTAMP, ...DOCS_8X];
    const cursor = encodeAuthTailCursor({
      v: 1,
      floor: 1,
      newest: 2,
      seen: [[2, 'x']],
      foldedTo: 1,
      positions: [['lab-host', '/var/log/auth.log', 100]],
      after: [2, '/var/log/auth.log', 120],
    });
    const fields = new Set([
      ...referencedFields(buildAuthTailRequest({ now: 0 }).body),
      ...referencedFields(buildAuthTailRequest({ cursor }).body),
      ...referencedFields(buildSshSummaryRequest({ now: 0 }).body),
    ]);
    expect([...fields].sort()).toEqual([...new Set(Object.values(AUTH_LOG_FIELDS))].sort());
    // Beats' expected documents omit host.name, which every shipped event carries (fixtures README).
    const missing = [...fields].filter((field) => !docs.some((d) => getField(d, field) !== undefined));
    expect(missing).toEqual(['host.name']);
  });
});
