import { AppError } from '../../errors';
import { ClusterClient, type ClusterTransport, type TransportParams, type TransportResult } from '../adapter';
import { parseVersionNumber } from '../version';

type Answer = unknown | AppError | ((params: TransportParams) => unknown);

/** A transport answering from a table keyed by "METHOD /path", for tests without HTTP. */
export class FakeTransport implements ClusterTransport {
  readonly calls: TransportParams[] = [];
  closed = 0;

  constructor(
    private readonly answers: Record<string, Answer>,
    readonly flavour: 'es7' | 'es8' = 'es8',
  ) {}

  async request<T>(params: TransportParams): Promise<TransportResult<T>> {
    this.calls.push(params);
    const answer = this.answers[`${params.method} ${params.path}`];
    if (answer === undefined) throw new AppError('not_found', { detail: `no fake answer for ${params.method} ${params.path}` });
    const body = typeof answer === 'function' ? (answer as (p: TransportParams) => unknown)(params) : answer;
    if (body instanceof AppError) throw body;
    return { statusCode: 200, body: body as T, headers: {} };
  }

  async close(): Promise<void> {
    this.closed += 1;
  }
}

export function fakeClient(answers: Record<string, Answer>, version = '8.15.0'): { client: ClusterClient; transport: FakeTransport } {
  const transport = new FakeTransport(answers, version.startsWith('7.') ? 'es7' : 'es8');
  return { client: new ClusterClient(transport, parseVersionNumber(version)), transport };
}
