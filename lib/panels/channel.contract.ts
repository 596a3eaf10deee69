/**
 * The page channel, client-safe: what the browser and `POST /api/panels` agree on. A page's live
 * reads (its panels, its checkpoints) that fall due together travel as one request; each read is
 * named by the URL its own route answers at (`/api/panels/host-metrics?range=15m`,
 * `/api/checkpoints?chapter=2`), and each gets its own answer: the route's DTO, or the route's
 * error, so one failing panel does not fail the others.
 */
import type { ErrorBody } from '../errors';

export const CHANNEL_PATH = '/api/panels';

/** Reads one request carries at most; a page with more sends several. */
export const CHANNEL_MAX_READS = 20;

/** Longest URL of one read (an auth-log cursor and filter fit well within it). */
export const CHANNEL_MAX_URL = 20_000;

export interface ChannelRequest {
  reads: string[];
}

/**
 * One read's answer, in the order of the request's reads: the DTO; or the error its route would
 * have answered (status and body); or `route`: the channel does not carry this read (a panel
 * newer than the server's channel list), so the browser asks its route itself.
 */
export type ChannelAnswer = { data: unknown } | { status: number; error: ErrorBody['error'] } | { route: true };

export interface ChannelResponse {
  answers: ChannelAnswer[];
}
