import type { EsContext } from './context';

/**
 * `refresh=wait_for`: the answer waits until a refresh has made the request's writes searchable,
 * as Elasticsearch's refresh listeners do. The practice engine refreshes lazily (when a read or a
 * write finds the periodic refresh due), so waiting means checking again until the write's index
 * is due on the practice clock, or until someone refreshes it; an index whose `refresh_interval`
 * is `-1` waits for an explicit refresh, as in ES. Stops when the client goes away.
 */

/** Longest pause between checks: a test's manual clock, or an explicit `_refresh`, is noticed this fast. */
const MAX_PAUSE_MS = 100;

export interface WrittenDoc {
  index: string;
  seqNo: number;
}

export async function waitForRefresh(ctx: EsContext, writes: readonly WrittenDoc[]): Promise<void> {
  const engine = ctx.deployment.engine;
  // Per index only the latest write matters: a refresh that covers it covers the earlier ones.
  const latest = new Map<string, number>();
  for (const w of writes) if (w.seqNo >= 0) latest.set(w.index, Math.max(latest.get(w.index) ?? -1, w.seqNo));
  for (;;) {
    let pause = MAX_PAUSE_MS;
    for (const [index, seqNo] of latest) {
      const state = engine.refreshState(index, seqNo);
      if (state.searchable) {
        latest.delete(index);
        continue;
      }
      if (state.dueAt !== undefined) pause = Math.min(pause, Math.max(1, state.dueAt - ctx.clock.now()));
    }
    if (latest.size === 0 || ctx.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pause);
      timer.unref();
    });
  }
}
