import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EsError } from '../engine/api';
import { decideFault, parseFaultConfig } from '../faults';
import { parseAuthorization, parseRoleDescriptors, Permissions } from '../security';
import { abortWhenClientLeaves, errorBody, filterPath, negotiate, parseJsonObject, prettyJson } from './http-utils';
import { Router } from './router';

describe('router', () => {
  const r = new Router<string>()
    .add('GET', '/_search', 'search-all')
    .add(['GET', 'POST'], '/{index}/_search', 'search')
    .add(['PUT'], '/{index}', 'create')
    .add(['GET', 'HEAD'], '/{index}', 'get')
    .add('GET', '/{index}/_doc/{id}', 'doc');

  it('prefers literal segments and decodes names', () => {
    expect(r.match('GET', '/_search')).toEqual({ kind: 'match', handler: 'search-all', params: {} });
    expect(r.match('POST', '/metricbeat-*%2Cfilebeat-*/_search')).toEqual({ kind: 'match', handler: 'search', params: { index: 'metricbeat-*,filebeat-*' } });
    expect(r.match('GET', '/my%20index/_doc/a%2Fb')).toMatchObject({ params: { index: 'my index', id: 'a/b' } });
  });

  it('answers 405 from the first matching path, as ES does', () => {
    expect(r.match('PUT', '/_search')).toEqual({ kind: 'method_not_allowed', allowed: ['GET'] });
    expect(r.match('POST', '/lab')).toEqual({ kind: 'method_not_allowed', allowed: ['PUT', 'GET', 'HEAD'] });
    expect(r.match('GET', '/a/b/c/d')).toEqual({ kind: 'not_found' });
  });
});

describe('http utils', () => {
  it('negotiates compatibility media types per flavour', () => {
    expect(negotiate('8', [7, 8], 'application/vnd.elasticsearch+json; compatible-with=8,text/plain', undefined, false)).toEqual({ compatibleWith: 8 });
    expect(negotiate('8', [7, 8], 'application/json', 'application/json', true)).toEqual({ compatibleWith: null });
    expect(() => negotiate('8', [7, 8], 'application/vnd.elasticsearch+json; compatible-with=9', undefined, false)).toThrow(EsError);
    expect(() => negotiate('8', [7, 8], 'application/vnd.elasticsearch+json; compatible-with=8', 'application/vnd.elasticsearch+json; compatible-with=7', true)).toThrow(/Content-Type, Accept/);
    expect(negotiate('7', [7], 'application/vnd.elasticsearch+json; compatible-with=7', undefined, false)).toEqual({ compatibleWith: 7 });
    try {
      negotiate('7', [7], undefined, 'application/vnd.elasticsearch+json; compatible-with=8', true);
      throw new Error('should fail');
    } catch (error) {
      expect(errorBody(error as EsError)).toEqual({ error: 'Content-Type header [application/vnd.elasticsearch+json; compatible-with=8] is not supported', status: 406 });
    }
  });

  it('renders filter_path and pretty like ES', () => {
    const body = { took: 1, errors: true, items: [{ index: { _id: '1', status: 201 } }, { create: { _id: '2', status: 400, error: { type: 'x' } } }] };
    expect(filterPath(body, 'errors,items.*.error')).toEqual({ errors: true, items: [{ create: { error: { type: 'x' } } }] });
    expect(filterPath(body, '**.status')).toEqual({ items: [{ index: { status: 201 } }, { create: { status: 400 } }] });
    expect(filterPath(body, '-items')).toEqual({ took: 1, errors: true });
    expect(prettyJson({ a: [1, { b: null }], c: {} })).toBe('{\n  "a" : [\n    1,\n    {\n      "b" : null\n    }\n  ],\n  "c" : { }\n}');
  });

  it('reports malformed JSON as x_content_parse_exception with a position', () => {
    try {
      parseJsonObject(Buffer.from('{\n  "query": {\n    "match_all": {}\n  '));
      throw new Error('should fail');
    } catch (error) {
      expect(error).toBeInstanceOf(EsError);
      expect((error as EsError).type).toBe('x_content_parse_exception');
      expect((error as EsError).reason).toMatch(/^\[4:3\] Unexpected end-of-input/);
    }
  });
});

describe('abortWhenClientLeaves', () => {
  const response = (writableFinished: boolean) => Object.assign(new EventEmitter(), { writableFinished });

  it('aborts when the connection closes before the answer was written', () => {
    const res = response(false);
    const gone = abortWhenClientLeaves(res);
    expect(gone.signal.aborted).toBe(false);
    res.emit('close');
    expect(gone.signal.aborted).toBe(true);
  });

  it('does not abort after an answer that was written whole', () => {
    const res = response(true);
    const gone = abortWhenClientLeaves(res);
    res.emit('close');
    expect(gone.signal.aborted).toBe(false);
  });
});

describe('security', () => {
  it('parses Basic and ApiKey credentials', () => {
    expect(parseAuthorization(`Basic ${Buffer.from('elastic:p:w').toString('base64')}`)).toEqual({ kind: 'basic', username: 'elastic', password: 'p:w' });
    expect(parseAuthorization(`ApiKey ${Buffer.from('id1:secret').toString('base64')}`)).toEqual({ kind: 'api_key', id: 'id1', secret: 'secret' });
    expect(parseAuthorization(undefined)).toBeUndefined();
  });

  it('evaluates role descriptors with privilege implication', () => {
    const { descriptors } = parseRoleDescriptors({
      beats: { cluster: ['monitor', 'read_pipeline'], index: [{ names: ['filebeat-*', 'metricbeat-*'], privileges: ['create_doc', 'auto_configure'] }] },
    });
    const p = new Permissions(descriptors);
    expect(p.hasCluster('monitor')).toBe(true);
    expect(p.hasCluster('monitor_ml')).toBe(true);
    expect(p.hasCluster('manage')).toBe(false);
    expect(p.hasIndex('filebeat-8.15.0', ['create_doc'])).toBe(true);
    expect(p.hasIndex('.ds-filebeat-8.15.0-2026.11.24-000001', ['create_doc'], 'filebeat-8.15.0')).toBe(true);
    expect(p.hasIndex('filebeat-8.15.0', ['read'])).toBe(false);
    expect(p.coversIndexPattern('metricbeat-8*', 'create_doc')).toBe(true);
    expect(p.coversIndexPattern('*', 'create_doc')).toBe(false);
    expect(new Permissions([{ cluster: ['all'], indices: [{ names: ['*'], privileges: ['write'] }] }]).hasIndex('x', ['create_doc'])).toBe(true);
    expect(() => parseRoleDescriptors({ r: { cluster: ['superpowers'] } })).toThrow(/unknown cluster privilege/);
  });
});

describe('faults', () => {
  it('validates and decides per request', () => {
    expect(() => parseFaultConfig({ status: 418 })).toThrow(/status/);
    expect(() => parseFaultConfig({ typo: 1 })).toThrow(/unknown fault/);
    const config = parseFaultConfig({ status: 429, everyNth: 3, latencyMs: 5 });
    expect(decideFault(config, 1, '/', 'n').error).toBeUndefined();
    expect(decideFault(config, 3, '/', 'n').error?.status).toBe(429);
    expect(decideFault(config, 1, '/', 'n').latencyMs).toBe(5);
    expect(decideFault(parseFaultConfig({ status: 401 }), 1, '/_search', 'n').error?.reason).toBe('unable to authenticate user [elastic] for REST request [/_search]');
  });
});
