import { describe, expect, it } from 'vitest';
import { AppError, describeError, ERROR_CODES, ERROR_SPECS, errorStatus, toAppError, toErrorBody } from './errors';

describe('AppError codes', () => {
  it('has a status, and a message and hint in Korean and English, for every code', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_SPECS[code].status).toBeGreaterThanOrEqual(400);
      for (const locale of ['ko', 'en'] as const) {
        const { message, hint } = describeError(code, locale);
        expect(message.length, `${code} ${locale}`).toBeGreaterThan(5);
        expect(hint.length, `${code} ${locale}`).toBeGreaterThan(5);
        expect(message).not.toMatch(/undefined|\$\{/);
      }
      expect(describeError(code, 'ko').message).not.toBe(describeError(code, 'en').message);
    }
  });

  it('keeps the stable codes of DESIGN.md', () => {
    for (const code of [
      'invalid_cloud_id', 'invalid_url', 'endpoint_not_allowed', 'dns_failed', 'tls_failed', 'timeout', 'unauthorized',
      'forbidden', 'licence_required', 'no_ml_node', 'index_missing', 'cluster_unavailable', 'rate_limited',
      'not_connected', 'not_signed_in',
    ]) {
      expect(ERROR_CODES).toContain(code);
    }
  });

  it('maps codes to HTTP statuses', () => {
    expect(new AppError('not_signed_in').status).toBe(401);
    expect(new AppError('unauthorized').status).toBe(422);
    expect(new AppError('forbidden').status).toBe(403);
    expect(new AppError('index_missing').status).toBe(404);
    expect(new AppError('rate_limited').status).toBe(429);
    expect(new AppError('cluster_unavailable').status).toBe(503);
    expect(new AppError('timeout').status).toBe(504);
    expect(errorStatus(new Error('boom'))).toBe(500);
  });
});

describe('describeError', () => {
  it('gives the unauthorized message and hint in the reader language', () => {
    expect(describeError('unauthorized', 'en')).toEqual({
      message: 'The cluster refused the user name or password.',
      hint: "Copy the elastic user's password again from the deployment page (Elastic Cloud: Reset password), or use an API key.",
    });
    expect(describeError('unauthorized', 'ko').message).toBe('클러스터가 사용자 이름 또는 비밀번호를 거부했습니다.');
    expect(describeError('unauthorized', 'en', { authKind: 'api_key' }).message).toMatch(/API key/);
  });

  it('says what is wrong with a Cloud ID', () => {
    expect(describeError('invalid_cloud_id', 'en', { reason: 'wrong_parts', partCount: 2 }).message).toMatch(/2 '\$'-separated parts/);
    expect(describeError('invalid_cloud_id', 'ko', { reason: 'not_base64' }).message).toMatch(/base64/);
  });

  it('points to the 30-day trial and to enabling machine learning', () => {
    expect(describeError('licence_required', 'en', { feature: 'ml', licence: 'basic' }).message).toBe(
      'Machine learning needs a Platinum, Enterprise or trial licence; the cluster has a basic licence.',
    );
    expect(describeError('licence_required', 'en').hint).toMatch(/Stack Management > License management/);
    expect(describeError('licence_required', 'ko').hint).toMatch(/30일/);
    expect(describeError('no_ml_node', 'en').hint).toMatch(/Machine Learning/);
  });

  it('falls back to Korean for an unknown locale', () => {
    expect(describeError('not_connected', 'fr')).toEqual(describeError('not_connected', 'ko'));
  });
});

describe('toErrorBody', () => {
  it('is the DTO of DESIGN.md', () => {
    const body = toErrorBody(new AppError('index_missing', { params: { index: 'metricbeat-7.6.2' } }), 'en');
    expect(body).toEqual({
      error: {
        code: 'index_missing',
        message: 'The index metricbeat-7.6.2 does not exist yet.',
        hint: expect.stringMatching(/Metricbeat or Filebeat/),
        params: { index: 'metricbeat-7.6.2' },
      },
    });
  });

  it('turns anything unknown into internal without leaking its text', () => {
    const body = toErrorBody(new Error('connect to postgres://lab:secret@db failed'), 'en');
    expect(body.error.code).toBe('internal');
    expect(JSON.stringify(body)).not.toMatch(/secret|postgres/);
    expect(toErrorBody('a string', 'ko').error.code).toBe('internal');
    expect(toAppError(new Error('x')).detail).toBe('Error: x');
  });

  it('shows only public params; the rest stays in the log', () => {
    const error = new AppError('endpoint_not_allowed', {
      params: { host: 'evil.example', reason: 'private_address', resolved: '10.0.0.7' },
      detail: 'evil.example resolves to 10.0.0.7',
    });
    const text = JSON.stringify(toErrorBody(error, 'en'));
    expect(text).toMatch(/evil\.example/);
    expect(text).not.toMatch(/10\.0\.0\.7/);
    expect(error.toLog().detail).toMatch(/10\.0\.0\.7/);
  });

  it('redacts secrets from log details', () => {
    const error = new AppError('internal', { detail: 'request failed: Authorization: Basic ZWxhc3RpYzpzZWNyZXQ= {"password":"hunter2"}' });
    expect(error.detail).not.toMatch(/ZWxhc3RpYzpzZWNyZXQ|hunter2/);
  });
});

describe('AppError across module copies', () => {
  it('is recognised when thrown by another copy of the module (start-up hook and routes are bundled apart)', async () => {
    const { vi } = await import('vitest');
    vi.resetModules();
    const other = await import('./errors');
    vi.resetModules();
    const mine = await import('./errors');
    expect(other.AppError).not.toBe(mine.AppError);
    const thrown = new other.AppError('endpoint_not_allowed', { params: { host: '127.0.0.1' } });
    expect(thrown instanceof mine.AppError).toBe(true);
    expect(mine.toAppError(thrown).code).toBe('endpoint_not_allowed');
    expect(new Error('plain') instanceof mine.AppError).toBe(false);
  });
});
