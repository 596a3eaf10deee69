/**
 * Kibana's "Sample web logs" data set, generated: the index name, mapping and field shapes of
 * `kibana_sample_data_logs`, with a week of requests around `now` (Kibana also shifts its sample
 * timestamps to the present). Deterministic for a given seed, so tests can check the numbers.
 */
export const SAMPLE_WEB_LOGS_INDEX = 'kibana_sample_data_logs';

export const sampleWebLogsMappings = {
  properties: {
    '@timestamp': { type: 'date' },
    timestamp: { type: 'date' },
    utc_time: { type: 'date' },
    agent: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    bytes: { type: 'long' },
    clientip: { type: 'ip' },
    extension: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    geo: {
      properties: {
        srcdest: { type: 'keyword' },
        src: { type: 'keyword' },
        dest: { type: 'keyword' },
        coordinates: { type: 'geo_point' },
      },
    },
    host: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    index: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    ip: { type: 'ip' },
    machine: { properties: { ram: { type: 'long' }, os: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } } } },
    memory: { type: 'double' },
    message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    phpmemory: { type: 'long' },
    referer: { type: 'keyword' },
    request: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    response: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    tags: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    url: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    event: { properties: { dataset: { type: 'keyword' } } },
  },
} as const;

/** mulberry32: a tiny seeded generator, so the same seed always gives the same data set. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTS = ['www.elastic.co', 'cdn.elastic-elastic-elastic.org', 'artifacts.elastic.co', 'elastic-elastic-elastic.org'];
const EXTENSIONS = ['', 'css', 'deb', 'gz', 'rpm', 'zip'] as const;
const COUNTRIES = ['CN', 'IN', 'US', 'ID', 'BR', 'PK', 'NG', 'BD', 'RU', 'JP', 'KR', 'DE'];
const OSES = ['win 8', 'win xp', 'ios', 'osx', 'win 7'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:6.0a1) Gecko/20110421 Firefox/6.0a1',
  'Mozilla/5.0 (X11; Linux i686) AppleWebKit/534.24 (KHTML, like Gecko) Chrome/11.0.696.50 Safari/534.24',
  'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; .NET CLR 1.1.4322)',
];
const PATHS: Record<(typeof EXTENSIONS)[number], string[]> = {
  '': ['/elasticsearch', '/kibana', '/beats/metricbeat', '/beats/filebeat', '/apm', '/app/kibana'],
  css: ['/styles/main.css', '/styles/app.css'],
  deb: ['/beats/metricbeat/metricbeat-7.6.2-amd64.deb', '/beats/filebeat/filebeat-7.6.2-amd64.deb'],
  gz: ['/elasticsearch/elasticsearch-7.6.2.tar.gz', '/kibana/kibana-7.6.2.tar.gz'],
  rpm: ['/beats/metricbeat/metricbeat-7.6.2-x86_64.rpm'],
  zip: ['/beats/winlogbeat/winlogbeat-7.6.2.zip'],
};

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

export interface SampleWebLog {
  [field: string]: unknown;
}

/**
 * `count` requests spread over the week before `now`, busier in the daytime (UTC) like the real
 * sample, with about 5 % 404s and 2 % 503s.
 */
export function generateSampleWebLogs(now: number, count = 2_000, seed = 20_200_417): SampleWebLog[] {
  const next = random(seed);
  const week = 7 * 24 * 3_600_000;
  const docs: SampleWebLog[] = [];
  while (docs.length < count) {
    const at = now - Math.floor(next() * week);
    const hour = new Date(at).getUTCHours();
    // Accept fewer requests at night: the diurnal shape of the real data set.
    if (next() > 0.35 + 0.65 * Math.sin((Math.PI * hour) / 24)) continue;
    const extension = pick(next, EXTENSIONS);
    const host = pick(next, HOSTS);
    const path = pick(next, PATHS[extension]);
    const roll = next();
    const response = roll < 0.05 ? '404' : roll < 0.07 ? '503' : '200';
    const clientip = `${1 + Math.floor(next() * 222)}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}.${1 + Math.floor(next() * 254)}`;
    const src = pick(next, COUNTRIES);
    const dest = pick(next, COUNTRIES);
    const bytes = response === '200' ? Math.floor(next() * 20_000) : 0;
    const agent = pick(next, AGENTS);
    const time = new Date(at).toISOString();
    docs.push({
      '@timestamp': time,
      timestamp: time,
      utc_time: time,
      agent,
      bytes,
      clientip,
      extension,
      geo: { srcdest: `${src}:${dest}`, src, dest, coordinates: { lat: -60 + next() * 120, lon: -180 + next() * 360 } },
      host,
      index: SAMPLE_WEB_LOGS_INDEX,
      ip: clientip,
      machine: { ram: 2 ** (30 + Math.floor(next() * 4)), os: pick(next, OSES) },
      memory: response === '200' ? null : Math.floor(next() * 300_000),
      message: `${clientip} - - [${time}] "GET ${path} HTTP/1.1" ${response} ${bytes} "-" "${agent}"`,
      phpmemory: response === '200' ? null : Math.floor(next() * 100_000),
      referer: `http://${pick(next, ['twitter.com', 'facebook.com', 'nytimes.com', 'elastic.co'])}/success/${pick(next, ['neil-armstrong', 'sally-ride', 'yuri-gagarin'])}`,
      request: path,
      response,
      tags: response === '200' ? ['success', 'info'] : ['error', 'warning'],
      url: `https://${host}${path}`,
      event: { dataset: 'sample_web_logs' },
    });
  }
  return docs.sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
}
