import http from 'node:http';
import https from 'node:https';
import type { CheckedEndpoint, LookupFunction } from './endpoint-policy';

/**
 * Keep-alive sockets per cluster origin, shared by every attendee's client of that origin.
 *
 * Why: a client per attendee with its own agent kept up to six idle sockets each, so a class of
 * 500 on the practice cluster held 4 500 open sockets between the app and one process (both
 * sides keeping timers and buffers for each, and the garbage collector marking them). Credentials
 * travel in each request's Authorization header, not in the socket, so attendees of one origin can
 * share sockets as Elasticsearch's own client shares them between requests.
 *
 * An origin is the endpoint policy's kind, protocol, host and port, per policy: sockets connect
 * through the policy's `lookup` for that origin, and a socket one policy checked is never handed
 * to another. A client's `close()` destroys its agent; a shared agent ignores that. Idle sockets
 * close after a minute, so an origin nobody reads any more keeps none.
 */
const SHARED_SOCKETS = {
  /** At most this many sockets to one origin: the class's reads at once when the pages open. */
  max: 256,
  /** Idle sockets kept between polls: the reads a class has in flight on average, and some. */
  keptOpen: 64,
  /** An idle socket is closed after this long (an origin nobody reads any more lets go of its sockets). */
  idleMs: 60_000,
} as const;

/** A keep-alive agent for one origin's protocol, its sockets resolved through `lookup`. */
export function keepAliveAgent(
  protocol: CheckedEndpoint['protocol'],
  lookup: LookupFunction | undefined,
  limits: { maxSockets: number; maxFreeSockets: number; timeout?: number },
): http.Agent {
  const options = { keepAlive: true, keepAliveMsecs: 1_000, ...limits, lookup };
  return protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/** The shared agents of one endpoint policy, by origin; they live as long as the process. */
export class SharedAgents {
  private readonly agents = new Map<string, http.Agent>();

  /** `idleMs`: how long an idle socket is kept (a minute; shorter in tests). */
  constructor(private readonly idleMs: number = SHARED_SOCKETS.idleMs) {}

  /** The origin's agent, made on first use with `lookup` (the policy's lookup for `checked`). */
  agentFor(checked: CheckedEndpoint, lookup: LookupFunction): http.Agent {
    const key = `${checked.kind} ${checked.protocol}//${checked.hostname}:${checked.port}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = keepAliveAgent(checked.protocol, lookup, { maxSockets: SHARED_SOCKETS.max, maxFreeSockets: SHARED_SOCKETS.keptOpen, timeout: this.idleMs });
      // A client's close() destroys its agent; the other attendees' requests are still on this one.
      agent.destroy = () => {};
      this.agents.set(key, agent);
    }
    return agent;
  }
}
