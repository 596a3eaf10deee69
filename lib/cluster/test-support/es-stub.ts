import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny stand-in for Elasticsearch of a given version, for the client tests: it answers the
 * probe and a few APIs, and negotiates compatibility headers like the real majors do (7.x: plain
 * JSON and compatible-with=7; 8.x: 7 or 8; 9.x: 8 or 9), so picking the wrong client fails here
 * the way it fails against a real cluster.
 */
export interface EsStubOptions {
  version: string;
  /** `x-elastic-product: Elasticsearch` on every answer (7.14+). */
  productHeader?: boolean;
  buildFlavor?: string;
  distribution?: string;
  username?: string;
  password?: string;
  /** Status for `GET /` (e.g. 403 for a user without `monitor`). */
  rootStatus?: number;
  /** Answer like Kibana instead. */
  kibana?: boolean;
  nodes?: Record<string, { name: string; roles?: string[]; attributes?: Record<string, string> }>;
  licence?: { type: string; status: string };
  health?: 'green' | 'yellow' | 'red';
  /** Delay before answering anything but `GET /`, to exercise timeouts and aborts. */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface EsStub {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startEsStub(options: EsStubOptions): Promise<EsStub> {
  const major = Number(options.version.split('.')[0]);
  const accepted = major >= 9 ? [8, 9] : major === 8 ? [7, 8] : [7];
  const requests: RecordedRequest[] = [];
  const username = options.username ?? 'elastic';
  const password = options.password ?? 'changeme';

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url ?? '/', 'http://stub');
      requests.push({ method: request.method ?? 'GET', path: url.pathname, headers: request.headers, body });
      const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
        const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8', ...extra };
        if (options.productHeader && !options.kibana) headers['x-elastic-product'] = 'Elasticsearch';
        response.writeHead(status, headers);
        response.end(request.method === 'HEAD' ? undefined : JSON.stringify(payload));
      };

      if (options.kibana) {
        send(302, {}, { location: '/spaces/enter', 'kbn-name': 'kibana' });
        return;
      }
      const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      if (request.headers.authorization !== expected) {
        send(401, esError(401, 'security_exception', `unable to authenticate user [${username}] for REST request [${url.pathname}]`), {
          'www-authenticate': 'Basic realm="security" charset="UTF-8"',
        });
        return;
      }
      for (const header of [request.headers.accept, request.headers['content-type']]) {
        const wanted = /compatible-with=(\d+)/.exec(String(header ?? ''));
        if (wanted && !accepted.includes(Number(wanted[1]))) {
          if (major <= 7) {
            send(406, { error: `Content-Type header [${String(header)}] is not supported`, status: 406 });
          } else {
            const reason = `Accept version must be either version ${accepted[1]} or ${accepted[0]}, but found ${wanted[1]}. Accept=${String(header)}`;
            send(400, esError(400, 'media_type_header_exception', reason));
          }
          return;
        }
      }
      if (options.delayMs && url.pathname !== '/') {
        setTimeout(() => route(url.pathname, request.method ?? 'GET', send), options.delayMs).unref();
        return;
      }
      route(url.pathname, request.method ?? 'GET', send);
    });
  });

  const route = (path: string, method: string, send: (status: number, payload: unknown) => void) => {
    if (path === '/' && method === 'GET') {
      if (options.rootStatus) {
        send(options.rootStatus, esError(options.rootStatus, 'security_exception', 'action [cluster:monitor/main] is unauthorized for user [reader] with effective roles [reader], this action is granted by the cluster privileges [monitor,manage,all]'));
        return;
      }
      send(200, {
        name: 'instance-0000000000',
        cluster_name: 'stub-cluster',
        cluster_uuid: 'w9dX4yq3QTyy0v8mt1mMwQ',
        version: {
          number: options.version,
          build_flavor: options.buildFlavor ?? 'default',
          build_type: 'docker',
          ...(options.distribution ? { distribution: options.distribution } : {}),
        },
        tagline: 'You Know, for Search',
      });
      return;
    }
    if (path === '/_security/_authenticate') {
      send(200, { username, roles: ['superuser'], authentication_type: 'realm' });
      return;
    }
    if (path === '/_cluster/health') {
      send(200, {
        cluster_name: 'stub-cluster',
        status: options.health ?? 'green',
        number_of_nodes: 2,
        number_of_data_nodes: 1,
        active_shards_percent_as_number: 100,
        unassigned_shards: 0,
      });
      return;
    }
    if (path === '/_nodes') {
      send(200, { nodes: options.nodes ?? { a: { name: 'instance-0', roles: ['data', 'master'] }, b: { name: 'instance-1', roles: ['ml'] } } });
      return;
    }
    if (path === '/_license') {
      send(200, { license: { ...(options.licence ?? { type: 'trial', status: 'active' }), expiry_date_in_millis: 1_900_000_000_000 } });
      return;
    }
    if (path === '/_xpack') {
      const trial = (options.licence?.type ?? 'trial') !== 'basic';
      // `_xpack` carries the same licence as `_license` (type, status, expiry in millis).
      const license = { ...(options.licence ?? { type: 'trial', status: 'active' }), expiry_date_in_millis: 1_900_000_000_000 };
      send(200, { license, features: { ml: { available: trial, enabled: true }, watcher: { available: trial, enabled: true } } });
      return;
    }
    if (path.endsWith('/_search')) {
      const index = decodeURIComponent(path.split('/')[1] ?? '');
      if (index === 'missing') {
        send(404, esError(404, 'index_not_found_exception', 'no such index [missing]', { index: 'missing', 'resource.id': 'missing' }));
        return;
      }
      send(200, { took: 1, timed_out: false, hits: { total: { value: 1, relation: 'eq' }, hits: [{ _index: index, _id: '1', _source: { message: 'hello' } }] } });
      return;
    }
    send(404, esError(404, 'resource_not_found_exception', `no handler for ${path}`));
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}) {
  return { error: { root_cause: [{ type, reason, ...extra }], type, reason, ...extra }, status };
}
