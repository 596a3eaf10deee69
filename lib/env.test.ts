import { describe, expect, it } from 'vitest';
import { parseServerEnv, practiceClusterUrl } from './env';

describe('parseServerEnv', () => {
  it('applies the embedded defaults', () => {
    expect(parseServerEnv({})).toMatchObject({ PRACTICE_CLUSTER_PORT: 9200, PRACTICE_CLUSTER: true });
  });

  it('keeps the embedded database unless DATABASE_URL names a PostgreSQL server', () => {
    const embedded = parseServerEnv({});
    expect(embedded.DATABASE_URL).toBeUndefined();
    expect(embedded.DATA_DIR).toBe('./data');
    expect(parseServerEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    const url = 'postgres://lab:secret@db.internal:5432/lab';
    expect(parseServerEnv({ DATABASE_URL: url, DATA_DIR: '/var/lib/lab' })).toMatchObject({ DATABASE_URL: url, DATA_DIR: '/var/lib/lab' });
  });

  it('keeps ten PostgreSQL connections unless told otherwise, between 1 and 200', () => {
    expect(parseServerEnv({}).DATABASE_POOL_SIZE).toBe(10);
    expect(parseServerEnv({ DATABASE_POOL_SIZE: '24' }).DATABASE_POOL_SIZE).toBe(24);
    for (const bad of ['0', '201', 'many', '2.5']) expect(() => parseServerEnv({ DATABASE_POOL_SIZE: bad })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('names the variable that is wrong', () => {
    expect(() => parseServerEnv({ PRACTICE_CLUSTER_PORT: 'ninety' })).toThrow(/PRACTICE_CLUSTER_PORT/);
    expect(() => parseServerEnv({ PRACTICE_CLUSTER: 'maybe' })).toThrow(/PRACTICE_CLUSTER/);
    expect(() => parseServerEnv({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => parseServerEnv({ DATABASE_URL: 'mysql://db/lab' })).toThrow(/DATABASE_URL/);
    expect(() => parseServerEnv({ PRACTICE_CLUSTER_URL: 'ftp://127.0.0.1:9200' })).toThrow(/PRACTICE_CLUSTER_URL/);
  });

  it('finds the practice cluster on its port, at PRACTICE_CLUSTER_URL, or nowhere', () => {
    expect(practiceClusterUrl(parseServerEnv({}))).toBe('http://127.0.0.1:9200');
    expect(practiceClusterUrl(parseServerEnv({ PRACTICE_CLUSTER_PORT: '9230' }))).toBe('http://127.0.0.1:9230');
    expect(practiceClusterUrl(parseServerEnv({ PRACTICE_CLUSTER_URL: 'http://127.0.0.1:9300/' }))).toBe('http://127.0.0.1:9300');
    expect(practiceClusterUrl(parseServerEnv({ PRACTICE_CLUSTER: 'false', PRACTICE_CLUSTER_URL: 'http://127.0.0.1:9300' }))).toBeNull();
  });
});

describe('sign-in and credential settings', () => {
  it('treats empty values as unset and checks the secrets', () => {
    const env = parseServerEnv({ AUTH_SECRET: '', INSTRUCTOR_PASSWORD: '' });
    expect(env.AUTH_SECRET).toBeUndefined();
    expect(env.INSTRUCTOR_PASSWORD).toBeUndefined();
    expect(() => parseServerEnv({ AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET/);
    expect(() => parseServerEnv({ INSTRUCTOR_PASSWORD: 'abc' })).toThrow(/INSTRUCTOR_PASSWORD/);
    expect(() => parseServerEnv({ NEXTAUTH_URL: 'nope' })).toThrow(/NEXTAUTH_URL/);
    expect(parseServerEnv({ ALLOWED_CLUSTER_HOSTS: 'es.internal:9200,10.1.0.0/16' }).ALLOWED_CLUSTER_HOSTS).toBe('es.internal:9200,10.1.0.0/16');
  });
});

describe('class board settings', () => {
  it('defaults to a check every 15 s and stuck after 10 minutes', () => {
    expect(parseServerEnv({})).toMatchObject({
      BOARD_VERIFY_INTERVAL_MS: 15_000,
      BOARD_VERIFY_CONCURRENCY: 8,
      BOARD_VERIFY_PER_CLUSTER: 2,
      BOARD_VERIFY_MAX_BACKOFF_MS: 300_000,
      BOARD_STUCK_MINUTES: 10,
      BOARD_STUCK_REPEATS: 3,
    });
  });

  it('takes other values and refuses nonsense', () => {
    expect(parseServerEnv({ BOARD_VERIFY_INTERVAL_MS: '0', BOARD_STUCK_MINUTES: '5' })).toMatchObject({ BOARD_VERIFY_INTERVAL_MS: 0, BOARD_STUCK_MINUTES: 5 });
    expect(() => parseServerEnv({ BOARD_VERIFY_INTERVAL_MS: '-1' })).toThrow(/BOARD_VERIFY_INTERVAL_MS/);
    expect(() => parseServerEnv({ BOARD_VERIFY_CONCURRENCY: '0' })).toThrow(/BOARD_VERIFY_CONCURRENCY/);
    expect(() => parseServerEnv({ BOARD_STUCK_REPEATS: '1' })).toThrow(/BOARD_STUCK_REPEATS/);
  });
});

describe('client identity settings', () => {
  it('parses TRUSTED_PROXIES as addresses and ranges, and names a bad entry', () => {
    expect(parseServerEnv({}).TRUSTED_PROXIES).toEqual([]);
    expect(parseServerEnv({ TRUSTED_PROXIES: '' }).TRUSTED_PROXIES).toEqual([]);
    const proxies = parseServerEnv({ TRUSTED_PROXIES: '10.0.0.5, 172.16.0.0/12,::1' }).TRUSTED_PROXIES;
    expect(proxies.map((proxy) => `${proxy.address.toString()}/${proxy.bits}`)).toEqual(['10.0.0.5/32', '172.16.0.0/12', '::1/128']);
    expect(() => parseServerEnv({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES.*10\.0\.0\.0\/33/);
    expect(() => parseServerEnv({ TRUSTED_PROXIES: 'proxy.internal' })).toThrow(/TRUSTED_PROXIES/);
  });

  it('limits self-paced sign-ups per address above any class', () => {
    expect(parseServerEnv({}).SELF_PACED_SIGNUPS_PER_HOUR).toBe(200);
    expect(() => parseServerEnv({ SELF_PACED_SIGNUPS_PER_HOUR: '0' })).toThrow(/SELF_PACED_SIGNUPS_PER_HOUR/);
  });
});
