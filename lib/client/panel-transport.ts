import { CHANNEL_MAX_READS, CHANNEL_PATH, type ChannelAnswer, type ChannelResponse } from '../panels/channel.contract';
import { ApiError, parseApiResponse } from './api';

/**
 * Where a page's live reads leave the browser: the page channel (`POST /api/panels`). Reads
 * started within a few milliseconds of each other (the page scheduler starts everything due at a
 * tick in one go; "refresh every panel" and a page's first reads come together too) travel as one
 * request, and each read gets its own answer back: its DTO, or its own ApiError, exactly as its
 * route would have answered. A read the server's channel does not carry (a panel newer than it)
 * is asked of its own route from then on.
 */

export interface PanelTransportOptions {
  /** `fetch` to send with, given the app's paths (the bench passes one with its cookie jar and origin). */
  fetch?: (path: string, init: RequestInit) => Promise<Response>;
  /** How long a read waits for others to join its request. */
  windowMs?: number;
}

export interface PanelTransport {
  read<T>(url: string, locale: string): Promise<T>;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Paths (`/api/panels/watches`) answered `{ route: true }`: not on this server's channel. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

export function createPanelTransport(options: PanelTransportOptions = {}): PanelTransport {
  const send = options.fetch ?? ((path: string, init: RequestInit) => fetch(path, init));
  const windowMs = options.windowMs ?? 10;
  /** Per locale (Accept-Language: error texts come back in it), the reads waiting and who waits for each. */
  const pending = new Map<string, Map<string, Waiter[]>>();
  const routeOnly = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const getRoute = (url: string, locale: string) =>
    send(url, { headers: { 'accept-language': locale, accept: 'application/json' }, cache: 'no-store' }).then((r) => parseApiResponse<unknown>(r));

  const settle = (url: string, locale: string, answer: ChannelAnswer | undefined, waiters: Waiter[]) => {
    const all = (run: (waiter: Waiter) => void) => waiters.forEach(run);
    if (!answer) return all((w) => w.reject(new ApiError(500, 'internal', 'The page channel answered without this read.', '')));
    if ('data' in answer) return all((w) => w.resolve(answer.data));
    if ('route' in answer) {
      routeOnly.add(pathOf(url));
      const read = getRoute(url, locale);
      return all((w) => read.then(w.resolve, w.reject));
    }
    const { code, message, hint, params } = answer.error;
    // Parsed JSON: no param is undefined.
    const shown = (params ?? {}) as Record<string, string | number | boolean>;
    all((w) => w.reject(new ApiError(answer.status, code, message, hint, shown)));
  };

  const sendBatch = async (locale: string, reads: [string, Waiter[]][]) => {
    let answers: ChannelAnswer[];
    try {
      const response = await send(CHANNEL_PATH, {
        method: 'POST',
        headers: { 'accept-language': locale, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ reads: reads.map(([url]) => url) }),
        cache: 'no-store',
      });
      answers = (await parseApiResponse<ChannelResponse>(response)).answers;
    } catch (error) {
      // The request itself failed (offline, signed out, a server error): every read in it did.
      for (const [, waiters] of reads) waiters.forEach((w) => w.reject(error));
      return;
    }
    reads.forEach(([url, waiters], i) => settle(url, locale, answers[i], waiters));
  };

  const flush = () => {
    timer = null;
    const batches = [...pending];
    pending.clear();
    for (const [locale, reads] of batches) {
      const entries = [...reads];
      for (let i = 0; i < entries.length; i += CHANNEL_MAX_READS) void sendBatch(locale, entries.slice(i, i + CHANNEL_MAX_READS));
    }
  };

  return {
    read<T>(url: string, locale: string): Promise<T> {
      if (routeOnly.has(pathOf(url))) return getRoute(url, locale) as Promise<T>;
      return new Promise<T>((resolve, reject) => {
        let reads = pending.get(locale);
        if (!reads) pending.set(locale, (reads = new Map()));
        // The same URL twice in one window (two hooks on one key) is one read.
        const waiters = reads.get(url) ?? [];
        waiters.push({ resolve: resolve as (value: unknown) => void, reject });
        reads.set(url, waiters);
        timer ??= setTimeout(flush, windowMs);
      });
    },
  };
}

let browserTransport: PanelTransport | null = null;

/** One panel read (a panel's URL under `/api/panels/`, or `/api/checkpoints?chapter=N`) through the page channel. */
export function fetchPanel<T>(url: string, locale: string): Promise<T> {
  browserTransport ??= createPanelTransport();
  return browserTransport.read<T>(url, locale);
}
