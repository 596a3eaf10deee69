import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { parseCloudId, parseClusterUrl, parseKibanaUrl } from './cloud-id';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const DOCS_EXAMPLE =
  'staging:dXMtZWFzdC0xLmF3cy5mb3VuZC5pbyRjZWM2ZjI2MWE3NGJmMjRjZTMzYmI4ODExYjg0Mjk0ZiRjNmMyY2E2ZDA0MjI0OWFmMGNjN2Q3YTllOTYyNTc0Mw==';

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseCloudId: valid', () => {
  it('decodes the documentation example (ES-REFERENCE 1.1)', () => {
    expect(parseCloudId(DOCS_EXAMPLE)).toEqual({
      label: 'staging',
      host: 'us-east-1.aws.found.io',
      port: 443,
      esUuid: 'cec6f261a74bf24ce33bb8811b84294f',
      kibanaUuid: 'c6c2ca6d042249af0cc7d7a9e9625743',
      esUrl: 'https://cec6f261a74bf24ce33bb8811b84294f.us-east-1.aws.found.io:443',
      kibanaUrl: 'https://c6c2ca6d042249af0cc7d7a9e9625743.us-east-1.aws.found.io:443',
      endpoint: {
        url: 'https://cec6f261a74bf24ce33bb8811b84294f.us-east-1.aws.found.io:443',
        protocol: 'https:',
        hostname: 'cec6f261a74bf24ce33bb8811b84294f.us-east-1.aws.found.io',
        port: 443,
        kibanaUrl: 'https://c6c2ca6d042249af0cc7d7a9e9625743.us-east-1.aws.found.io:443',
        source: 'cloud-id',
      },
    });
  });

  it.each([
    ['a port on the host, inherited by both ids', `my-deploy:${b64('eu-west-1.aws.found.io:9243$abc123$def456')}`, 'https://abc123.eu-west-1.aws.found.io:9243', 'https://def456.eu-west-1.aws.found.io:9243'],
    ['a port on the Elasticsearch id only', `d:${b64('us-central1.gcp.cloud.es.io$abc123:9243$def456')}`, 'https://abc123.us-central1.gcp.cloud.es.io:9243', 'https://def456.us-central1.gcp.cloud.es.io:443'],
    ['no label (Beats accept it)', b64('eastus2.azure.elastic-cloud.com$abc123$def456'), 'https://abc123.eastus2.azure.elastic-cloud.com:443', 'https://def456.eastus2.azure.elastic-cloud.com:443'],
    ['a label containing colons', `team:lab:2024:${b64('ap-northeast-2.aws.elastic-cloud.com$abc123$def456')}`, 'https://abc123.ap-northeast-2.aws.elastic-cloud.com:443', 'https://def456.ap-northeast-2.aws.elastic-cloud.com:443'],
    ['further $ parts', `x:${b64('us-east-1.aws.found.io$abc$def$apm123$fleet456')}`, 'https://abc.us-east-1.aws.found.io:443', 'https://def.us-east-1.aws.found.io:443'],
    ['base64 without padding, wrapped over two lines', `x:${b64('us-east-1.aws.found.io$abc$def1').replace(/=+$/, '').replace(/^(.{10})/, '$1\n  ')}`, 'https://abc.us-east-1.aws.found.io:443', 'https://def1.us-east-1.aws.found.io:443'],
  ])('accepts %s', (_name, cloudId, esUrl, kibanaUrl) => {
    const parsed = parseCloudId(cloudId);
    expect(parsed.esUrl).toBe(esUrl);
    expect(parsed.kibanaUrl).toBe(kibanaUrl);
    expect(parsed.endpoint.url).toBe(esUrl);
  });

  it('keeps the label and reports no Kibana for an empty Kibana id', () => {
    const parsed = parseCloudId(`  lab:${b64('us-east-1.aws.found.io$abc$')}  `);
    expect(parsed.label).toBe('lab');
    expect(parsed.kibanaUrl).toBeNull();
  });
});

describe('parseCloudId: malformed, each with its reason', () => {
  it.each([
    ['empty', '   ', 'empty'],
    ['a URL pasted into the Cloud ID field', 'https://abc.us-east-1.aws.found.io:9243', 'looks_like_url'],
    ['no colon and no base64', 'my deployment', 'no_colon'],
    ['not base64 after the colon', 'staging:this is not base64!', 'not_base64'],
    ['base64 of binary', `staging:${Buffer.from([0, 1, 2, 250, 251]).toString('base64')}`, 'not_base64'],
    ['an empty payload', 'staging:', 'not_base64'],
    ['padding in the wrong place', 'staging:YWJj=', 'not_base64'],
    ['too few $ parts', `staging:${b64('us-east-1.aws.found.io$abc')}`, 'wrong_parts'],
    ['no $ at all', `staging:${b64('us-east-1.aws.found.io')}`, 'wrong_parts'],
    ['an empty Elasticsearch uuid', `staging:${b64('us-east-1.aws.found.io$$def')}`, 'empty_uuid'],
    ['an Elasticsearch uuid with a slash', `staging:${b64('us-east-1.aws.found.io$ab/c$def')}`, 'bad_uuid'],
    ['a host with an @', `staging:${b64('evil.com@us-east-1.aws.found.io$abc$def')}`, 'bad_host'],
    ['a host with a path', `staging:${b64('us-east-1.aws.found.io/x$abc$def')}`, 'bad_host'],
    ['an empty host', `staging:${b64('$abc$def')}`, 'bad_host'],
    ['a port that is not a number', `staging:${b64('us-east-1.aws.found.io:https$abc$def')}`, 'bad_port'],
    ['a port out of range', `staging:${b64('us-east-1.aws.found.io:70000$abc$def')}`, 'bad_port'],
  ])('refuses %s', (_name, cloudId, reason) => {
    const error = failure(() => parseCloudId(cloudId));
    expect(error.code).toBe('invalid_cloud_id');
    expect(error.params.reason).toBe(reason);
  });

  it('counts the parts it found', () => {
    expect(failure(() => parseCloudId(`x:${b64('host.found.io$abc')}`)).params.partCount).toBe(2);
  });

  it('parses a Cloud ID whose host is an address, leaving the refusal to the endpoint policy', () => {
    expect(parseCloudId(`x:${b64('127.0.0.1$abc$def')}`).endpoint.hostname).toBe('abc.127.0.0.1');
  });
});

describe('parseClusterUrl', () => {
  it.each([
    ['https://my-deploy.es.us-central1.gcp.cloud.es.io', 'https://my-deploy.es.us-central1.gcp.cloud.es.io:443', 443],
    ['https://abc.eu-west-1.aws.found.io:9243/', 'https://abc.eu-west-1.aws.found.io:9243', 9243],
    ['http://127.0.0.1:9200', 'http://127.0.0.1:9200', 9200],
    ['abc.us-east-1.aws.found.io:9243', 'https://abc.us-east-1.aws.found.io:9243', 9243],
    ['HTTPS://ABC.Found.IO', 'https://abc.found.io:443', 443],
    ['http://[::1]:9200', 'http://[::1]:9200', 9200],
  ])('accepts %s', (input, url, port) => {
    const endpoint = parseClusterUrl(input);
    expect(endpoint.url).toBe(url);
    expect(endpoint.port).toBe(port);
    expect(endpoint.source).toBe('url');
    expect(endpoint.kibanaUrl).toBeNull();
  });

  it('normalises numeric host forms the way a resolver would see them', () => {
    expect(parseClusterUrl('http://2130706433:9200').hostname).toBe('127.0.0.1');
    expect(parseClusterUrl('http://0x7f000001').hostname).toBe('127.0.0.1');
    expect(parseClusterUrl('http://[::1]').hostname).toBe('::1');
  });

  it.each([
    ['', 'empty'],
    ['ftp://abc.found.io', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://abc.found.io:70/', 'scheme'],
    ['https://elastic:secret@abc.found.io', 'credentials'],
    ['https://abc.found.io@evil.example', 'credentials'],
    ['https://abc.found.io/_search', 'path'],
    ['https://abc.found.io/..%2f..%2f', 'path'],
    ['https://abc.found.io?x=1', 'path'],
    ['https://abc.found.io#frag', 'path'],
    ['https://abc.found.io\\@evil.example', 'malformed'],
    ['https://abc found.io', 'malformed'],
    ['https://my-deploy.kb.us-central1.gcp.cloud.es.io:9243/app/home', 'kibana'],
    ['https://my-deploy.kb.us-central1.gcp.cloud.es.io', 'kibana'],
    ['http://localhost:5601', 'kibana'],
    ['https://', 'malformed'],
  ])('refuses %j (%s)', (input, reason) => {
    const error = failure(() => parseClusterUrl(input));
    expect(error.code).toBe('invalid_url');
    expect(error.params.reason).toBe(reason);
  });
});

describe('parseKibanaUrl', () => {
  it('keeps a path such as a space, drops query and fragment', () => {
    expect(parseKibanaUrl('https://kb.example.com:9243/s/lab/?x=1#/home')).toBe('https://kb.example.com:9243/s/lab');
  });

  it('refuses credentials in it', () => {
    expect(failure(() => parseKibanaUrl('https://u:p@kb.example.com')).params).toEqual({ field: 'kibanaUrl', reason: 'credentials' });
  });
});
