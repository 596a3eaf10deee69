/**
 * Test support: the practice cluster's Elasticsearch REST API over real HTTP, request by request
 * (method, path as written, JSON or NDJSON body), for tests of ES's documented REST behaviour.
 */
import { request } from 'node:http';
import type { Clock } from '../practice/clock';
import type { Flavor } from '../practice/engine/api';
import { startPracticeCluster, type PracticeCluster } from '../practice/server/index';

export interface RestReply {
  status: number;
  // Tests read answers as ES documents them; the shape is checked by the assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface RestDeployment {
  id: string;
  url: string;
  username: string;
  password: string;
  /** One request: `body` is JSON, or NDJSON when given as an array of lines (each JSON or raw text). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RestReply>;
  /** Starts a request whose answer the test awaits later (e.g. `refresh=wait_for`). */
  start(method: string, path: string, body?: unknown): Promise<RestReply>;
  /** The same deployment seen with other credentials (an API key's `Authorization` header). */
  as(authorization: string): RestDeployment;
}

export interface RestLab {
  cluster: PracticeCluster;
  deploy(flavor: Flavor): Promise<RestDeployment>;
  close(): Promise<void>;
}

function encode(body: unknown): { text?: string; contentType: string } {
  if (body === undefined) return { contentType: 'application/json' };
  if (Array.isArray(body)) {
    const lines = body.map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
    return { text: `${lines.join('\n')}\n`, contentType: 'application/x-ndjson' };
  }
  return { text: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json' };
}

function send(port: number, authorization: string, method: string, path: string, body: unknown, extra: Record<string, string> = {}): Promise<RestReply> {
  const { text, contentType } = encode(body);
  return new Promise((resolve, reject) => {
    // An explicit length: node:http sends GET and DELETE bodies unframed otherwise.
    const length = text === undefined ? {} : { 'content-length': String(Buffer.byteLength(text)) };
    const req = request({ host: '127.0.0.1', port, path, method, headers: { authorization, 'content-type': contentType, ...length, ...extra } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = raw;
        try {
          parsed = raw === '' ? null : JSON.parse(raw);
        } catch {
          parsed = raw;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

export async function startRestLab(options: { clock?: Clock } = {}): Promise<RestLab> {
  const cluster = await startPracticeCluster({ port: 0, scheduler: false, clock: options.clock });
  return {
    cluster,
    async deploy(flavor) {
      const response = await fetch(`${cluster.url}/_practice/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flavor }) });
      if (response.status !== 201) throw new Error(`practice deployment: HTTP ${response.status}`);
      const d = (await response.json()) as { id: string; url: string; username: string; password: string };
      const handle = (authorization: string): RestDeployment => ({
        ...d,
        call: (method, path, body, headers) => send(cluster.port, authorization, method, path, body, headers),
        start: (method, path, body) => send(cluster.port, authorization, method, path, body),
        as: (other) => handle(other),
      });
      return handle(`Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`);
    },
    close: () => cluster.close(),
  };
}
