import 'server-only';
import { readChannel, type ChannelCaller } from './channel';

/**
 * PROTOTYPE (measured against the combined poll, see the bench): the page channel as a
 * server-sent-events stream. Each read `<ms>:<url>` is read every `ms` on the server and pushed.
 */
export function channelStream(caller: ChannelCaller, reads: string[], signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const timers = new Set<ReturnType<typeof setTimeout>>();
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      signal.addEventListener('abort', close);
      controller.enqueue(encoder.encode(': open\n\n'));
      for (const spec of reads) {
        const colon = spec.indexOf(':');
        const ms = Math.max(1_000, Number(spec.slice(0, colon)) || 5_000);
        let url = spec.slice(colon + 1);
        const run = async () => {
          if (closed) return;
          const [answer] = await readChannel(caller, [url]);
          if (closed) return;
          const data = answer && 'data' in answer ? (answer.data as { cursor?: string }) : null;
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ url, answer })}\n\n`));
          if (data?.cursor) {
            const next = new URL(url, 'http://x');
            next.searchParams.set('cursor', data.cursor);
            url = `${next.pathname}${next.search}`;
          }
          const timer = setTimeout(() => {
            timers.delete(timer);
            void run();
          }, ms);
          timers.add(timer);
        };
        void run();
      }
    },
  });
}
