import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseCloudId } from '../cluster/cloud-id';
import { API_KEY_PLACEHOLDER, beatConfigYaml, cloudIdOf, PASSWORD_PLACEHOLDER, setupCommand } from './config';

/** The Cloud ID of Elastic's documentation (ES-REFERENCE 1.1). */
const DOCS_CLOUD_ID = 'staging:dXMtZWFzdC0xLmF3cy5mb3VuZC5pbyRjZWM2ZjI2MWE3NGJmMjRjZTMzYmI4ODExYjg0Mjk0ZiRjNmMyY2E2ZDA0MjI0OWFmMGNjN2Q3YTllOTYyNTc0Mw==';

/** Decodes to the URLs the way Beats do; the rebuilt ID must point at the very same places. */
function endpointsOf(cloudId: string) {
  const parsed = parseCloudId(cloudId);
  return { es: parsed.esUrl, kibana: parsed.kibanaUrl, label: parsed.label };
}

describe('cloudIdOf', () => {
  it("rebuilds a Cloud ID equivalent to the documentation's from the stored addresses", () => {
    const original = parseCloudId(DOCS_CLOUD_ID);
    const rebuilt = cloudIdOf({ url: original.esUrl, kibanaUrl: original.kibanaUrl, label: original.label })!;
    expect(endpointsOf(rebuilt)).toEqual(endpointsOf(DOCS_CLOUD_ID));
    expect(rebuilt.startsWith('staging:')).toBe(true);
  });

  it.each([
    ['separate Kibana port', 'https://abc123.us-central1.gcp.cloud.es.io:9243', 'https://def456.us-central1.gcp.cloud.es.io:443'],
    ['alias endpoints', 'https://lab.es.ap-northeast-2.aws.elastic-cloud.com:443', 'https://lab.kb.ap-northeast-2.aws.elastic-cloud.com:443'],
    ['no Kibana', 'https://abc123.eastus2.azure.elastic-cloud.com:443', null],
  ])('keeps the addresses with %s', (_name, url, kibanaUrl) => {
    const rebuilt = cloudIdOf({ url, kibanaUrl, label: 'lab' })!;
    expect(endpointsOf(rebuilt)).toEqual({ es: url, kibana: kibanaUrl, label: 'lab' });
  });

  it('has no Cloud ID for plain http or a bare host', () => {
    expect(cloudIdOf({ url: 'http://127.0.0.1:9200', kibanaUrl: null, label: null })).toBeNull();
    expect(cloudIdOf({ url: 'https://localhost:9200', kibanaUrl: null, label: null })).toBeNull();
  });
});

describe('beatConfigYaml', () => {
  const cloud = { kind: 'cloud' as const, cloudId: DOCS_CLOUD_ID };

  it('puts the Cloud ID and the API key in output.elasticsearch.api_key, without cloud.auth', () => {
    const yaml = beatConfigYaml(cloud, { kind: 'api_key', apiKey: 'VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw' });
    expect(parseYaml(yaml)).toEqual({
      'cloud.id': DOCS_CLOUD_ID,
      'output.elasticsearch': { api_key: 'VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw' },
    });
    expect(yaml).not.toContain('cloud.auth');
  });

  it('shows a placeholder until a key is made', () => {
    expect(parseYaml(beatConfigYaml(cloud, { kind: 'api_key', apiKey: null }))['output.elasticsearch'].api_key).toBe(API_KEY_PLACEHOLDER);
  });

  it("writes the handout's cloud.auth with a password placeholder, never a password", () => {
    const yaml = beatConfigYaml(cloud, { kind: 'password', username: 'elastic' });
    expect(parseYaml(yaml)).toEqual({ 'cloud.id': DOCS_CLOUD_ID, 'cloud.auth': `elastic:${PASSWORD_PLACEHOLDER}` });
  });

  it('lists the Elasticsearch URL for a URL connection, with Kibana for setup when known', () => {
    const hosts = { kind: 'hosts' as const, hosts: ['https://es.example.org:9200'], kibanaUrl: 'https://kibana.example.org' };
    expect(parseYaml(beatConfigYaml(hosts, { kind: 'api_key', apiKey: 'id:key' }))).toEqual({
      'output.elasticsearch': { hosts: ['https://es.example.org:9200'], api_key: 'id:key' },
      'setup.kibana': { host: 'https://kibana.example.org' },
    });
    expect(parseYaml(beatConfigYaml({ ...hosts, kibanaUrl: null }, { kind: 'password', username: 'lab_admin' }))).toEqual({
      'output.elasticsearch': { hosts: ['https://es.example.org:9200'], username: 'lab_admin', password: PASSWORD_PLACEHOLDER },
    });
  });
});

describe('setupCommand', () => {
  const cloud = { kind: 'cloud' as const, cloudId: DOCS_CLOUD_ID };

  it('is the plain command when the password is in the file', () => {
    expect(setupCommand('sudo metricbeat', cloud, { kind: 'password', username: 'elastic' })).toBe('sudo metricbeat setup');
  });

  it('with a key in the file, runs set-up once as the elastic user given on the command line', () => {
    expect(setupCommand('./metricbeat', cloud, { kind: 'api_key', apiKey: null })).toBe(
      `./metricbeat setup -E "output.elasticsearch.api_key=''" -E "cloud.auth='elastic:${PASSWORD_PLACEHOLDER}'"`,
    );
    expect(setupCommand('.\\filebeat.exe', { kind: 'hosts', hosts: ['https://es:9200'], kibanaUrl: null }, { kind: 'api_key', apiKey: null })).toBe(
      `.\\filebeat.exe setup -E "output.elasticsearch.api_key=''" -E "output.elasticsearch.username='elastic'" -E "output.elasticsearch.password='${PASSWORD_PLACEHOLDER}'"`,
    );
  });
});
