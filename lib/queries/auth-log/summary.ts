/** SSH attempts per user and source IP over a range: failed, invalid user, accepted. */
import { aggregationsOf, asNumber, asString, bucketsOf, type Dsl, type Duration, durationMs, isObject, metricValue, searchRequest, type SearchRequest } from '../common';
import { AUTH_DATASET, AUTH_FIRST_PAGE_LOOKBACK, AUTH_LOG_FIELDS, AUTH_LOG_INDEX } from './fields';

const F = AUTH_LOG_FIELDS;

/** The ranges the panel offers for the summary. */
export const SSH_SUMMARY_RANGES = ['15m', '1h', '24h'] as const satisfies readonly Duration[];
export type SshSummaryRange = (typeof SSH_SUMMARY_RANGES)[number];

export interface SshSummaryParams {
  /** How far back; defaults to the first page's 15 minutes. */
  range?: Duration;
  /** Epoch ms; absolute range when given, ES date math otherwise. */
  now?: number;
}

export interface SshAttemptCounts {
  failed: number;
  invalidUser: number;
  accepted: number;
  total: number;
}

export interface SshAttemptRow extends SshAttemptCounts {
  user: string | null;
  sourceIp: string | null;
}

export interface SshSummary {
  /** Per user and source IP, most attempts first. */
  rows: SshAttemptRow[];
  totals: SshAttemptCounts;
}

const OUTCOME_FILTERS = {
  failed: { term: { [F.sshEvent]: 'Failed' } },
  invalid_user: { term: { [F.sshEvent]: 'Invalid' } },
  accepted: { term: { [F.sshEvent]: 'Accepted' } },
} as const;

function outcomeAggs(): Dsl {
  return Object.fromEntries(Object.entries(OUTCOME_FILTERS).map(([name, filter]) => [name, { filter }]));
}

export function buildSshSummaryRequest(params: SshSummaryParams = {}): SearchRequest {
  const range = params.range ?? AUTH_FIRST_PAGE_LOOKBACK;
  const time =
    params.now === undefined
      ? { gte: `now-${range}`, lte: 'now' }
      : { gte: params.now - durationMs(range), lte: params.now };
  return searchRequest(AUTH_LOG_INDEX, {
    size: 0,
    query: {
      bool: {
        filter: [
          { term: { [F.dataset]: AUTH_DATASET } },
          { terms: { [F.sshEvent]: ['Accepted', 'Failed', 'Invalid'] } },
          { range: { [F.timestamp]: time } },
        ],
      },
    },
    aggs: {
      ...outcomeAggs(),
      users: {
        terms: { field: F.user, size: 50 },
        aggs: { sources: { terms: { field: F.sourceIp, size: 50 }, aggs: outcomeAggs() } },
      },
    },
  });
}

export function parseSshSummary(response: unknown): SshSummary {
  const aggs = aggregationsOf(response);
  const rows = new Map<string, SshAttemptRow>();
  for (const userBucket of bucketsOf(aggs.users)) {
    // 8.x can index "invalid user" names with a leading space; rows merge on the trimmed name.
    const user = asString(userBucket.key)?.trim() || null;
    for (const ipBucket of bucketsOf(userBucket.sources)) {
      const sourceIp = asString(ipBucket.key) ?? null;
      const key = JSON.stringify([user, sourceIp]);
      const row = rows.get(key) ?? { user, sourceIp, failed: 0, invalidUser: 0, accepted: 0, total: 0 };
      addCounts(row, countsOf(ipBucket));
      rows.set(key, row);
    }
  }
  return {
    rows: [...rows.values()].sort(
      (a, b) => b.total - a.total || (a.user ?? '').localeCompare(b.user ?? '') || (a.sourceIp ?? '').localeCompare(b.sourceIp ?? ''),
    ),
    totals: countsOf(aggs),
  };
}

function countsOf(aggs: Record<string, unknown>): SshAttemptCounts {
  const count = (name: string) => {
    const agg = aggs[name];
    return isObject(agg) ? (asNumber(agg.doc_count) ?? metricValue(agg) ?? 0) : 0;
  };
  const failed = count('failed');
  const invalidUser = count('invalid_user');
  const accepted = count('accepted');
  return { failed, invalidUser, accepted, total: failed + invalidUser + accepted };
}

function addCounts(into: SshAttemptCounts, add: SshAttemptCounts): void {
  into.failed += add.failed;
  into.invalidUser += add.invalidUser;
  into.accepted += add.accepted;
  into.total += add.total;
}
