import 'server-only';
import { z } from 'zod';
import { chapters } from '@/content/chapters';
import type { SessionParticipant } from '../auth/sign-in';
import { verifyChapter } from '../checkpoints/verifier';
import { practiceOutbox } from '../connections/practice-outbox';
import { getConnection, type ClusterConnection } from '../db';
import { AppError, type ErrorLocale } from '../errors';
import type { AppContext } from '../server/context';
import { timed } from '../server/diagnostics';
import { errorAnswer, parseQuery } from '../server/http';
import { asksForOlder, authLogOlder, authLogSummary, authLogTail, filebeatModule } from './auth-log';
import { CHANNEL_MAX_READS, CHANNEL_MAX_URL, type ChannelAnswer } from './channel.contract';
import { clusterStatusCard } from './cluster-status';
import { panelPath, type PanelQuery, type PanelReading } from './contract';
import { hostMetrics } from './host-metrics';
import { mlAnomalies } from './ml-anomalies';
import { readPanel, type PanelReader } from './read';
import { watchFields, watchPreview } from './watch-builder';
import { watches } from './watches';

/**
 * `POST /api/panels`, the page channel's server side: the reads a page's panels and checkpoints
 * have due at once, answered in one request. Each read goes exactly where its own route goes
 * (`readPanel` with the reader's zod query, `clusterStatusCard`, `verifyChapter`), so the
 * micro-cache still makes one cluster read per connection per panel query per window however many
 * tabs ask; the channel only saves what the page's separate requests repeated: the HTTP request,
 * the session, the participant check and the connection row, once per page per window instead
 * of once per panel.
 *
 * A panel added later rides the channel with one line in
 * `CHANNEL_SOURCES`: `panelSource(reader)`. Until then the channel answers its reads with
 * `{ route: true }` and the browser asks the panel's route itself, so nothing breaks meanwhile.
 */

export const channelRequestSchema = z
  .object({ reads: z.array(z.string().min(1).max(CHANNEL_MAX_URL)).min(1).max(CHANNEL_MAX_READS) })
  .strict();

/** Who reads, once per channel request. */
export interface ChannelCaller {
  participant: SessionParticipant;
  ctx: AppContext;
  locale: ErrorLocale;
}

/** What the reads of one request share: the participant's connection row, read at most once. */
export interface ChannelShared {
  connection(): Promise<ClusterConnection | null>;
}

export interface ChannelSource {
  /** The route's path the reads name (`/api/panels/host-metrics`). */
  path: string;
  read(caller: ChannelCaller, search: URLSearchParams, shared: ChannelShared): Promise<unknown>;
}

/** A panel whose route is `readPanel(ctx, participant.id, reader, readQuery(request, reader.query))`. */
export function panelSource<Q extends PanelQuery, P, T extends PanelReading>(reader: PanelReader<Q, P, T>): ChannelSource {
  return {
    path: panelPath(reader.contract),
    async read({ ctx, participant }, search, shared) {
      return readPanel(ctx, participant.id, reader, parseQuery(search, reader.query), { connection: await shared.connection() });
    },
  };
}

const checkpointsQuery = z.object({ chapter: z.coerce.number().int().min(1).max(chapters.length) });

/** The auth log: the tail, or with `before=` a page of older events, as its route dispatches (app/api/panels/auth-log/route.ts). */
export const authLogSource: ChannelSource = {
  path: panelPath(authLogTail.contract),
  async read(caller, search, shared) {
    return (asksForOlder(search) ? panelSource(authLogOlder) : panelSource(authLogTail)).read(caller, search, shared);
  },
};

/** The page's checkpoints: `GET /api/checkpoints?chapter=N` (app/api/checkpoints/route.ts). */
export const checkpointsSource: ChannelSource = {
  path: '/api/checkpoints',
  read({ ctx, participant, locale }, search, shared) {
    const { chapter } = parseQuery(search, checkpointsQuery);
    return verifyChapter(ctx, { participantId: participant.id, workshopId: participant.workshopId, connection: shared.connection }, chapter, locale);
  },
};

/** The status card: `GET /api/panels/cluster-status` (no connection is an answer, not an error). */
export const clusterStatusSource: ChannelSource = {
  path: '/api/panels/cluster-status',
  async read({ ctx, participant }, _search, shared) {
    return clusterStatusCard(ctx, participant.id, { connection: await shared.connection() });
  },
};

/** The practice mailbox of chapter 4: `GET /api/practice/outbox` (app/api/practice/outbox/route.ts). */
export const practiceOutboxSource: ChannelSource = {
  path: '/api/practice/outbox',
  async read({ ctx, participant }, _search, shared) {
    return practiceOutbox(ctx, participant.id, await shared.connection());
  },
};

/** Every read the channel carries; a panel's route and its entry here answer the same. */
export const CHANNEL_SOURCES: readonly ChannelSource[] = [
  clusterStatusSource,
  panelSource(hostMetrics),
  authLogSource,
  panelSource(authLogSummary),
  panelSource(filebeatModule),
  panelSource(watches),
  panelSource(watchFields),
  panelSource(watchPreview),
  panelSource(mlAnomalies),
  practiceOutboxSource,
  checkpointsSource,
];

const BASE = 'http://channel.invalid';

/** The path and query of one read; anything but a same-origin path is refused. */
function parseRead(read: string): URL {
  if (!read.startsWith('/') || read.startsWith('//')) throw new AppError('invalid_request', { params: { field: 'reads', reason: 'a path such as /api/panels/host-metrics' } });
  const url = new URL(read, BASE);
  if (url.origin !== BASE) throw new AppError('invalid_request', { params: { field: 'reads', reason: 'a path such as /api/panels/host-metrics' } });
  return url;
}

/**
 * Answers each read, in order. One read's failure is that read's answer (with the status and
 * error body its route would have sent); the others are answered as usual.
 */
export async function readChannel(caller: ChannelCaller, reads: readonly string[], sources: readonly ChannelSource[] = CHANNEL_SOURCES): Promise<ChannelAnswer[]> {
  const byPath = new Map(sources.map((source) => [source.path, source]));
  let connection: Promise<ClusterConnection | null> | undefined;
  const shared: ChannelShared = {
    connection: () => (connection ??= getConnection(caller.ctx.db, caller.participant.id).then((row) => row ?? null)),
  };
  // The same read twice in one request (two tabs' worth of a key) is read once.
  const answers = new Map<string, Promise<ChannelAnswer>>();
  const answer = async (read: string): Promise<ChannelAnswer> => {
    let path = read;
    try {
      const url = parseRead(read);
      path = url.pathname;
      const source = byPath.get(url.pathname);
      if (!source) return { route: true };
      return { data: await timed(`read ${source.path}`, () => source.read(caller, url.searchParams, shared)) };
    } catch (error) {
      const { status, body } = errorAnswer(error, `POST /api/panels ${path}`, caller.locale);
      return { status, error: body.error };
    }
  };
  return Promise.all(
    reads.map((read) => {
      let pending = answers.get(read);
      if (!pending) answers.set(read, (pending = answer(read)));
      return pending;
    }),
  );
}
