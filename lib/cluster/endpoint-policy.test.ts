import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors';
import { parseCloudId, parseClusterUrl } from './cloud-id';
import { EndpointPolicy, isPublicAddress, parseAllowList, type ResolvedAddress, type Resolver } from './endpoint-policy';

const PUBLIC_IP = '35.190.12.34';
const PRACTICE_URL = 'http://127.0.0.1:9200';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A resolver from a table; a name missing from it does not exist. */
function fakeResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

const resolver = fakeResolver({
  'abc.us-east-1.aws.found.io': [PUBLIC_IP],
  'abc.us-central1.gcp.cloud.es.io': [PUBLIC_IP, '2600:1900:4000::1'],
  'localhost': ['127.0.0.1', '::1'],
  'rebind.us-east-1.aws.found.io': ['127.0.0.1'],
  'mixed.us-east-1.aws.found.io': [PUBLIC_IP, '10.0.0.8'],
  'mapped.us-east-1.aws.found.io': ['::ffff:10.0.0.1'],
  'nat64.us-east-1.aws.found.io': ['64:ff9b::a00:1'],
  'nat64-public.us-east-1.aws.found.io': ['64:ff9b::23be:c22'],
  'meta.us-east-1.aws.found.io': ['169.254.169.254'],
  'es.lab.internal': ['10.1.2.3'],
  'es.partner.example': [PUBLIC_IP],
  'metadata.google.internal': ['169.254.169.254'],
});

const policy = new EndpointPolicy({
  practiceUrls: [PRACTICE_URL],
  allowList: 'es.lab.internal, 192.168.50.0/24, es.partner.example:9200, 169.254.0.0/16',
  resolve: resolver,
});

async function refusal(input: string): Promise<AppError> {
  const endpoint = input.includes('://') || !input.includes(':') || input.startsWith('[') ? parseClusterUrl(input) : parseCloudId(input).endpoint;
  try {
    await policy.check(endpoint);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`${input} was allowed`);
}

describe('EndpointPolicy: refused', () => {
  it.each([
    'http://127.0.0.1:9201',
    'http://localhost:9200',
    'https://localhost',
    'http://0.0.0.0:9200',
    'http://[::1]:9200',
    'http://[::]:9200',
    'http://10.0.0.1:9200',
    'http://172.16.0.1:9200',
    'http://192.168.1.1:9200',
    'http://169.254.169.254',
    'http://2130706433',
    'http://0x7f000001:9201',
    'http://017700000001',
    'http://127.1:9201',
    'http://[::ffff:127.0.0.1]:9200',
    'http://[::ffff:a9fe:a9fe]',
    'http://[fd00:ec2::254]',
    'http://[fe80::1]:9200',
    'http://[fc00::1]:9200',
    'http://100.64.0.1:9200',
    'http://224.0.0.1:9200',
    'http://metadata.google.internal',
    'https://www.example.com',
    'https://8.8.8.8',
  ])('%s', async (url) => {
    const error = await refusal(url);
    expect(error.code).toBe('endpoint_not_allowed');
  });

  it.each(['127.0.0.1', 'localhost', '0.0.0.0', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '2130706433', '0x7f000001'])(
    'a Cloud ID whose host is %s',
    async (host) => {
      const cloudId = `lab:${b64(`${host}$abc$def`)}`;
      const error = await refusal(cloudId);
      expect(error.code).toBe('endpoint_not_allowed');
    },
  );

  it('a Cloud host name that resolves to loopback (DNS checked after the name)', async () => {
    const error = await refusal('https://rebind.us-east-1.aws.found.io');
    expect(error.code).toBe('endpoint_not_allowed');
    expect(error.params.reason).toBe('private_address');
    expect(error.detail).toMatch(/127\.0\.0\.1/);
  });

  it.each(['mixed', 'mapped', 'nat64', 'meta'])('a Cloud host name with a bad address among its answers (%s)', async (name) => {
    expect((await refusal(`https://${name}.us-east-1.aws.found.io`)).code).toBe('endpoint_not_allowed');
  });

  it('Elastic Cloud over http or on another port', async () => {
    expect((await refusal('http://abc.us-east-1.aws.found.io')).params.reason).toBe('scheme');
    expect((await refusal('https://abc.us-east-1.aws.found.io:9200')).params.reason).toBe('port');
  });

  it('a name that looks like Elastic Cloud but is not under its domain', async () => {
    expect((await refusal('https://found.io.evil.example')).params.reason).toBe('not_allowed_host');
    expect((await refusal('https://evilfound.io')).params.reason).toBe('not_allowed_host');
  });

  it('the practice port with another scheme or port', async () => {
    expect((await refusal('https://127.0.0.1:9200')).code).toBe('endpoint_not_allowed');
  });

  it('a metadata address even inside an operator-allowed range', async () => {
    expect((await refusal('http://169.254.169.254')).code).toBe('endpoint_not_allowed');
    expect((await refusal('http://169.254.170.2')).code).toBe('endpoint_not_allowed');
    expect((await policy.check(parseClusterUrl('http://169.254.10.10:9200'))).kind).toBe('operator');
  });

  it('127.1:9200 is the practice URL spelt differently, so it is the practice cluster', async () => {
    expect((await policy.check(parseClusterUrl('http://127.1:9200'))).kind).toBe('practice');
  });

  it('a host ending in a number that is no address, which URL parsing already refuses', () => {
    expect(() => parseClusterUrl('https://abc.127.0.0.1')).toThrow(/invalid_url/);
  });

  it('reports an unknown name as dns_failed', async () => {
    const error = await refusal('https://gone.us-east-1.aws.found.io');
    expect(error.code).toBe('dns_failed');
    expect(error.params.host).toBe('gone.us-east-1.aws.found.io');
  });
});

describe('EndpointPolicy: allowed', () => {
  it('an Elastic Cloud host that resolves to public addresses', async () => {
    const checked = await policy.check(parseCloudId(`x:${b64('us-east-1.aws.found.io$abc$def')}`).endpoint);
    expect(checked).toEqual({
      kind: 'elastic-cloud',
      protocol: 'https:',
      hostname: 'abc.us-east-1.aws.found.io',
      port: 443,
      addresses: [{ address: PUBLIC_IP, family: 4 }],
    });
    const gcp = await policy.check(parseClusterUrl('https://abc.us-central1.gcp.cloud.es.io:9243'));
    expect(gcp.kind).toBe('elastic-cloud');
  });

  it('the practice cluster URL, without DNS', async () => {
    const calls = resolver.calls.length;
    expect((await policy.check(parseClusterUrl(PRACTICE_URL))).kind).toBe('practice');
    expect(resolver.calls.length).toBe(calls);
  });

  it('operator-allowed hosts: a name (even when it resolves privately), a CIDR, a host:port', async () => {
    expect((await policy.check(parseClusterUrl('http://es.lab.internal:9200'))).kind).toBe('operator');
    expect((await policy.check(parseClusterUrl('http://192.168.50.7:9200'))).kind).toBe('operator');
    expect((await policy.check(parseClusterUrl('http://es.partner.example:9200'))).kind).toBe('operator');
    await expect(policy.check(parseClusterUrl('http://es.partner.example:9300'))).rejects.toMatchObject({ code: 'endpoint_not_allowed' });
  });
});

describe('EndpointPolicy.lookupFor (connect-time check against DNS rebinding)', () => {
  function lookup(fn: ReturnType<EndpointPolicy['lookupFor']>, hostname: string, all: boolean) {
    return new Promise<unknown>((resolve, reject) => {
      fn(hostname, { all }, (error, address, family) => (error ? reject(error) : resolve(all ? address : { address, family })));
    });
  }

  it('answers with the allowed addresses, and refuses when the name now points elsewhere', async () => {
    const answers: Record<string, string[]> = { 'abc.us-east-1.aws.found.io': [PUBLIC_IP] };
    const changing = new EndpointPolicy({ resolve: async (name) => (answers[name] ?? []).map((address) => ({ address, family: 4 as const })) });
    const checked = await changing.check(parseClusterUrl('https://abc.us-east-1.aws.found.io'));
    const guarded = changing.lookupFor(checked);
    expect(await lookup(guarded, 'abc.us-east-1.aws.found.io', true)).toEqual([{ address: PUBLIC_IP, family: 4 }]);
    expect(await lookup(guarded, 'abc.us-east-1.aws.found.io', false)).toEqual({ address: PUBLIC_IP, family: 4 });

    answers['abc.us-east-1.aws.found.io'] = ['127.0.0.1'];
    await expect(lookup(guarded, 'abc.us-east-1.aws.found.io', true)).rejects.toMatchObject({ code: 'ERR_ENDPOINT_NOT_ALLOWED' });
  });

  it('resolves the practice cluster name normally', async () => {
    const resolve = vi.fn(async () => [{ address: '127.0.0.1', family: 4 as const }]);
    const practice = new EndpointPolicy({ practiceUrls: ['http://localhost:9200'], resolve });
    const checked = await practice.check(parseClusterUrl('http://localhost:9200'));
    expect(await lookup(practice.lookupFor(checked), 'localhost', false)).toEqual({ address: '127.0.0.1', family: 4 });
  });
});

describe('address classification and the allow-list', () => {
  it.each([
    ['8.8.8.8', true],
    ['2600:1f18::1', true],
    ['64:ff9b::808:808', true],
    ['127.0.0.1', false],
    ['::ffff:192.168.0.1', false],
    ['100.100.100.200', false],
    ['198.18.0.1', false],
    ['2001:db8::1', false],
    ['255.255.255.255', false],
    ['not an ip', false],
  ])('%s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('reads hosts, wildcards, host:port, IPv6 with port and CIDRs', () => {
    expect(parseAllowList('es.local, *.corp.example  10.0.0.0/8\n[fd00::5]:9200,es2:9243')).toEqual([
      { type: 'name', name: 'es.local', port: null },
      { type: 'suffix', suffix: '.corp.example', port: null },
      { type: 'cidr', range: [expect.anything(), 8], port: null },
      { type: 'cidr', range: [expect.anything(), 128], port: 9200 },
      { type: 'name', name: 'es2', port: 9243 },
    ]);
  });

  it('fails loudly on an entry it cannot read', () => {
    expect(() => parseAllowList('10.0.0.0/33')).toThrow(/ALLOWED_CLUSTER_HOSTS/);
    expect(() => parseAllowList('es.local:http')).toThrow(/ALLOWED_CLUSTER_HOSTS/);
    expect(() => parseAllowList('https://es.local')).toThrow(/ALLOWED_CLUSTER_HOSTS/);
  });
});
