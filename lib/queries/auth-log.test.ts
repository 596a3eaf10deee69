import { describe, expect, it } from 'vitest';
import {
  AUTH_LOG_FIELDS,
  AUTH_LOG_INDEX,
  AUTH_TAIL_MAX_SEEN,
  type AuthEvent,
  buildAuthTailRequest,
  buildSshSummaryRequest,
  decodeAuthTailCursor,
  encodeAuthTailCursor,
  kibanaLogsLink,
  type KibanaLogsLink,
  parseAuthEvent,
  parseAuthTail,
  parseFilebeatModuleStatus,
  parseSshSummary,
  type SshOutcome,
} from './auth-log';
import { getField, type SearchHit } from './common';
import { FilterSyntaxError } from './filter-language';
import { localJson, localText, referencedFields } from './testing/fixtures';
import { simulateSearch, type StoredDoc } from './testing/simulate-search';

type Doc = Record<string, unknown>;

// Real samples from elastic/beats (see __fixtures__/README.md).
const RAW_LINES = localText('filebeat-system-auth-test.log').trimEnd().split('\n');
const HITS_6X = localJson<SearchHit[]>('filebeat-system-auth-expected.json');
const DOCS_7X = localJson<Doc[]>('filebeat-system-auth-secure-rhel7-expected-excerpt.json');
const DOCS_7X_TIMESTAMP = localJson<Doc[]>('filebeat-system-auth-timestamp-expected.json');
const DOCS_8X = localJson<Doc[]>('filebeat-system-auth-debian-12-expected.json');

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

// ---------------------------------------------------------------------------------------------
// Tail
// ---------------------------------------------------------------------------------------------

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const SEC = 1000;

interface LabDoc extends StoredDoc {
  /** When the document becomes searchable (Filebeat batching + index refresh). */
  visibleAt: number;
}

/** A real 7.x or 8.x sample, re-timed onto the lab host with its own log position. */
function authDoc(
  id: string,
  ms: number,
  opts: { visibleAt?: number; offset?: number; flavour?: '7' | '8'; template?: Doc; host?: string } = {},
): LabDoc {
  const flavour = opts.flavour ?? '7';
  const template = opts.template ?? (flavour === '7' ? DOCS_7X[0]! : DOCS_8X[3]!);
  const source: Doc = {
    ...structuredClone(template),
    '@timestamp': new Date(ms).toISOString(),
    'host.name': opts.host ?? 'lab-host',
  };
  if (flavour === '7') {
    source['log.file.path'] = '/var/log/auth.log';
    source['log.offset'] = opts.offset ?? 0;
  }
  return {
    index: flavour === '7' ? 'filebeat-7.17.0-2026.11.24' : '.ds-filebeat-8.15.0-2026.11.24-000001',
    id,
    source,
    visibleAt: opts.visibleAt ?? ms,
  };
}

class LabCluster {
  readonly docs: LabDoc[] = [];
  requests = 0;

  add(...docs: LabDoc[]): void {
    this.docs.push(...docs);
  }

  /** One panel refresh at `now`: build, search what is visible, parse. */
  poll(cursor: string | undefined, now: number, size?: number, filter?: string) {
    const request = buildAuthTailRequest({ cursor, now, size, filter });
    this.requests++;
    const visible = this.docs.filter((d) => d.visibleAt <= now);
    return { request, ...parseAuthTail(simulateSearch(visible, request, now), cursor, { now, size }) };
  }
}

/** Polls like the panel until nothing more is waiting; returns every event delivered. */
function drain(cluster: LabCluster, cursor: string | undefined, now: number, size?: number) {
  const events: AuthEvent[] = [];
  let next = cursor;
  for (let i = 0; i < 100; i++) {
    const page = cluster.poll(next, now, size);
    events.push(...page.events);
    next = page.cursor;
    if (!page.more) break;
  }
  return { events, cursor: next! };
}

function expectNoDuplicates(events: AuthEvent[]): void {
  const ids = events.map((e) => e.id);
  expect(ids.length - new Set(ids).size, 'duplicates').toBe(0);
}

describe('auth log tail', () => {
  it('first page: the last 15 minutes, newest first, from 7.x and 8.x indices', () => {
    const cluster = new LabCluster();
    cluster.add(
      authDoc('old', T0 - 20 * 60 * SEC),
      authDoc('a', T0 - 60 * SEC, { offset: 0 }),
      authDoc('b', T0 - 30 * SEC, { flavour: '8' }),
      authDoc('c', T0 - 10 * SEC, { offset: 97 }),
    );
    const page = cluster.poll(undefined, T0);
    expect(page.request.index).toBe(AUTH_LOG_INDEX);
    expect(page.events.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(page.events[1]!.ssh).toMatchObject({ outcome: 'failed', user: 'root', sourceIp: '192.168.42.119' });
    expect(page.more).toBe(false);
    const state = decodeAuthTailCursor(page.cursor)!;
    expect(state.newest).toBe(T0 - 10 * SEC);
    expect(state.floor).toBe(T0 - 20 * SEC);
  });

  it('always filters on the system.auth dataset and applies the filter box', () => {
    const { body } = buildAuthTailRequest({ filter: 'user.name: hAx*', now: T0 });
    expect(body.query).toMatchObject({
      bool: {
        filter: expect.arrayContaining([
          { term: { 'event.dataset': 'system.auth' } },
          { wildcard: { 'user.name': { value: 'hAx*' } } },
        ]),
      },
    });
    expect(() => buildAuthTailRequest({ filter: 'user.name:' })).toThrow(FilterSyntaxError);
    expect(JSON.stringify(buildAuthTailRequest().body)).toContain('"gte":"now-15m"');
  });

  it('sorts on @timestamp with log position tie-breakers that never need _id or a PIT', () => {
    const { body } = buildAuthTailRequest({ now: T0 });
    expect(body.sort).toEqual([
      { '@timestamp': { order: 'desc' } },
      { 'log.file.path': { order: 'desc', unmapped_type: 'keyword', missing: '' } },
      { 'log.offset': { order: 'desc', unmapped_type: 'long', missing: -1 } },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/_id"|_shard_doc|"pit"/);
  });

  it('events sharing a timestamp and a late event inside the overlap: no duplicates, no gaps', () => {
    const cluster = new LabCluster();
    cluster.add(authDoc('a', T0 - 30 * SEC, { offset: 0 }));
    const first = cluster.poll(undefined, T0);
    expect(first.events.map((e) => e.id)).toEqual(['a']);

    // Five attempts in one syslog second; Filebeat has shipped three when the panel polls.
    const burst = ['s1', 's2', 's3', 's4', 's5'].map((id, i) =>
      authDoc(id, T0 + 5 * SEC, { offset: 100 * (i + 1), visibleAt: i < 3 ? T0 + 5 * SEC : T0 + 8 * SEC }),
    );
    cluster.add(...burst);
    const second = cluster.poll(first.cursor, T0 + 6 * SEC);
    expect(second.events.map((e) => e.id)).toEqual(['s3', 's2', 's1']);

    // The other two arrive, an event from 4 s earlier shows up late (an 8.x journald one without a
    // log position), and a new one.
    cluster.add(
      authDoc('late', T0 + 1 * SEC, { flavour: '8', visibleAt: T0 + 9 * SEC }),
      authDoc('next', T0 + 9 * SEC, { offset: 600 }),
    );
    const third = cluster.poll(second.cursor, T0 + 10 * SEC);
    expect(third.events.map((e) => e.id)).toEqual(['next', 's5', 's4', 'late']);
    // What the poll asked for: from the overlap floor, minus what it already showed.
    expect(third.request.body.query).toMatchObject({
      bool: { must_not: [{ ids: { values: expect.arrayContaining(['s1', 's2', 's3']) } }] },
    });
    expect(third.request.body.search_after).toBeUndefined();

    const fourth = cluster.poll(third.cursor, T0 + 12 * SEC);
    expect(fourth.events).toEqual([]);

    const all = [...first.events, ...second.events, ...third.events, ...fourth.events];
    expectNoDuplicates(all);
    expect(all.map((e) => e.id).sort()).toEqual(cluster.docs.map((d) => d.id).sort());
  });

  it('an event later than the overlap window is the documented loss', () => {
    const cluster = new LabCluster();
    cluster.add(authDoc('a', T0, { offset: 0 }));
    const first = cluster.poll(undefined, T0 + SEC);
    cluster.add(authDoc('b', T0 + 20 * SEC, { offset: 100 }));
    const second = cluster.poll(first.cursor, T0 + 21 * SEC);
    cluster.add(authDoc('too-late', T0 + 5 * SEC, { offset: 50, visibleAt: T0 + 40 * SEC }));
    const third = cluster.poll(second.cursor, T0 + 41 * SEC);
    expect(third.events).toEqual([]);
  });

  it('pages through more same-second events than the cursor can list: search_after, then positions', () => {
    const cluster = new LabCluster();
    cluster.add(authDoc('before', T0 - 5 * SEC, { offset: 0 }));
    const first = cluster.poll(undefined, T0);
    const burst = Array.from({ length: 450 }, (_, i) => authDoc(`b${i}`, T0 + 2 * SEC, { offset: 100 + i }));
    cluster.add(...burst);

    const pages = [];
    let cursor = first.cursor;
    for (let i = 0; i < 10; i++) {
      const page = cluster.poll(cursor, T0 + 3 * SEC, 200);
      pages.push(page);
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(pages.map((p) => p.events.length)).toEqual([200, 200, 50]);
    // A full page continues right after its last event.
    expect(pages[0]!.request.body.search_after).toBeUndefined();
    expect(pages[1]!.request.body.search_after).toEqual([T0 + 2 * SEC, '/var/log/auth.log', 299]);
    expect(pages[2]!.request.body.search_after).toEqual([T0 + 2 * SEC, '/var/log/auth.log', 499]);
    const all = [...first.events, ...pages.flatMap((p) => p.events)];
    expectNoDuplicates(all);
    expect(all).toHaveLength(451);

    // The crowded second no longer fits as ids: it is remembered as "auth.log up to offset 549".
    const state = decodeAuthTailCursor(cursor)!;
    expect(state).toMatchObject({ foldedTo: T0 + 2 * SEC, positions: [['lab-host', '/var/log/auth.log', 549]] });
    expect(state.seen.flatMap(([, ...ids]) => ids).length).toBeLessThanOrEqual(AUTH_TAIL_MAX_SEEN);
    expect(cursor.length).toBeLessThan(8_000);

    // Quiet polls afterwards stay quiet; the next line of the file is news.
    for (const at of [5, 7, 9]) {
      const quiet = cluster.poll(cursor, T0 + at * SEC);
      expect(quiet.events).toEqual([]);
      expect(quiet.request.body.search_after).toBeUndefined();
      cursor = quiet.cursor;
    }
    cluster.add(authDoc('after', T0 + 2 * SEC, { offset: 600, visibleAt: T0 + 10 * SEC }));
    expect(cluster.poll(cursor, T0 + 11 * SEC).events.map((e) => e.id)).toEqual(['after']);
  });

  it('journald events (no log position) crowding one millisecond: bounded cursor, never repeated', () => {
    const cluster = new LabCluster();
    const first = cluster.poll(undefined, T0);
    cluster.add(...Array.from({ length: 450 }, (_, i) => authDoc(`j${i}`, T0 + SEC, { flavour: '8' })));
    const { events, cursor } = drain(cluster, first.cursor, T0 + 2 * SEC, 200);
    expectNoDuplicates(events);
    // Without log positions a millisecond holding more than the cursor lists is stepped over after
    // its first page: the documented loss.
    expect(events).toHaveLength(200);
    expect(decodeAuthTailCursor(cursor)).toMatchObject({ floor: T0 + SEC + 1, seen: [] });
    cluster.add(authDoc('after', T0 + 3 * SEC, { flavour: '8' }));
    expect(cluster.poll(cursor, T0 + 4 * SEC).events.map((e) => e.id)).toEqual(['after']);
  });

  it('drains a burst of 1 000 events over a few seconds page by page', () => {
    const cluster = new LabCluster();
    const first = cluster.poll(undefined, T0);
    expect(first.events).toEqual([]);
    cluster.add(...Array.from({ length: 1000 }, (_, i) => authDoc(`e${i}`, T0 + Math.floor(i / 250) * SEC, { offset: i * 100 })));
    const { events, cursor } = drain(cluster, first.cursor, T0 + 5 * SEC, 200);
    expectNoDuplicates(events);
    expect(events).toHaveLength(1000);
    expect(cursor.length).toBeLessThan(8_000);
  });

  it('random arrival orders within the overlap: every event exactly once', () => {
    let seed = 20261124;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 20; run++) {
      const cluster = new LabCluster();
      let cursor = cluster.poll(undefined, T0).cursor;
      const delivered: AuthEvent[] = [];
      let n = 0;
      for (let now = T0; now < T0 + 90 * SEC; now += SEC) {
        // Up to 8 events a second, syslog (whole-second) timestamps, searchable 0–8 s later.
        const count = Math.floor(random() * 9);
        for (let i = 0; i < count; i++) {
          const ms = Math.floor(now / SEC) * SEC;
          cluster.add(
            authDoc(`r${run}-${n}`, ms, {
              offset: n * 97,
              flavour: random() < 0.3 ? '8' : '7',
              visibleAt: now + Math.floor(random() * 8 * SEC),
            }),
          );
          n++;
        }
        if (Math.floor((now - T0) / SEC) % 3 === 0) {
          const page = drain(cluster, cursor, now, 50);
          delivered.push(...page.events);
          cursor = page.cursor;
        }
      }
      delivered.push(...drain(cluster, cursor, T0 + 100 * SEC, 50).events);
      expectNoDuplicates(delivered);
      expect(delivered.length, `run ${run}`).toBe(cluster.docs.length);
    }
  });

  it('random brute-force bursts and a second host shipping late: every event exactly once', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 5; run++) {
      const cluster = new LabCluster();
      let cursor = cluster.poll(undefined, T0).cursor;
      const delivered: AuthEvent[] = [];
      let n = 0;
      let offset = 0;
      // Filebeat ships a file's lines in order: a line is never searchable before an earlier one.
      let shippedUpTo = T0;
      for (let now = T0; now < T0 + 30 * SEC; now += SEC) {
        // The lab host: now and then a brute-force burst of up to 600 lines in one syslog second.
        const count = random() < 0.2 ? Math.floor(random() * 600) : Math.floor(random() * 5);
        for (let i = 0; i < count; i++) {
          shippedUpTo = Math.max(shippedUpTo, now + Math.floor((2 * SEC * i) / count));
          cluster.add(authDoc(`a${run}-${n++}`, now, { offset: (offset += 80), visibleAt: shippedUpTo }));
        }
        // A second host (journald, no log position) whose events arrive up to 8 s late.
        if (random() < 0.5) {
          cluster.add(
            authDoc(`b${run}-${n++}`, now, { flavour: '8', host: 'other-host', visibleAt: now + Math.floor(random() * 8 * SEC) }),
          );
        }
        const page = drain(cluster, cursor, now, 200);
        delivered.push(...page.events);
        cursor = page.cursor;
        expect(cursor.length).toBeLessThan(8_000);
      }
      delivered.push(...drain(cluster, cursor, T0 + 40 * SEC, 200).events);
      expectNoDuplicates(delivered);
      expect(delivered.length, `run ${run}`).toBe(cluster.docs.length);
    }
  });

  it('a host clock running ahead does not hide the other hosts', () => {
    const cluster = new LabCluster();
    // KST written as UTC (timezone not converted): nine hours in the future.
    cluster.add(authDoc('future', T0 + 9 * 3600 * SEC, { offset: 0, visibleAt: T0 }));
    const first = cluster.poll(undefined, T0);
    expect(first.events.map((e) => e.id)).toEqual(['future']);
    cluster.add(authDoc('now', T0 + 3 * SEC, { flavour: '8' }));
    expect(cluster.poll(first.cursor, T0 + 4 * SEC).events.map((e) => e.id)).toEqual(['now']);
  });

  it('a full first page shows the newest events and does not bring the older ones back as new', () => {
    const cluster = new LabCluster();
    cluster.add(...Array.from({ length: 30 }, (_, i) => authDoc(`h${i}`, T0 - 60 * SEC + i * SEC, { offset: i })));
    const first = cluster.poll(undefined, T0, 10);
    expect(first.events.map((e) => e.id)).toEqual(['h29', 'h28', 'h27', 'h26', 'h25', 'h24', 'h23', 'h22', 'h21', 'h20']);
    expect(first.more).toBe(false);
    cluster.add(authDoc('new', T0 + SEC, { offset: 99 }));
    expect(cluster.poll(first.cursor, T0 + 2 * SEC, 10).events.map((e) => e.id)).toEqual(['new']);
  });

  it('cursors are base64url JSON; an unreadable or forged one starts over with the first page', () => {
    const state = { v: 1 as const, floor: T0, newest: T0, seen: [[T0, 'x', 'y']] as [number, ...string[]][] };
    const cursor = encodeAuthTailCursor(state);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAuthTailCursor(cursor)).toEqual(state);
    for (const bad of ['', 'not*base64', encodeAuthTailCursor({ v: 2 } as never), btoa('{"v":1}')]) {
      expect(decodeAuthTailCursor(bad)).toBeNull();
      expect(buildAuthTailRequest({ cursor: bad, now: T0 }).body.sort).toEqual(buildAuthTailRequest({ now: T0 }).body.sort);
    }
    const tooMany = encodeAuthTailCursor({
      v: 1,
      floor: T0,
      seen: [[T0, ...Array.from({ length: AUTH_TAIL_MAX_SEEN + 1 }, (_, i) => `i${i}`)]],
    });
    expect(decodeAuthTailCursor(tooMany)).toBeNull();

    // The largest cursor a poll can produce, with Elasticsearch's 20-character ids, fits a URL.
    const id = (i: number) => `AVpwYhxbd3MQ${String(i).padStart(8, '0')}`;
    const largest = encodeAuthTailCursor({
      v: 1,
      floor: T0,
      newest: T0 + 10 * SEC,
      seen: Array.from({ length: 10 }, (_, g) => [T0 + g * SEC, ...Array.from({ length: 15 }, (_, i) => id(g * 15 + i))]) as never,
      foldedTo: T0,
      positions: Array.from({ length: 16 }, (_, i) => [`host-${i}.example.internal`, '/var/log/auth.log', 123_456_789]),
      after: [T0 + 10 * SEC, '/var/log/auth.log', 123_456_789],
    });
    expect(decodeAuthTailCursor(largest)).not.toBeNull();
    expect(largest.length).toBeLessThan(8_000);
  });

  it('still never repeats an event when the cluster ignores must_not', () => {
    const response = (ids: string[]) => ({
      hits: {
        total: { value: ids.length, relation: 'eq' },
        hits: ids.map((id, i) => ({
          _id: id,
          _source: { '@timestamp': new Date(T0 + i).toISOString(), message: 'x' },
          sort: [T0 + i, '', -1],
        })),
      },
    });
    const first = parseAuthTail(response(['a', 'b']), undefined, { now: T0 });
    const second = parseAuthTail(response(['a', 'b', 'c']), first.cursor, { now: T0 });
    expect(second.events.map((e) => e.id)).toEqual(['c']);
  });
});

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

describe('SSH attempts summary', () => {
  const at = (i: number) => new Date(T0 - (i + 1) * 60 * SEC).toISOString();
  const docs: StoredDoc[] = [
    ...DOCS_7X.map((d, i) => ({ index: 'filebeat-7.17.0-2026.11.24', id: `7-${i}`, source: { ...d, '@timestamp': at(i) } })),
    ...DOCS_8X.map((d, i) => ({
      index: '.ds-filebeat-8.15.0-2026.11.24-000001',
      id: `8-${i}`,
      source: { ...d, '@timestamp': at(i) },
    })),
    // Hand-made 8.x pair: the same invalid user indexed with and without the pipeline's leading space.
    ...[' admin', 'admin'].map((name, i) => ({
      index: '.ds-filebeat-8.15.0-2026.11.24-000001',
      id: `admin-${i}`,
      source: {
        '@timestamp': at(1),
        'event.dataset': 'system.auth',
        'system.auth.ssh.event': 'Failed',
        'user.name': name,
        'source.ip': '203.0.113.7',
      },
    })),
    // Outside the range.
    {
      index: 'filebeat-7.17.0-2026.11.23',
      id: 'old',
      source: { ...DOCS_7X[0]!, '@timestamp': new Date(T0 - 3 * 3600 * SEC).toISOString() },
    },
  ];

  it('counts failed, invalid-user and accepted attempts per user and source IP', () => {
    const request = buildSshSummaryRequest({ range: '1h', now: T0 });
    const summary = parseSshSummary(simulateSearch(docs, request, T0));
    expect(summary.rows).toEqual([
      { user: 'root', sourceIp: '192.168.42.119', failed: 3, invalidUser: 0, accepted: 0, total: 3 },
      { user: 'root', sourceIp: '202.196.224.106', failed: 3, invalidUser: 0, accepted: 0, total: 3 },
      { user: 'admin', sourceIp: '203.0.113.7', failed: 2, invalidUser: 0, accepted: 0, total: 2 },
      { user: 'test', sourceIp: '192.168.42.119', failed: 0, invalidUser: 1, accepted: 0, total: 1 },
      { user: 'vagrant', sourceIp: '10.0.2.2', failed: 0, invalidUser: 0, accepted: 1, total: 1 },
      { user: 'vagrant', sourceIp: '192.168.42.119', failed: 0, invalidUser: 0, accepted: 1, total: 1 },
    ]);
    expect(summary.totals).toEqual({ failed: 8, invalidUser: 1, accepted: 2, total: 11 });
  });

  it('is empty, not an error, on a cluster without Filebeat data', () => {
    const summary = parseSshSummary(simulateSearch([], buildSshSummaryRequest({ now: T0 }), T0));
    expect(summary).toEqual({ rows: [], totals: { failed: 0, invalidUser: 0, accepted: 0, total: 0 } });
    expect(buildSshSummaryRequest().body.query).toMatchObject({
      bool: { filter: expect.arrayContaining([{ range: { '@timestamp': { gte: 'now-15m', lte: 'now' } } }]) },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Module status and Kibana link
// ---------------------------------------------------------------------------------------------

describe('Filebeat system module status', () => {
  it('reads the auth pipelines `filebeat setup` loaded, newest Filebeat first', () => {
    const status = parseFilebeatModuleStatus({
      'filebeat-7.6.2-system-auth-pipeline': { description: 'Pipeline for parsing system authorisation/secure logs' },
      'filebeat-7.17.0-system-auth-pipeline': { processors: [] },
      'filebeat-8.15.0-system-auth-pipeline': { processors: [] },
    });
    expect(status).toEqual({
      installed: true,
      pipelines: [
        { id: 'filebeat-8.15.0-system-auth-pipeline', version: '8.15.0' },
        { id: 'filebeat-7.17.0-system-auth-pipeline', version: '7.17.0' },
        { id: 'filebeat-7.6.2-system-auth-pipeline', version: '7.6.2' },
      ],
    });
    // ES answers 404 `{}` when the pattern matches nothing; the adapter turns 404 into null.
    expect(parseFilebeatModuleStatus(null)).toEqual({ installed: false, pipelines: [] });
    expect(parseFilebeatModuleStatus({})).toEqual({ installed: false, pipelines: [] });
  });
});

describe('Open in Kibana (Logs)', () => {
  const kibana = 'https://c6c2ca6d042249af0cc7d7a9e9625743.us-east-1.aws.found.io:443/';
  const decoded = (url: string) => decodeURIComponent(url);

  it.each<[string, { major: number; minor: number | null }, string, KibanaLogsLink['app']]>([
    ['7.6 (hash routes)', { major: 7, minor: 6 }, "/app/logs#/stream?logFilter=(expression:'event.dataset: \"system.auth\"',kind:kuery)", 'logs'],
    ['7.12', { major: 7, minor: 12 }, "/app/logs/stream?logFilter=(expression:'event.dataset: \"system.auth\"',kind:kuery)", 'logs'],
    ['7.17', { major: 7, minor: 17 }, "/app/logs/stream?logFilter=(language:kuery,query:'event.dataset: \"system.auth\"')", 'logs'],
    ['8.15', { major: 8, minor: 15 }, "/app/logs/stream?logFilter=(language:kuery,query:'event.dataset: \"system.auth\"')", 'logs'],
    ['9.0 (no Logs stream)', { major: 9, minor: 0 }, "/app/discover#/?_a=(query:(language:kuery,query:'event.dataset: \"system.auth\"'))", 'discover'],
  ])('%s', (_name, version, path, app) => {
    const link = kibanaLogsLink(kibana, version);
    expect(link.app).toBe(app);
    expect(decoded(link.url)).toBe(`https://c6c2ca6d042249af0cc7d7a9e9625743.us-east-1.aws.found.io:443${path}`);
  });

  it('adds the filter and escapes it for Kibana’s URL state (rison)', () => {
    const link = kibanaLogsLink(kibana, { major: 8, minor: 15 }, "user.name: hAx0R and message: \"it's!\"");
    expect(decoded(link.url)).toContain(`query:'event.dataset: "system.auth" and (user.name: hAx0R and message: "it!'s!!")'`);
    expect(link.url).not.toMatch(/ /);
  });
});
